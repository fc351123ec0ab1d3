package org.hsmc.ceremony.audit;

import org.hsmc.ceremony.store.Store;
import org.hsmc.ceremony.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The console's tamper-evident audit log, kept in the store (tables {@code audit_entry},
 * {@code audit_signer}, {@code audit_checkpoint}, append-only by trigger).
 *
 * <p>Each entry carries the hash of the entry before it: {@code hash = SHA-256(JCS(entry))}, where JCS is
 * RFC 8785 and the entry is {@code {seq, at, actor, action, outcome, details, prev_hash (hex)}}; entry 1's
 * {@code prev_hash} is 32 zero bytes ({@link AuditFormat} has the exact bytes; so does
 * {@code docs/audit-log-format.md}). When each run ends with the HSM open, the head is signed
 * by the audit signing key in the HSM as a checkpoint ({@link #checkpoint}), and the signature just made
 * is verified before it is stored. {@link #verify} recomputes everything and names the first bad entry;
 * key operations call {@link #requireIntact} first, so the console refuses them while its log does not
 * verify.
 *
 * <p>Entries belong to the caller's transaction ({@link #append(Connection, AuditEvent)}): a step and its
 * audit entry are written together or not at all. Details never hold PINs, shares or key bytes
 * ({@link AuditEvent} refuses detail names that look like secrets).
 */
public final class AuditLog {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** The actor of the entries the console writes on its own behalf. */
    public static final String CONSOLE = "console";

    private static final String ENTRY_COLUMNS = "seq, at, actor, action, outcome, details, prev_hash, hash";
    /**
     * The run an audit entry belongs to, as SQL over {@code audit_entry}: the expression of the index
     * {@code audit_entry_by_run}, so that a query comparing it reads the index instead of every entry.
     */
    public static final String RUN_OF_ENTRY = "(CASE WHEN json_valid(details) THEN json_extract(details, '$.run') END)";

    private final Store store;
    private final Clock clock;

    public AuditLog(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- writing

    /** Appends {@code event} inside the caller's {@link Store#write} transaction; returns the entry written. */
    public AuditEntry append(Connection c, AuditEvent event) {
        try {
            long seq = 1;
            byte[] prev = AuditFormat.genesisHash();
            try (PreparedStatement st = c.prepareStatement("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
                 ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    seq = rs.getLong(1) + 1;
                    prev = rs.getBytes(2);
                }
            }
            String at = AuditFormat.timestamp(clock.instant());
            String details = AuditFormat.canonicalDetails(event.details());
            byte[] hash = AuditFormat.entryHash(seq, at, event.actor(), event.action(), event.outcome().name(), event.details(), prev);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO audit_entry (" + ENTRY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setLong(1, seq);
                st.setString(2, at);
                st.setString(3, event.actor());
                st.setString(4, event.action());
                st.setString(5, event.outcome().name());
                st.setString(6, details);
                st.setBytes(7, prev);
                st.setBytes(8, hash);
                st.executeUpdate();
            }
            LOG.debug("audit entry {}: {} by {}, {}", seq, event.action(), event.actor(), event.outcome());
            return new AuditEntry(seq, at, event.actor(), event.action(), event.outcome().name(), details, prev, hash);
        } catch (SQLException e) {
            throw new StoreException("The audit entry for '" + event.action() + "' could not be written: " + e.getMessage()
                    + ". Nothing of this step was written.", e);
        }
    }

    /** Appends {@code event} in a transaction of its own. */
    public AuditEntry append(AuditEvent event) {
        return store.write(c -> append(c, event));
    }

    /**
     * The log's id: the first 32 hex digits of entry 1's hash (unique to each log, since entry 1 holds the
     * time it was written). It names the head the HSM keeps for this log ({@link HsmAuditHead}). Empty
     * while the log is empty (or its first entry is gone).
     */
    public Optional<String> logId() {
        return store.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT hash FROM audit_entry WHERE seq = 1");
                 ResultSet rs = st.executeQuery()) {
                byte[] h = rs.next() ? rs.getBytes(1) : null;
                return h == null || h.length < 16 ? Optional.<String>empty() : Optional.of(AuditFormat.hex(Arrays.copyOf(h, 16)));
            }
        });
    }

    /** The head: the last entry's number and hash ({@code 0:000…} for an empty log). */
    public AuditHead head() {
        return store.read(AuditLog::head);
    }

    private static AuditHead head(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
             ResultSet rs = st.executeQuery()) {
            return rs.next() ? new AuditHead(rs.getLong(1), rs.getBytes(2)) : AuditHead.empty();
        }
    }

    /**
     * Records the signer's key id and public key (EC P-384), after checking that the signer holds the
     * private key (it signs a challenge, which is verified). Registering the same key again does nothing;
     * another key under a registered key id is refused. A new registration is itself an audit entry.
     */
    public void registerSigner(AuditSigner signer) {
        String keyId = signer.keyId();
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("An audit signer needs a key id, e.g. 'audit-signer/v1'.");
        }
        byte[] spki = signer.publicKeyInfo();
        PublicKey key = SignerKeys.fromSpki(spki);
        if (registeredKey(keyId).map(k -> sameOrRefuse(keyId, k, key)).orElse(false)) {
            return;
        }
        byte[] challenge = ("hsmc audit signer registration: " + keyId + " " + SignerKeys.fingerprint(key)).getBytes(StandardCharsets.UTF_8);
        if (!SignerKeys.verify(key, challenge, signer.sign(challenge))) {
            throw new AuditLogException("The audit signing key '" + keyId + "' made a signature that does not verify with the"
                    + " public key it gave: the public key does not belong to the key that signs. It was not registered;"
                    + " check which key pair the HSM holds under that label.");
        }
        store.write(c -> {
            Optional<byte[]> again = registeredSpki(c, keyId);
            if (again.isPresent()) {
                sameOrRefuse(keyId, SignerKeys.fromSpki(again.get()), key);
                return null;
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO audit_signer (key_id, public_key, created_at) VALUES (?, ?, ?)")) {
                st.setString(1, keyId);
                st.setBytes(2, spki);
                st.setString(3, AuditFormat.timestamp(clock.instant()));
                st.executeUpdate();
            }
            append(c, new AuditEvent(CONSOLE, "audit.signer_registered", Outcome.DONE,
                    Map.of("key_id", keyId, "public_key_sha256", SignerKeys.fingerprint(key))));
            return null;
        });
    }

    private static boolean sameOrRefuse(String keyId, PublicKey registered, PublicKey offered) {
        if (!SignerKeys.same(registered, offered)) {
            throw new AuditLogException("The audit signer '" + keyId + "' is registered with another public key (fingerprint "
                    + SignerKeys.fingerprint(registered) + ", offered " + SignerKeys.fingerprint(offered) + "). The console"
                    + " never replaces an audit key: a new key needs a new key id (e.g. 'audit-signer/v2').");
        }
        return true;
    }

    private Optional<PublicKey> registeredKey(String keyId) {
        return store.read(c -> registeredSpki(c, keyId)).map(SignerKeys::fromSpki);
    }

    private static Optional<byte[]> registeredSpki(Connection c, String keyId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT public_key FROM audit_signer WHERE key_id = ?")) {
            st.setString(1, keyId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    /**
     * Signs the current head with {@code signer} (registering it first if needed), verifies the signature
     * just made, and stores the checkpoint. Refuses when the log does not verify (a checkpoint must never
     * vouch for damage) or is empty.
     *
     * @throws AuditLogBrokenException when the log does not verify
     */
    public Checkpoint checkpoint(AuditSigner signer) {
        Optional<String> logId = logId();
        Optional<AuditHead> kept = logId.flatMap(signer::keptHead);
        requireIntact(kept);
        registerSigner(signer);
        PublicKey key = SignerKeys.fromSpki(signer.publicKeyInfo());
        Checkpoint done = store.write(c -> {
            AuditVerification v = verify(c, Optional.empty(), kept);
            if (!v.intact()) {
                throw new AuditLogBrokenException(v);
            }
            AuditHead head = v.head().orElseThrow();
            if (head.seq() == 0) {
                throw new AuditLogException("The audit log is empty, so there is no head to sign yet.");
            }
            String at = AuditFormat.timestamp(clock.instant());
            Checkpoint unsigned = new Checkpoint(head.seq(), head.hash(), at, signer.keyId(), null);
            byte[] signature = signer.sign(unsigned.statement());
            if (!SignerKeys.verify(key, unsigned.statement(), signature)) {
                throw new AuditLogException("The audit signing key '" + signer.keyId() + "' made a checkpoint signature that does"
                        + " not verify with its public key; the checkpoint was not stored. Check the HSM and its audit key.");
            }
            Checkpoint cp = new Checkpoint(head.seq(), head.hash(), at, signer.keyId(), signature);
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO audit_checkpoint (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)")) {
                st.setLong(1, cp.seq());
                st.setBytes(2, cp.headHashRef());
                st.setString(3, cp.at());
                st.setString(4, cp.keyId());
                st.setBytes(5, cp.signatureRef());
                st.executeUpdate();
            }
            LOG.info("audit checkpoint signed by '{}' at {}", signer.keyId(), head.text());
            return cp;
        });
        // after the commit: the HSM's head may lag the log (entries after it are unsigned), never lead it
        signer.keepHead(logId.orElseGet(() -> logId().orElseThrow()), new AuditHead(done.seq(), done.headHashRef()));
        return done;
    }

    // ---------------------------------------------------------------- reading and verifying

    /**
     * Verifies the whole log in the store: every hash and link, every checkpoint (with the public keys the
     * store lists), and the expected head when given (from the last ceremony report).
     */
    public AuditVerification verify(Optional<AuditHead> expectedHead) {
        return store.read(c -> verify(c, expectedHead, Optional.empty()));
    }

    /**
     * As {@link #verify(Optional)}, and compares the log with the head the HSM keeps ({@link HsmAuditHead})
     * when given: a log behind it is TRUNCATED.
     */
    public AuditVerification verify(Optional<AuditHead> expectedHead, Optional<AuditHead> hsmHead) {
        return store.read(c -> verify(c, expectedHead, hsmHead));
    }

    /**
     * Refuses (throws) unless the log verifies and is not behind {@code hsmHead}, the head the HSM keeps.
     *
     * @throws AuditLogBrokenException naming the first bad entry and the damage
     */
    public void requireIntact(Optional<AuditHead> hsmHead) {
        AuditVerification v = verify(Optional.empty(), hsmHead);
        if (!v.intact()) {
            throw new AuditLogBrokenException(v);
        }
    }

    /**
     * Refuses (throws) unless the log verifies. Key operations call this first.
     *
     * @throws AuditLogBrokenException naming the first bad entry and the damage
     */
    public void requireIntact() {
        requireIntact(Optional.empty());
    }

    private static AuditVerification verify(Connection c, Optional<AuditHead> expectedHead, Optional<AuditHead> hsmHead) throws SQLException {
        Map<String, PublicKey> signers = new LinkedHashMap<>();
        for (AuditExport.Signer s : signers(c)) {
            try {
                signers.put(s.keyId(), SignerKeys.fromSpki(s.publicKeyInfo()));
            } catch (IllegalArgumentException damaged) {
                // an unreadable public key vouches for nothing: its checkpoints show as UNKNOWN_SIGNER
                LOG.debug("audit signer '{}' has an unreadable public key", s.keyId());
            }
        }
        List<Checkpoint> checkpoints = checkpoints(c);
        try (PreparedStatement st = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM audit_entry ORDER BY seq");
             ResultSet rs = st.executeQuery()) {
            return new AuditVerifier(signers, Optional.empty()).verify(new Rows(rs), checkpoints, expectedHead, hsmHead);
        }
    }

    /** Entries {@code fromSeq} to {@code toSeq} (inclusive), as recorded, in order. */
    public List<AuditEntry> entries(long fromSeq, long toSeq) {
        return store.read(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM audit_entry WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
                st.setLong(1, fromSeq);
                st.setLong(2, toSeq);
                try (ResultSet rs = st.executeQuery()) {
                    List<AuditEntry> out = new ArrayList<>();
                    new Rows(rs).forEachRemaining(out::add);
                    return out;
                }
            }
        });
    }

    /** Every checkpoint, by entry. */
    public List<Checkpoint> checkpoints() {
        return store.read(AuditLog::checkpoints);
    }

    /** The registered signers: key id → public key. */
    public Map<String, PublicKey> signers() {
        return store.read(c -> {
            Map<String, PublicKey> out = new LinkedHashMap<>();
            for (AuditExport.Signer s : signers(c)) {
                out.put(s.keyId(), SignerKeys.fromSpki(s.publicKeyInfo()));
            }
            return out;
        });
    }

    private static List<AuditExport.Signer> signers(Connection c) throws SQLException {
        List<AuditExport.Signer> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT key_id, public_key, created_at FROM audit_signer ORDER BY created_at, key_id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(new AuditExport.Signer(rs.getString(1), nonNull(rs.getBytes(2)), rs.getString(3)));
            }
        }
        return out;
    }

    private static List<Checkpoint> checkpoints(Connection c) throws SQLException {
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT seq, head_hash, at, key_id, signature FROM audit_checkpoint ORDER BY seq, id");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.add(new Checkpoint(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getString(4), rs.getBytes(5)));
            }
        }
        return out;
    }

    private static byte[] nonNull(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    /** The entries of a result set, read one at a time. */
    private static final class Rows implements Iterator<AuditEntry> {
        private final ResultSet rs;
        private Boolean ready;

        Rows(ResultSet rs) {
            this.rs = rs;
        }

        @Override
        public boolean hasNext() {
            if (ready == null) {
                try {
                    ready = rs.next();
                } catch (SQLException e) {
                    throw new StoreException("The audit log could not be read: " + e.getMessage(), e);
                }
            }
            return ready;
        }

        @Override
        public AuditEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ready = null;
            try {
                return new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getBytes(7), rs.getBytes(8));
            } catch (SQLException e) {
                throw new StoreException("The audit log could not be read: " + e.getMessage(), e);
            }
        }
    }

    // ---------------------------------------------------------------- export

    /**
     * Writes the whole log (entries, checkpoints, signers' public keys) to {@code file} as JSON lines, for
     * an auditor to verify elsewhere ({@link AuditVerifier#verifyExport}, {@code hsmc audit verify-file}).
     * Exports the log as it is, damaged or not. Never overwrites: an existing file is refused.
     */
    public AuditExportSummary export(Path file) {
        FileChannel channel;
        try {
            channel = org.hsmc.ceremony.store.PrivateFiles.newChannel(file); // 0600, never over an existing file
        } catch (FileAlreadyExistsException e) {
            throw new AuditLogException("The file " + file + " already exists; the console never overwrites a file. Choose"
                    + " another name for the export.", e);
        } catch (IOException e) {
            throw new AuditLogException("The export file " + file + " cannot be created: " + e.getMessage()
                    + ". Check that the folder exists and is writable.", e);
        }
        boolean done = false;
        try (channel) {
            AuditExportSummary summary = store.read(c -> {
                try {
                    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8), 1 << 16);
                    List<AuditExport.Signer> signers = signers(c);
                    List<Checkpoint> checkpoints = checkpoints(c);
                    long entries = 0;
                    AuditEntry last = null;
                    try (AuditExport.Writer w = new AuditExport.Writer(out, AuditFormat.timestamp(clock.instant()))) {
                        for (AuditExport.Signer s : signers) {
                            w.signer(s);
                        }
                        for (Checkpoint cp : checkpoints) {
                            w.checkpoint(cp);
                        }
                        try (PreparedStatement st = c.prepareStatement("SELECT " + ENTRY_COLUMNS + " FROM audit_entry ORDER BY seq");
                             ResultSet rs = st.executeQuery()) {
                            Rows rows = new Rows(rs);
                            while (rows.hasNext()) {
                                last = rows.next();
                                w.entry(last);
                                entries++;
                            }
                        }
                    }
                    out.flush();
                    channel.force(true);
                    Optional<AuditHead> head = last == null ? Optional.of(AuditHead.empty())
                            : last.hashRef().length == AuditFormat.HASH_BYTES ? Optional.of(last.head()) : Optional.empty();
                    return new AuditExportSummary(file, entries, checkpoints.size(), signers.size(), head);
                } catch (IOException e) {
                    throw new AuditLogException("The export file " + file + " could not be written: " + e.getMessage(), e);
                }
            });
            done = true;
            LOG.info("audit log exported to {}: {} entries, {} checkpoints", file, summary.entries(), summary.checkpoints());
            return summary;
        } catch (IOException e) {
            throw new AuditLogException("The export file " + file + " could not be written: " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // the message of the first failure matters more
                }
            }
        }
    }

    @Override
    public String toString() {
        return "AuditLog" + Arrays.asList(store.file());
    }
}
