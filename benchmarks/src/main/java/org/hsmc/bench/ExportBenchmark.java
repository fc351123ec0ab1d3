package org.hsmc.bench;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.bundle.ExportPipeline;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.SecretKeyType;
import org.hsmc.pkcs11.WrapMechanism;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * {@code export_keys_per_s}: the whole bundle export of 10 zones × 1,000 working keys, as the steps of the
 * export-bundle ceremony do it ({@link ExportPipeline}, the next zone translated while one is written): per zone, read the zone's keys from the store,
 * translate each from the LMK to the zone's ZMK in the HSM (unwrap as a session object, AES-KWP wrap, destroy),
 * build the canonical JSON manifest, sign it in the HSM (CMS, ECDSA P-384), verify the signature, record the
 * bundle (with its bytes) in the store, write it and its .sha256 with CREATE_NEW and fsync, and record that in
 * the store and the audit log. Throwaway SoftHSM2 token and store; the median of 3 runs after a warm-up run,
 * each run a new ceremony run id (so each makes the next bundle of every zone).
 *
 * <p>Prints {@code export_keys_per_s=N} (the exporter's default number of HSM sessions per zone,
 * {@link BundleExporter#DEFAULT_SESSIONS}) and {@code export_keys_per_s_1session} and {@code export_keys_per_s_2sessions}
 * (each zone's keys translated on one session, or on two side by side); on stderr, the rate of bare translations on the
 * same keys for comparison (the rest is the per-bundle work: signing, the store, the files and their fsyncs).
 */
public final class ExportBenchmark {

    private static final int ZONES = 10;
    private static final int KEYS_PER_ZONE = 1_000;
    private static final int RUNS = 3;

    public static void main(String[] args) throws Exception {
        Path module = SoftHsm.findModule().orElseThrow(() -> new IllegalStateException(SoftHsm.missingMessage()));
        Path dir = Files.createTempDirectory("hsmc-export-bench-");
        try {
            Path conf = SoftHsm.createStore(dir.resolve("softhsm"));
            char[] pin = "bench-pin-1234".toCharArray();
            SoftHsm.initToken(conf, "bench", "bench-so-1234".toCharArray(), pin);
            Clock clock = Clock.systemUTC();
            try (Pkcs11Module m = Pkcs11Module.load(module, SoftHsm.environment(conf));
                 Store store = Store.open(dir.resolve("console.db"))) {
                Token token = m.token("bench");
                token.login(pin);
                AuditLog audit = new AuditLog(store, clock);
                RunJournal journal = new RunJournal(store, audit, clock);
                KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
                try (Session s = token.openSession()) {
                    setUp(s, store, keys, clock);
                    run(s, new BundleExporter(store, audit, clock), journal, dir.resolve("warm-up"));
                    // the two settings alternate run by run, so that the machine's noise falls on both alike
                    double[][] rates = new double[2][RUNS];
                    for (int i = 0; i < RUNS; i++) {
                        for (int sessions = 1; sessions <= 2; sessions++) {
                            BundleExporter exporter = new BundleExporter(store, audit, clock).sessions(sessions);
                            rates[sessions - 1][i] = run(s, exporter, journal, dir.resolve("run-" + i + "-" + sessions));
                            System.err.printf("export run %d, %d session(s) a zone: %,.0f keys/s%n", i + 1, sessions,
                                    rates[sessions - 1][i]);
                        }
                    }
                    Arrays.sort(rates[0]);
                    Arrays.sort(rates[1]);
                    double one = rates[0][RUNS / 2];
                    double two = rates[1][RUNS / 2];
                    System.out.println("export_keys_per_s=" + Math.round(BundleExporter.DEFAULT_SESSIONS == 1 ? one : two));
                    System.out.println("export_keys_per_s_1session=" + Math.round(one));
                    System.out.println("export_keys_per_s_2sessions=" + Math.round(two));
                    double bare = bareTranslations(s, store, keys);
                    System.err.printf("bare translation of the same 10,000 keys (no manifest, signature, store or files): %,.0f keys/s;"
                            + " the export reaches %.0f %% of it%n", bare, 100 * Math.max(one, two) / bare);
                }
                token.logout();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String zone(int i) {
        return "bench-%02d".formatted(i);
    }

    /** An LMK, the bundle signing key and console certificate, and 10 zones with a ZMK and 1,000 keys each. */
    private static void setUp(Session s, Store store, KeyHierarchy keys, Clock clock) throws Exception {
        keys.createMasterKey(s, 1, "bench-setup");
        KeyPairHandles signer = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("bundle-signer/v1",
                "bench-setup".getBytes(StandardCharsets.UTF_8), true, false, KeyUsage.SIGN));
        X509Certificate cert = ConsoleCertificate.create(s, signer, "CN=Benchmark console", clock.instant(), Duration.ofDays(365),
                BigInteger.ONE);
        store.write(c -> {
            try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after, created_at,"
                    + " run_id) VALUES (?,?,?,?,?,?,?)")) {
                ps.setString(1, "bundle-signer/v1");
                ps.setBytes(2, cert.getEncoded());
                ps.setString(3, cert.getSubjectX500Principal().getName());
                ps.setString(4, cert.getNotBefore().toInstant().toString());
                ps.setString(5, cert.getNotAfter().toInstant().toString());
                ps.setString(6, clock.instant().toString());
                ps.setString(7, "bench-setup");
                ps.executeUpdate();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
        Instant from = Instant.parse("2027-01-01T00:00:00Z");
        List<KeyHierarchy.WorkingKeyRequest> requests = new ArrayList<>();
        for (int v = 1; v <= KEYS_PER_ZONE; v++) {
            requests.add(new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", v, from, from.plus(Duration.ofDays(365))));
        }
        for (int i = 0; i < ZONES; i++) {
            keys.registerZone(zone(i), "Benchmark zone " + i, "bench-setup");
            keys.storeZmkFromComponents(s, zone(i), 1, List.of(s.random(32), s.random(32)), "bench-setup");
            keys.generateWorkingKeys(s, zone(i), requests, "bench-setup");
        }
    }

    /** The same keys translated in one loop, nothing else: what the export would reach if bundles cost nothing. */
    private static double bareTranslations(Session s, Store store, KeyHierarchy keys) {
        KeyHierarchy.ActiveLmk lmk = keys.activeMasterKey(s);
        List<byte[]> wrapped = new ArrayList<>();
        for (int i = 0; i < ZONES; i++) {
            String zone = zone(i);
            store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL.zone(zone))).forEach(w -> wrapped.add(w.wrapped()));
        }
        KeyHandle zmk = s.generateSecretKey(KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                .usages(KeyUsage.WRAP).build());
        KeyHandle from = s.sessionCopy(lmk.handle(), "").orElse(lmk.handle()); // as the export does
        try {
            double best = 0;
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                for (byte[] w : wrapped) {
                    s.translate(from, w, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk);
                }
                best = Math.max(best, wrapped.size() / ((System.nanoTime() - t0) / 1e9));
            }
            return best;
        } finally {
            s.destroy(zmk);
            if (!from.equals(lmk.handle())) {
                s.destroy(from);
            }
        }
    }

    /** One export of every zone under a new run id; keys per second. */
    private static double run(Session s, BundleExporter exporter, RunJournal journal, Path out) throws Exception {
        String runId = UUID.randomUUID().toString();
        journal.create(runId, "export-bundle", "benchmark", "bench.yaml", new byte[] {1}, "00".repeat(32), "bench", "bench", false);
        Files.createDirectories(out);
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < ZONES; i++) {
            zones.add(zone(i));
        }
        ExportPipeline pipeline = new ExportPipeline(exporter, zones, runId, Duration.ofDays(30), out);
        int keys = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < ZONES; i++) {
            keys += pipeline.export(s, i, (z, done, total) -> { }).record().keyCount();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (keys != ZONES * KEYS_PER_ZONE) {
            throw new IllegalStateException("exported " + keys + " keys, not " + ZONES * KEYS_PER_ZONE);
        }
        return keys / seconds;
    }
}
