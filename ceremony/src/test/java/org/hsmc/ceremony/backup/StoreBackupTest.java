package org.hsmc.ceremony.backup;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoreBackupTest {

    @TempDir
    Path dir;
    private final Clock clock = Clock.systemUTC();

    private Store storeWith(Path file, int entries) {
        Store s = Store.open(file);
        AuditLog log = new AuditLog(s, clock);
        for (int i = 0; i < entries; i++) {
            log.append(new AuditEvent("tester", "test.entry", Outcome.DONE, Map.of("n", Integer.toString(i))));
        }
        return s;
    }

    @Test
    void aBackupOfALiveStoreIsConsistentAndRecordsItsHashAndHead() {
        try (Store s = storeWith(dir.resolve("console.db"), 25)) {
            AuditLog log = new AuditLog(s, clock);
            AuditHead head = log.head();
            StoreBackup.Manifest m = StoreBackup.backup(s, log, clock, dir.resolve("b/backup.db"));
            assertThat(m.auditHead()).isEqualTo(head);
            assertThat(m.sha256()).hasSize(64);
            assertThat(Files.exists(dir.resolve("b/backup.db.manifest"))).isTrue();
            StoreBackup.Checked c = StoreBackup.check(dir.resolve("b/backup.db"), clock);
            assertThat(c.verification().intact()).isTrue();
            assertThat(c.verification().entriesChecked()).isEqualTo(25);
            // the live log records the backup (after the copy was taken)
            assertThat(log.entries(head.seq() + 1, head.seq() + 1).getFirst().action()).isEqualTo("store.backup");
            assertThatThrownBy(() -> StoreBackup.backup(s, log, clock, dir.resolve("b/backup.db")))
                    .isInstanceOf(BackupException.class).hasMessageContaining("never overwrites");
        }
    }

    @Test
    void aChangedBackupIsRefused() throws Exception {
        try (Store s = storeWith(dir.resolve("console.db"), 5)) {
            StoreBackup.backup(s, new AuditLog(s, clock), clock, dir.resolve("backup.db"));
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("backup.db"));
        bytes[bytes.length / 2] ^= 1;
        Files.write(dir.resolve("backup.db"), bytes);
        assertThatThrownBy(() -> StoreBackup.check(dir.resolve("backup.db"), clock))
                .isInstanceOf(BackupException.class).hasMessageContaining("was changed or damaged");
    }

    @Test
    void aBackupWhoseAuditLogDoesNotVerifyIsRefused() throws Exception {
        Path live = dir.resolve("console.db");
        try (Store s = storeWith(live, 8)) {
            // someone with the file rewrites an entry
            try (var c = DriverManager.getConnection("jdbc:sqlite:" + live); var st = c.createStatement()) {
                st.execute("DROP TRIGGER audit_entry_no_update");
                st.execute("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 3");
            }
            StoreBackup.backup(s, new AuditLog(s, clock), clock, dir.resolve("backup.db"));
        }
        assertThat(StoreBackup.check(dir.resolve("backup.db"), clock).verification().intact()).isFalse();
        assertThatThrownBy(() -> StoreBackup.restore(dir.resolve("backup.db"), dir.resolve("restored/console.db"),
                AuditHead.empty(), clock)).isInstanceOf(BackupException.class).hasMessageContaining("does not verify");
        assertThat(dir.resolve("restored/console.db")).doesNotExist();
    }

    @Test
    void aBackupOlderThanTheCurrentHeadIsRefusedAndANewEnoughOneIsRestored() throws Exception {
        Path live = dir.resolve("console.db");
        AuditHead atBackup;
        AuditHead current;
        try (Store s = storeWith(live, 10)) {
            AuditLog log = new AuditLog(s, clock);
            atBackup = StoreBackup.backup(s, log, clock, dir.resolve("old.db")).auditHead();
            log.append(new AuditEvent("tester", "after.backup", Outcome.DONE));
            current = log.head();
        }
        assertThatThrownBy(() -> StoreBackup.restore(dir.resolve("old.db"), live, current, clock))
                .isInstanceOf(BackupException.class).hasMessageContaining("would lose 2 audit entries");
        // the operator's head is the backup's: the restore goes ahead, keeps the replaced store, and records itself
        StoreBackup.restore(dir.resolve("old.db"), live, atBackup, clock);
        try (Store s = Store.open(live)) {
            AuditLog log = new AuditLog(s, clock);
            assertThat(log.verify(Optional.empty()).intact()).isTrue();
            assertThat(log.entries(atBackup.seq() + 1, atBackup.seq() + 1).getFirst().action()).isEqualTo("store.restored");
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("console.db.replaced-"));
        }
    }
}
