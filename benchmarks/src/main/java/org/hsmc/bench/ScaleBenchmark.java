package org.hsmc.bench;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.ceremony.backup.StoreBackup;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.bundle.ExportPipeline;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.node.BundleVerifier;
import org.hsmc.node.TrustedConsole;
import org.hsmc.node.VerifiedBundle;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The scale benchmark ({@code bin/bench --scale [SIZES]}, run apart: it takes long). For each inventory size N (default
 * 10,000, 100,000 and 1,000,000 working keys in 100 zones, plus one zone of N/10 keys), on a throwaway SoftHSM2 token
 * and store, in a JVM limited to {@code -Xmx256m}, it prints {@code name_<size>=value} lines (size 10k, 100k, 1m):
 * <ul>
 *   <li>{@code generate_working_keys_per_s}: the N keys made as the generate-working-keys steps make them (batches of
 *       500 keys of one zone: generated in the HSM, KCV, wrapped under the LMK, stored with an audit entry each);</li>
 *   <li>{@code store_bytes_per_key}: the store file (after a WAL checkpoint) over the keys it holds;</li>
 *   <li>{@code audit_verify_entries_per_s} over the whole log (one entry per key and a few more), with
 *       {@code audit_entries};</li>
 *   <li>{@code keys_first_line_ms}, {@code keys_total_seconds}, {@code keys_peak_heap_mb}: the whole inventory streamed
 *       and formatted as {@code hsmc keys} prints it (to a null writer);</li>
 *   <li>{@code export_one_zone_keys_per_s} and {@code export_one_zone_peak_heap_mb}: the bundle of the zone of N/10 keys;</li>
 *   <li>{@code export_all_zones_keys_per_s} and {@code export_all_zones_peak_heap_mb}: the 100 zones' bundles, one run;</li>
 *   <li>{@code node_verify_keys_per_s} and {@code node_verify_peak_heap_mb}: the node's verification of the one zone's
 *       bundle;</li>
 *   <li>{@code backup_seconds}, {@code backup_mb}, {@code restore_seconds}: VACUUM INTO backup of the store and its
 *       restore (which verifies the copy's audit log).</li>
 * </ul>
 * Peak heap is the sum of the heap pools' peak use during the step (after a GC and a reset of the peaks), so it counts
 * garbage not yet collected: an upper bound. {@code _live_heap_mb} is the largest heap in use right after a collection
 * during the step (0 when none ran): what the step held. Progress goes to stderr.
 */
public final class ScaleBenchmark {

    private static final int ZONES = 100;
    private static final int BATCH = 500;
    private static final Instant FROM = Instant.parse("2027-01-01T00:00:00Z");

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args.length == 0 ? new String[] {"10000", "100000", "1000000"} : args) {
            for (String p : a.split(",")) {
                sizes.add(Integer.parseInt(p.trim()));
            }
        }
        System.err.printf("Scale benchmark, sizes %s, max heap %d MB%n", sizes, Runtime.getRuntime().maxMemory() >> 20);
        // SoftHSM2 reads one configuration per process: one token store, one token per size
        Path module = SoftHsm.findModule().orElseThrow(() -> new IllegalStateException(SoftHsm.missingMessage()));
        Path tokens = Files.createTempDirectory("hsmc-scale-tokens-");
        try {
            Path conf = SoftHsm.createStore(tokens);
            char[] pin = "bench-pin-1234".toCharArray();
            for (int n : sizes) {
                SoftHsm.initToken(conf, "bench-" + label(n), "bench-so-1234".toCharArray(), pin);
            }
            try (Pkcs11Module m = Pkcs11Module.load(module, SoftHsm.environment(conf))) {
                for (int n : sizes) {
                    Token token = m.token("bench-" + label(n));
                    token.login(pin);
                    try {
                        runSize(n, token);
                    } finally {
                        token.logout();
                    }
                }
            }
        } finally {
            try (var walk = Files.walk(tokens)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String label(int n) {
        return n >= 1_000_000 && n % 1_000_000 == 0 ? (n / 1_000_000) + "m" : n >= 1000 && n % 1000 == 0 ? (n / 1000) + "k" : Integer.toString(n);
    }

    private static void print(String name, int n, double value) {
        String v = value >= 100 || value == Math.rint(value) ? Long.toString(Math.round(value)) : String.format(Locale.ROOT, "%.2f", value);
        System.out.println(name + "_" + label(n) + "=" + v);
        System.out.flush();
    }

    private static void runSize(int n, Token token) throws Exception {
        Path dir = Files.createTempDirectory("hsmc-scale-bench-");
        String l = label(n);
        try {
            Clock clock = Clock.systemUTC();
            Path dbFile = dir.resolve("console.db");
            {
                X509Certificate cert;
                try (Store store = Store.open(dbFile); Session s = token.openSession()) {
                    AuditLog audit = new AuditLog(store, clock);
                    KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
                    RunJournal journal = new RunJournal(store, audit, clock);
                    cert = setUp(s, store, keys, clock);

                    // ---- generation: N keys in 100 zones, then the one zone of N/10 (not timed)
                    int perZone = n / ZONES;
                    long t0 = System.nanoTime();
                    for (int z = 0; z < ZONES; z++) {
                        generate(s, keys, zone(z), perZone);
                        if ((z + 1) % 10 == 0) {
                            System.err.printf("[%s] %,d keys made, %.0f keys/s%n", l, (long) (z + 1) * perZone,
                                    (z + 1) * (double) perZone / ((System.nanoTime() - t0) / 1e9));
                        }
                    }
                    double genSeconds = (System.nanoTime() - t0) / 1e9;
                    print("generate_working_keys_per_s", n, (double) perZone * ZONES / genSeconds);
                    generate(s, keys, "one", n / 10);
                    store.write(c -> {
                        try (var st = c.createStatement()) {
                            st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
                        }
                        return null;
                    });
                    long totalKeys = (long) perZone * ZONES + n / 10;
                    print("store_bytes_per_key", n, Files.size(dbFile) / (double) totalKeys);

                    // ---- audit verification of the whole log
                    resetPeaks();
                    long a0 = System.nanoTime();
                    AuditVerification v = audit.verify(Optional.empty());
                    double aSeconds = (System.nanoTime() - a0) / 1e9;
                    if (!v.intact()) {
                        throw new IllegalStateException(v.message());
                    }
                    print("audit_entries", n, v.entriesChecked());
                    print("audit_verify_entries_per_s", n, v.entriesChecked() / aSeconds);
                    print("audit_verify_peak_heap_mb", n, peakHeapMb());
                    print("audit_verify_live_heap_mb", n, liveHeapMb());

                    // ---- the inventory streamed as hsmc keys prints it: time to the first line, total, peak heap
                    resetPeaks();
                    java.io.PrintWriter sink = new java.io.PrintWriter(java.io.Writer.nullWriter());
                    long[] firstAt = new long[1];
                    long k0 = System.nanoTime();
                    long listed = keys.inventory(org.hsmc.ceremony.keys.InventoryFilter.ALL, w -> {
                        if (firstAt[0] == 0) {
                            firstAt[0] = System.nanoTime();
                        }
                        sink.printf("%-28s %-8s %-8d %-12s %-20s %-20s %-8s %s%n", w.id(), w.algorithm(), w.version(), w.kcv(),
                                w.validFrom(), w.validUntil(), w.status(), w.runId());
                    });
                    double kSeconds = (System.nanoTime() - k0) / 1e9;
                    if (listed != totalKeys) {
                        throw new IllegalStateException("the inventory listed " + listed + " keys, not " + totalKeys);
                    }
                    print("keys_first_line_ms", n, (firstAt[0] - k0) / 1e6);
                    print("keys_total_seconds", n, kSeconds);
                    print("keys_peak_heap_mb", n, peakHeapMb());
                    print("keys_live_heap_mb", n, liveHeapMb());

                    // ---- export: the one zone, then all 100 zones in one run
                    BundleExporter exporter = new BundleExporter(store, audit, clock);
                    Path out = Files.createDirectories(dir.resolve("bundles"));
                    resetPeaks();
                    long e0 = System.nanoTime();
                    Path oneFile = export(s, exporter, journal, List.of("one"), out.resolve("one")).getFirst();
                    double eSeconds = (System.nanoTime() - e0) / 1e9;
                    print("export_one_zone_keys_per_s", n, (n / 10) / eSeconds);
                    print("export_one_zone_peak_heap_mb", n, peakHeapMb());
                    print("export_one_zone_live_heap_mb", n, liveHeapMb());
                    List<String> all = new ArrayList<>();
                    for (int z = 0; z < ZONES; z++) {
                        all.add(zone(z));
                    }
                    resetPeaks();
                    long e1 = System.nanoTime();
                    export(s, exporter, journal, all, out.resolve("all"));
                    double allSeconds = (System.nanoTime() - e1) / 1e9;
                    print("export_all_zones_keys_per_s", n, (double) perZone * ZONES / allSeconds);
                    print("export_all_zones_peak_heap_mb", n, peakHeapMb());
                    print("export_all_zones_live_heap_mb", n, liveHeapMb());

                    // ---- VACUUM INTO backup, then restore into a new file
                    Path backup = dir.resolve("backup").resolve("console-backup.db");
                    Files.createDirectories(backup.getParent());
                    long b0 = System.nanoTime();
                    StoreBackup.Manifest made = StoreBackup.backup(store, audit, clock, backup);
                    print("backup_seconds", n, (System.nanoTime() - b0) / 1e9);
                    print("backup_mb", n, Files.size(backup) / 1048576.0);
                    long r0 = System.nanoTime();
                    // restored as after losing the store right after the backup (the backup's own audit entry came later)
                    StoreBackup.restore(backup, dir.resolve("restored").resolve("console.db"), made.auditHead(), clock);
                    print("restore_seconds", n, (System.nanoTime() - r0) / 1e9);

                    // ---- the node's verification of the one zone's bundle
                    BundleVerifier verifier = new BundleVerifier(TrustedConsole.of(cert.getEncoded(), "bench"), clock);
                    print("bundle_one_zone_mb", n, Files.size(oneFile) / 1048576.0);
                    resetPeaks();
                    long n0 = System.nanoTime();
                    VerifiedBundle vb;
                    try {
                        vb = verifier.verify(Files.readAllBytes(oneFile));
                    } catch (OutOfMemoryError e) {
                        // the node holds the whole manifest as a tree (about 11 KB a key): ADR 14
                        System.out.println("node_verify_out_of_memory_" + l + "=1");
                        return;
                    }
                    double nSeconds = (System.nanoTime() - n0) / 1e9;
                    if (vb.manifest().keys().size() != n / 10) {
                        throw new IllegalStateException("the node verified " + vb.manifest().keys().size() + " keys");
                    }
                    print("node_verify_keys_per_s", n, (n / 10) / nSeconds);
                    print("node_verify_peak_heap_mb", n, peakHeapMb());
                    print("node_verify_live_heap_mb", n, liveHeapMb());
                }
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String zone(int i) {
        return "zone-%03d".formatted(i);
    }

    /** An LMK, the bundle signing key and console certificate, the 100 zones and "one", each with a ZMK. */
    static X509Certificate setUp(Session s, Store store, KeyHierarchy keys, Clock clock) throws Exception {
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
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < ZONES; i++) {
            zones.add(zone(i));
        }
        zones.add("one");
        for (String z : zones) {
            keys.registerZone(z, "Scale zone " + z, "bench-setup");
            keys.storeZmkFromComponents(s, z, 1, List.of(s.random(32), s.random(32)), "bench-setup");
        }
        return cert;
    }

    /**
     * {@code count} keys of {@code zone}, in batches as the ceremony's steps make them: DEK versions 1…99,999, then KEK, then
     * MAC (a purpose has at most 99,999 versions).
     */
    static void generate(Session s, KeyHierarchy keys, String zone, int count) {
        String run = "bench-gen-" + zone;
        KeyIds.KeyPurposeName[] purposes = {KeyIds.KeyPurposeName.DEK, KeyIds.KeyPurposeName.KEK, KeyIds.KeyPurposeName.MAC};
        for (int first = 1; first <= count; first += BATCH) {
            List<KeyHierarchy.WorkingKeyRequest> batch = new ArrayList<>();
            for (int i = first; i < first + BATCH && i <= count; i++) {
                batch.add(new KeyHierarchy.WorkingKeyRequest(purposes[(i - 1) / 99_999], "AES-256", (i - 1) % 99_999 + 1, FROM,
                        FROM.plus(Duration.ofDays(365))));
            }
            keys.generateWorkingKeys(s, zone, batch, run);
        }
    }

    /** One export run of {@code zones}; the bundle files. */
    static List<Path> export(Session s, BundleExporter exporter, RunJournal journal, List<String> zones, Path out)
            throws Exception {
        String runId = UUID.randomUUID().toString();
        journal.create(runId, "export-bundle", "benchmark", "bench.yaml", new byte[] {1}, "00".repeat(32), "bench", "bench", false);
        Files.createDirectories(out);
        ExportPipeline pipeline = new ExportPipeline(exporter, zones, runId, Duration.ofDays(30), out);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < zones.size(); i++) {
            files.add(pipeline.export(s, i, (z, done, total) -> { }).file());
        }
        return files;
    }

    /** The largest heap in use right after a collection since {@link #resetPeaks}: what the step held, not its garbage. */
    private static final java.util.concurrent.atomic.AtomicLong LIVE_PEAK = new java.util.concurrent.atomic.AtomicLong();

    static {
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (!com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                        return;
                    }
                    var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                            (javax.management.openmbean.CompositeData) notification.getUserData());
                    long used = 0;
                    for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (!e.getKey().contains("Metaspace") && !e.getKey().contains("CodeHeap") && !e.getKey().contains("Compressed")) {
                            used += e.getValue().getUsed();
                        }
                    }
                    LIVE_PEAK.accumulateAndGet(used, Math::max);
                }, null, null);
            }
        }
    }

    /** The largest heap in use after a collection since {@link #resetPeaks}, in MB (0 when no collection ran). */
    static double liveHeapMb() {
        return LIVE_PEAK.get() / 1048576.0;
    }

    static void resetPeaks() {
        System.gc();
        LIVE_PEAK.set(0);
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                p.resetPeakUsage();
            }
        }
    }

    static double peakHeapMb() {
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        return peak / 1048576.0;
    }
}
