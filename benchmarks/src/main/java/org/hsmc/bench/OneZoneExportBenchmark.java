package org.hsmc.bench;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;

/**
 * One zone of N working keys (default 100,000) exported as one bundle, in whatever heap the JVM is given
 * ({@code bin/bench --one-zone [N]} runs it with {@code -Xmx256m}): prints {@code one_zone_keys}, {@code one_zone_export_keys_per_s},
 * {@code one_zone_export_peak_heap_mb}, {@code one_zone_export_live_heap_mb} (ScaleBenchmark) and {@code one_zone_bundle_mb}. The export streams (ADR 14), so the heap holds the
 * pages in flight and the bundle's bytes once, when the store records them, whatever N.
 */
public final class OneZoneExportBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path module = SoftHsm.findModule().orElseThrow(() -> new IllegalStateException(SoftHsm.missingMessage()));
        Path dir = Files.createTempDirectory("hsmc-one-zone-bench-");
        try {
            Path conf = SoftHsm.createStore(dir.resolve("softhsm"));
            char[] pin = "bench-pin-1234".toCharArray();
            SoftHsm.initToken(conf, "bench", "bench-so-1234".toCharArray(), pin);
            Clock clock = Clock.systemUTC();
            try (Pkcs11Module m = Pkcs11Module.load(module, SoftHsm.environment(conf));
                 Store store = Store.open(dir.resolve("console.db"))) {
                Token token = m.token("bench");
                token.login(pin);
                try (Session s = token.openSession()) {
                    AuditLog audit = new AuditLog(store, clock);
                    KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
                    ScaleBenchmark.setUp(s, store, keys, clock);
                    long g0 = System.nanoTime();
                    ScaleBenchmark.generate(s, keys, "one", n);
                    System.err.printf("%,d keys made in %.0f s%n", n, (System.nanoTime() - g0) / 1e9);
                    System.out.println("one_zone_keys=" + n);
                    ScaleBenchmark.resetPeaks();
                    long e0 = System.nanoTime();
                    Path file = ScaleBenchmark.export(s, new BundleExporter(store, audit, clock), new RunJournal(store, audit, clock),
                            List.of("one"), dir.resolve("bundles")).getFirst();
                    double seconds = (System.nanoTime() - e0) / 1e9;
                    System.out.println("one_zone_export_keys_per_s=" + Math.round(n / seconds));
                    System.out.println("one_zone_export_peak_heap_mb=" + Math.round(ScaleBenchmark.peakHeapMb()));
                    System.out.println("one_zone_export_live_heap_mb=" + Math.round(ScaleBenchmark.liveHeapMb()));
                    System.out.println("one_zone_bundle_mb=" + Math.round(Files.size(file) / 1048576.0));
                }
                token.logout();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
