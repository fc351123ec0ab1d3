package org.hsmc.app.cli;

import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.backup.StoreBackup;
import org.hsmc.ceremony.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;

/** {@code hsmc backup --out FILE} and {@code hsmc restore FILE}: consistent store copies, checked on the way back. */
final class BackupCommand {

    private BackupCommand() {
    }

    @Command(name = "backup", description = "Write a consistent copy of the console's store (SQLite VACUUM INTO) and its"
            + " manifest (SHA-256, audit head). Never overwrites.")
    static final class Backup implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The backup file to create.")
        Path out;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path h = home.resolve();
            Clock clock = Clock.systemUTC();
            try (Store store = Store.open(ConsoleHome.store(h))) {
                StoreBackup.Manifest m = StoreBackup.backup(store, new AuditLog(store, clock), clock, out);
                PrintWriter o = spec.commandLine().getOut();
                o.println("Backup written: " + m.file());
                o.println("SHA-256:        " + m.sha256());
                o.println("Audit head:     " + m.auditHead().text());
                o.println("Manifest:       " + m.file() + ".manifest (keep it with the backup)");
                return Hsmc.EXIT_OK;
            }
        }
    }

    @Command(name = "restore", description = "Restore a backup as the console's store (stop the console first). Refuses a"
            + " backup that was changed, whose audit log does not verify, or whose audit head is older than --current-head.")
    static final class Restore implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The backup file (its .manifest beside it).")
        Path file;
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--current-head", paramLabel = "SEQ:HASH", description = "The audit head the log had reached, from"
                + " the last report or audit export; the backup must not be older. Required unless --check.")
        String currentHead;
        @Option(names = "--check", description = "Only check the backup (hash, audit log); change nothing.")
        boolean check;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Clock clock = Clock.systemUTC();
            PrintWriter o = spec.commandLine().getOut();
            if (check) {
                StoreBackup.Checked c = StoreBackup.check(file, clock);
                o.println("Backup " + file + ": SHA-256 matches its manifest; audit head " + c.manifest().auditHead().text());
                o.println(c.verification().intact() ? "Its audit log verifies (" + c.verification().entriesChecked() + " entries)."
                        : "ITS AUDIT LOG DOES NOT VERIFY: " + c.verification().message());
                return c.verification().intact() ? Hsmc.EXIT_OK : Hsmc.EXIT_REFUSED;
            }
            if (currentHead == null) {
                throw new Hsmc.UserError("Say which audit head the log had reached with --current-head SEQ:HASH (printed in every"
                        + " report and by 'hsmc audit verify'); a restore never goes back behind it. Use 0:"
                        + "0".repeat(64) + " only for a console that never ran.");
            }
            AuditHead head;
            try {
                head = AuditHead.parse(currentHead);
            } catch (RuntimeException e) {
                throw new Hsmc.UserError("--current-head must be SEQ:HASH (64 hex digits), not '" + currentHead + "'.");
            }
            StoreBackup.Manifest m = StoreBackup.restore(file, ConsoleHome.store(home.resolve()), head, clock);
            o.println("Restored " + m.file() + " (audit head " + m.auditHead().text() + "); the replaced store is kept beside it.");
            return Hsmc.EXIT_OK;
        }
    }
}
