package org.hsmc.app.cli;

import org.hsmc.ceremony.audit.AuditExportFormatException;
import org.hsmc.ceremony.audit.AuditExportSummary;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditLogException;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.ceremony.audit.AuditVerifier;
import org.hsmc.ceremony.audit.SignerKeys;
import org.hsmc.ceremony.store.Store;
import org.hsmc.ceremony.store.StoreException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hsmc audit}: verify the console's audit log, export it, and verify an export on any machine
 * (no store, no HSM: the file and the audit public key from the ceremony record). Exit codes: 0 the log
 * is intact; 1 it is not, or the command was refused; 2 the command line is wrong.
 */
@Command(name = "audit", description = "Verify or export the tamper-evident audit log.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, AuditCommand.VerifyFile.class,
                AuditCommand.PublicKeyPem.class})
final class AuditCommand {

    /** Reads {@code SEQ:HASH} (as printed in every ceremony report). */
    static final class HeadConverter implements CommandLine.ITypeConverter<AuditHead> {
        @Override
        public AuditHead convert(String value) {
            try {
                return AuditHead.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "verify", description = "Verify the console's audit log: every entry, every link and every signed"
            + " checkpoint. Exit code 0 when intact, 1 when not.")
    static final class Verify implements Callable<Integer> {
        @Mixin
        HomeOption homeOption = new HomeOption();

        @Option(names = "--expected-head", paramLabel = "SEQ:HASH", converter = HeadConverter.class,
                description = "The head printed in the last ceremony report; shows entries removed from the end.")
        AuditHead expectedHead;

        @Option(names = "--json", description = "Print the result as one JSON object.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path home = homeOption.resolve();
            Path db = existingStore(home);
            try (Store store = Store.open(db)) {
                AuditLog log = new AuditLog(store, Clock.systemUTC());
                HsmHeadProbe kept = HsmHeadProbe.read(home, log);
                AuditVerification v = log.verify(Optional.ofNullable(expectedHead), kept.head());
                return report(spec, "Audit log:   " + db + "\nHSM's head:  " + kept.note(), v, json);
            } catch (StoreException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    @Command(name = "export", description = "Export the audit log (entries, checkpoints, signers' public keys) to one"
            + " file, for an auditor to check with 'hsmc audit verify-file'. Never overwrites a file.")
    static final class Export implements Callable<Integer> {
        @Mixin
        HomeOption homeOption = new HomeOption();

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The export file to create.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path db = existingStore(homeOption.resolve());
            PrintWriter w = spec.commandLine().getOut();
            try (Store store = Store.open(db)) {
                AuditLog log = new AuditLog(store, Clock.systemUTC());
                AuditExportSummary s = log.export(out.toAbsolutePath());
                w.println("Exported:    " + s.entries() + " entries, " + s.checkpoints() + " signed checkpoints, "
                        + s.signers() + (s.signers() == 1 ? " signer" : " signers") + " to " + s.file());
                w.println("Head:        " + s.head().map(AuditHead::text).orElse("(the last entry's hash is damaged)"));
                for (Map.Entry<String, PublicKey> k : log.signers().entrySet()) {
                    w.println("Signer:      '" + k.getKey() + "', public key SHA-256 " + SignerKeys.fingerprint(k.getValue()));
                }
                w.println("Check it elsewhere with: hsmc audit verify-file " + s.file().getFileName()
                        + " --public-key <audit key PEM from the ceremony record> --expected-head <head from the last report>");
                w.flush();
                return Hsmc.EXIT_OK;
            } catch (StoreException | AuditLogException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    @Command(name = "verify-file", description = "Verify an exported audit log on any machine: needs only the file and,"
            + " to trust its signatures, the audit public key (PEM) from the ceremony record. Exit code 0 when intact, 1 when not.")
    static final class VerifyFile implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The file 'hsmc audit export' wrote.")
        Path file;

        @Option(names = "--public-key", paramLabel = "PEM", description = "The audit signing key's public key (PEM file);"
                + " every checkpoint must be signed with it.")
        Path publicKey;

        @Option(names = "--expected-head", paramLabel = "SEQ:HASH", converter = HeadConverter.class,
                description = "The head printed in the last ceremony report; shows entries removed from the end.")
        AuditHead expectedHead;

        @Option(names = "--json", description = "Print the result as one JSON object.")
        boolean json;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Optional<PublicKey> pinned = Optional.empty();
            if (publicKey != null) {
                try {
                    pinned = Optional.of(SignerKeys.fromPem(Files.readString(publicKey, StandardCharsets.US_ASCII)));
                } catch (IOException e) {
                    throw new Hsmc.UserError("The public key file " + publicKey + " cannot be read: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new Hsmc.UserError("The file " + publicKey + " does not hold the audit public key: " + e.getMessage());
                }
            }
            try {
                AuditVerification v = AuditVerifier.verifyExport(file, Optional.ofNullable(expectedHead), pinned);
                String source = "Audit file:  " + file.toAbsolutePath()
                        + pinned.map(k -> "\nTrusted key: SHA-256 " + SignerKeys.fingerprint(k))
                        .orElse("\nTrusted key: none given (signatures checked with the keys the file itself lists)");
                return report(spec, source, v, json);
            } catch (AuditExportFormatException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    @Command(name = "public-key", description = "Write the audit signing key's public key (PEM) for 'hsmc audit verify-file"
            + " --public-key', and print its SHA-256 fingerprint (over the DER SubjectPublicKeyInfo) to compare with the"
            + " ceremony report. Never overwrites a file.")
    static final class PublicKeyPem implements Callable<Integer> {
        @Mixin
        HomeOption homeOption = new HomeOption();

        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The PEM file to create.")
        Path out;

        @Option(names = "--key-id", paramLabel = "ID", description = "The audit key, e.g. audit-signer/v1 (default: the newest).")
        String keyId;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path db = existingStore(homeOption.resolve());
            try (Store store = Store.open(db)) {
                Map<String, PublicKey> signers = new AuditLog(store, Clock.systemUTC()).signers();
                if (signers.isEmpty()) {
                    throw new Hsmc.UserError("The audit log lists no signing key yet: the first checkpoint (the end of the"
                            + " initialize ceremony) registers it.");
                }
                String id = keyId != null ? keyId : signers.keySet().stream().reduce((a, b) -> b).orElseThrow();
                PublicKey key = signers.get(id);
                if (key == null) {
                    throw new Hsmc.UserError("The audit log lists no signing key '" + id + "'; it lists " + signers.keySet() + ".");
                }
                try {
                    Files.writeString(out, SignerKeys.toPem(key), StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW,
                            java.nio.file.StandardOpenOption.WRITE);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    throw new Hsmc.UserError("The file " + out + " already exists; the console never overwrites a file.");
                } catch (IOException e) {
                    throw new Hsmc.UserError("The file " + out + " cannot be written: " + e.getMessage());
                }
                PrintWriter w = spec.commandLine().getOut();
                w.println("Audit key:   '" + id + "' written to " + out.toAbsolutePath());
                w.println("Fingerprint: SHA-256 " + SignerKeys.fingerprint(key) + " (over the DER SubjectPublicKeyInfo; compare it"
                        + " with the initialization report)");
                w.flush();
                return Hsmc.EXIT_OK;
            } catch (StoreException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    private static Path existingStore(Path home) {
        Path db = ConsoleHome.store(home);
        if (!Files.isRegularFile(db)) {
            throw new Hsmc.UserError("There is no console store at " + db + ", so there is no audit log to read. Pass --home"
                    + " with the console's data directory.");
        }
        return db;
    }

    private static int report(CommandSpec spec, String source, AuditVerification v, boolean json) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(v.toJson());
        } else {
            out.println(source);
            out.println("Entries:     " + v.entriesChecked() + " checked");
            out.println("Head:        " + v.head().map(AuditHead::text).orElse("(the last entry's hash is damaged)"));
            out.println("Checkpoints: " + (v.checkpointsVerified() == 0 ? "none verified"
                    : v.checkpointsVerified() + " verified, the last at entry " + v.lastCheckpointSeq().orElseThrow()));
            out.println("Result:      " + (v.intact() ? "INTACT" : "NOT INTACT: " + v.damage()
                    + v.firstBadSeq().stream().mapToObj(s -> " at entry " + s).findFirst().orElse("")));
            out.println();
            out.println(v.message());
        }
        out.flush();
        if (!v.intact()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("hsmc: the audit log does not verify (" + v.damage()
                    + v.firstBadSeq().stream().mapToObj(s -> " at entry " + s).findFirst().orElse("") + ").");
            err.flush();
            return Hsmc.EXIT_REFUSED;
        }
        return Hsmc.EXIT_OK;
    }
}
