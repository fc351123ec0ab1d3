package org.hsmc.ceremony.backup;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.PrivateFiles;
import org.hsmc.ceremony.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Backups of the console's store and their restore. A backup is a consistent copy made by SQLite's
 * {@code VACUUM INTO} (never a raw copy of a live WAL database), with a manifest beside it
 * ({@code FILE.manifest}: the copy's SHA-256 and the audit head it holds). A restore refuses a copy
 * whose SHA-256 differs, whose audit chain does not verify, or whose audit head is older than the
 * head the operator says is current; the store it replaces is kept beside it, never deleted.
 */
public final class StoreBackup {

    /** What a backup holds: the file, its SHA-256 (hex) and its audit head. */
    public record Manifest(Path file, String sha256, AuditHead auditHead, String createdAt) {
    }

    private StoreBackup() {
    }

    /** Writes a consistent copy of the store to {@code out} (which must not exist) and its manifest. */
    public static Manifest backup(Store store, AuditLog audit, Clock clock, Path out) {
        Path target = out.toAbsolutePath();
        Path manifestFile = manifestOf(target);
        if (Files.exists(target) || Files.exists(manifestFile)) {
            throw new BackupException("The file " + target + " (or its manifest) already exists; a backup never overwrites."
                    + " Choose a new file name.");
        }
        try {
            PrivateFiles.createDirectories(target.getParent());
            PrivateFiles.createFile(target); // 0600; VACUUM INTO accepts an empty file
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store.file().toAbsolutePath());
                 PreparedStatement ps = c.prepareStatement("VACUUM INTO ?")) {
                ps.setString(1, target.toString());
                ps.execute();
            }
            AuditHead head = headOf(target);
            String sha = sha256(target);
            Manifest m = new Manifest(target, sha, head, clock.instant().toString());
            Properties p = new Properties();
            p.setProperty("file", target.getFileName().toString());
            p.setProperty("sha256", sha);
            p.setProperty("audit_head", head.text());
            p.setProperty("created_at", m.createdAt());
            try (var w = new java.io.OutputStreamWriter(PrivateFiles.newOutputStream(manifestFile), StandardCharsets.UTF_8)) {
                p.store(w, "HSM Ceremony Console store backup: verify with 'hsmc restore --check FILE'");
            }
            audit.append(new AuditEvent(AuditLog.CONSOLE, "store.backup", Outcome.DONE, Map.of("file", target.toString(),
                    "sha256", sha, "audit_head", head.text())));
            return m;
        } catch (SQLException | IOException e) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // nothing more to clean up
            }
            throw new BackupException("The backup to " + target + " failed: " + e.getMessage() + ". Nothing was written.", e);
        }
    }

    /**
     * Checks a backup without changing anything: its SHA-256 against its manifest, and its audit log
     * (on a scratch copy). Returns the verification and the manifest.
     */
    public static Checked check(Path backup, Clock clock) {
        Path file = backup.toAbsolutePath();
        Manifest m = readManifest(file);
        String actual = sha256(file);
        if (!actual.equals(m.sha256())) {
            throw new BackupException("The backup " + file + " has SHA-256 " + actual + ", not the " + m.sha256()
                    + " its manifest records: the file was changed or damaged. It is refused.");
        }
        try {
            Path scratch = Files.createTempFile("hsmc-restore-check-", ".db");
            try {
                Files.copy(file, scratch, StandardCopyOption.REPLACE_EXISTING);
                try (Store s = Store.open(scratch)) {
                    AuditVerification v = new AuditLog(s, clock).verify(Optional.empty());
                    return new Checked(m, v);
                }
            } finally {
                Files.deleteIfExists(scratch);
                Files.deleteIfExists(Path.of(scratch + "-wal"));
                Files.deleteIfExists(Path.of(scratch + "-shm"));
            }
        } catch (IOException e) {
            throw new BackupException("The backup " + file + " cannot be checked: " + e.getMessage(), e);
        }
    }

    /** A checked backup. */
    public record Checked(Manifest manifest, AuditVerification verification) {
    }

    /**
     * Restores {@code backup} as the store {@code storeFile} of a console that is not running. Refuses a
     * damaged or broken backup, and one whose audit head is older than {@code currentHead} (what the
     * operator says the log had reached: from the last report or export). The replaced store is moved
     * to {@code storeFile.replaced-<time>}. Records the restore in the restored log.
     */
    public static Manifest restore(Path backup, Path storeFile, AuditHead currentHead, Clock clock) {
        Checked checked = check(backup, clock);
        if (!checked.verification().intact()) {
            throw new BackupException("The audit log in the backup does not verify: " + checked.verification().message()
                    + " The backup is refused.");
        }
        AuditHead head = checked.manifest().auditHead();
        if (head.seq() < currentHead.seq()) {
            throw new BackupException("The backup's audit log ends at " + head.text() + ", before the current head "
                    + currentHead.text() + ": restoring it would lose " + (currentHead.seq() - head.seq())
                    + " audit entries. Use a newer backup.");
        }
        try {
            Path target = storeFile.toAbsolutePath();
            if (Files.exists(target)) {
                String stamp = clock.instant().toString().replace(':', '-');
                for (String suffix : new String[] {"", "-wal", "-shm"}) {
                    Path p = Path.of(target + suffix);
                    if (Files.exists(p)) {
                        Files.move(p, Path.of(target + ".replaced-" + stamp + suffix));
                    }
                }
            }
            PrivateFiles.createDirectories(target.getParent());
            Files.copy(backup, target);
            PrivateFiles.restrict(target);
            try (Store s = Store.open(target)) {
                AuditLog log = new AuditLog(s, clock);
                if (currentHead.seq() > 0 && currentHead.seq() <= head.seq()) {
                    var entries = log.entries(currentHead.seq(), currentHead.seq());
                    if (entries.isEmpty() || !entries.getFirst().head().equals(currentHead)) {
                        throw new BackupException("The backup's audit entry " + currentHead.seq() + " is not the one of the"
                                + " current head " + currentHead.text() + ": the backup is of another console's log.");
                    }
                }
                log.append(new AuditEvent(AuditLog.CONSOLE, "store.restored", Outcome.DONE, Map.of("from",
                        backup.toAbsolutePath().toString(), "sha256", checked.manifest().sha256(), "audit_head", head.text(),
                        "operator_current_head", currentHead.text())));
            }
            return checked.manifest();
        } catch (IOException e) {
            throw new BackupException("The restore failed: " + e.getMessage(), e);
        }
    }

    static Path manifestOf(Path file) {
        return Path.of(file + ".manifest");
    }

    private static Manifest readManifest(Path file) {
        Path mf = manifestOf(file);
        if (!Files.isRegularFile(file) || !Files.isRegularFile(mf)) {
            throw new BackupException("A backup is the file and its manifest " + mf.getFileName() + "; one of them is missing.");
        }
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(mf, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new BackupException("The manifest " + mf + " cannot be read: " + e.getMessage(), e);
        }
        String sha = p.getProperty("sha256");
        String head = p.getProperty("audit_head");
        if (sha == null || head == null) {
            throw new BackupException("The manifest " + mf + " lacks its SHA-256 or audit head.");
        }
        return new Manifest(file, sha, AuditHead.parse(head), p.getProperty("created_at", ""));
    }

    private static AuditHead headOf(Path db) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new AuditHead(rs.getLong(1), rs.getBytes(2)) : AuditHead.empty();
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new BackupException("The file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
