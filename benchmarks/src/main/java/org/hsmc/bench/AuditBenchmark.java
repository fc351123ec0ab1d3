package org.hsmc.bench;

import org.hsmc.ceremony.audit.AuditFormat;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditSigner;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.ceremony.store.Store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Verification speed of the audit log. Builds a store holding a log of 1,000,000 entries (batch inserts
 * in one transaction, the hashes made with {@link AuditFormat}, a checkpoint signed with a software
 * P-384 key every 10,000 entries), then times {@link AuditLog#verify} from the store: every entry read,
 * re-hashed and linked, every checkpoint signature checked. Prints, and nothing else on stdout:
 * <ul>
 *   <li>{@code audit_verify_entries_per_s}: entries verified per second (median of 3 runs after a warm-up);</li>
 *   <li>{@code audit_verify_1m_seconds}: seconds to verify the whole million (the same median run).</li>
 * </ul>
 */
public final class AuditBenchmark {

    private static final int ENTRIES = 1_000_000;
    private static final int CHECKPOINT_EVERY = 10_000;
    private static final int RUNS = 3;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("hsmc-audit-bench-");
        try (Store store = Store.open(dir.resolve("console.db"))) {
            AuditLog log = new AuditLog(store, Clock.systemUTC());
            SoftwareSigner signer = new SoftwareSigner();
            log.registerSigner(signer); // entry 1
            long t0 = System.nanoTime();
            build(store, signer);
            System.err.printf("Built a log of %,d entries in %.1f s%n", ENTRIES, (System.nanoTime() - t0) / 1e9);

            AuditVerification warmUp = log.verify(Optional.empty());
            if (!warmUp.intact() || warmUp.entriesChecked() != ENTRIES) {
                throw new IllegalStateException("the benchmark log does not verify: " + warmUp.message());
            }
            long[] nanos = new long[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long s = System.nanoTime();
                AuditVerification v = log.verify(Optional.empty());
                nanos[i] = System.nanoTime() - s;
                if (!v.intact()) {
                    throw new IllegalStateException(v.message());
                }
                System.err.printf("verify run %d: %.2f s, %d checkpoints%n", i + 1, nanos[i] / 1e9, v.checkpointsVerified());
            }
            Arrays.sort(nanos);
            double seconds = nanos[RUNS / 2] / 1e9;
            System.out.println("audit_verify_entries_per_s=" + Math.round(ENTRIES / seconds));
            System.out.printf("audit_verify_1m_seconds=%.1f%n", seconds);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Entries 2 … 1,000,000 and a checkpoint every 10,000 entries, in one transaction. */
    private static void build(Store store, SoftwareSigner signer) {
        store.write(c -> {
            byte[] prev;
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT hash FROM audit_entry WHERE seq = 1")) {
                rs.next();
                prev = rs.getBytes(1);
            }
            Instant base = Instant.parse("2025-03-01T09:00:00Z");
            try (PreparedStatement entry = c.prepareStatement(
                    "INSERT INTO audit_entry (seq, at, actor, action, outcome, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement cp = c.prepareStatement(
                         "INSERT INTO audit_checkpoint (seq, head_hash, at, key_id, signature) VALUES (?, ?, ?, ?, ?)")) {
                for (long seq = 2; seq <= ENTRIES; seq++) {
                    String at = AuditFormat.timestamp(base.plusMillis(seq * 250));
                    String actor = seq % 3 == 0 ? "Grace Hopper" : "Ada Lovelace";
                    String action = seq % 5 == 0 ? "bundle.export" : "quorum.approved";
                    Map<String, String> details = new TreeMap<>();
                    details.put("operation", action);
                    details.put("zone", "zone-" + (seq % 17));
                    details.put("kcv", "A1B2C" + (seq % 10));
                    details.put("card", "card-0" + (seq % 8 + 1));
                    byte[] hash = AuditFormat.entryHash(seq, at, actor, action, "DONE", details, prev);
                    entry.setLong(1, seq);
                    entry.setString(2, at);
                    entry.setString(3, actor);
                    entry.setString(4, action);
                    entry.setString(5, "DONE");
                    entry.setString(6, AuditFormat.canonicalDetails(details));
                    entry.setBytes(7, prev);
                    entry.setBytes(8, hash);
                    entry.addBatch();
                    prev = hash;
                    if (seq % CHECKPOINT_EVERY == 0) {
                        entry.executeBatch();
                        String cpAt = AuditFormat.timestamp(base.plusMillis(seq * 250 + 1));
                        cp.setLong(1, seq);
                        cp.setBytes(2, hash);
                        cp.setString(3, cpAt);
                        cp.setString(4, signer.keyId());
                        cp.setBytes(5, signer.sign(AuditFormat.checkpointStatement(seq, hash, cpAt, signer.keyId())));
                        cp.executeUpdate();
                    }
                }
                entry.executeBatch();
            }
            return null;
        });
    }

    /** A software P-384 key standing in for the HSM's audit key. */
    private static final class SoftwareSigner implements AuditSigner {
        private final KeyPair pair;

        SoftwareSigner() throws GeneralSecurityException {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp384r1"));
            pair = g.generateKeyPair();
        }

        @Override
        public String keyId() {
            return "audit-signer/bench";
        }

        @Override
        public byte[] publicKeyInfo() {
            return pair.getPublic().getEncoded();
        }

        @Override
        public byte[] sign(byte[] data) {
            try {
                Signature s = Signature.getInstance("SHA384withECDSAinP1363Format");
                s.initSign(pair.getPrivate());
                s.update(data);
                return s.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
