package org.hsmc.bench;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code generate_working_keys_per_s}: 10,000 working keys made the way the generate-working-keys
 * ceremony makes them (each generated in the HSM as a session object, its KCV by CMAC, wrapped under
 * the LMK, destroyed; stored with one audit entry each, in steps of 500 per transaction), on a
 * throwaway SoftHSM2 token and a fresh store. Prints {@code generate_working_keys_per_s=N} and
 * {@code generate_10k_working_keys_seconds=X.Y}; then {@code restore_verify_keys_per_s}, the inventory proof
 * of restore-master-key over those keys (each unwrapped under the LMK, its KCV compared with the record).
 */
public final class KeyGenerationBenchmark {

    public static void main(String[] args) throws Exception {
        Path module = SoftHsm.findModule().orElseThrow(() -> new IllegalStateException(SoftHsm.missingMessage()));
        Path dir = Files.createTempDirectory("hsmc-keygen-bench-");
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
                KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
                try (Session s = token.openSession()) {
                    keys.createMasterKey(s, 1, "bench-run");
                    keys.registerZone("bench", "Benchmark zone", "bench-run");
                    Instant from = Instant.parse("2027-01-01T00:00:00Z");
                    int total = 10_000;
                    int step = 500;
                    // warm-up: 500 keys of another purpose
                    keys.generateWorkingKeys(s, "bench", requests(KeyIds.KeyPurposeName.MAC, 1, step, from), "bench-run");
                    long t0 = System.nanoTime();
                    for (int v = 1; v <= total; v += step) {
                        keys.generateWorkingKeys(s, "bench", requests(KeyIds.KeyPurposeName.DEK, v, step, from), "bench-run");
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    System.out.println("generate_working_keys_per_s=" + Math.round(total / seconds));
                    System.out.printf("generate_10k_working_keys_seconds=%.1f%n", seconds);

                    // the inventory proof of restore-master-key over the same store: every key unwrapped under
                    // the LMK and its KCV compared with the record (10,500 keys: the 10,000 and the warm-up's 500)
                    var lmk = keys.activeMasterKey(s).handle();
                    keys.proveInventory(s, lmk, 1, done -> { }); // warm-up
                    long t1 = System.nanoTime();
                    KeyHierarchy.InventoryProof proof = keys.proveInventory(s, lmk, 1, done -> { });
                    double proofSeconds = (System.nanoTime() - t1) / 1e9;
                    if (!proof.complete() || proof.proved() != total + step) {
                        throw new IllegalStateException("the inventory proof failed: " + proof);
                    }
                    System.out.println("restore_verify_keys_per_s=" + Math.round(proof.proved() / proofSeconds));
                    System.out.printf("restore_verify_keys=%d%n", proof.proved());
                }
                token.logout();
            }
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static List<KeyHierarchy.WorkingKeyRequest> requests(KeyIds.KeyPurposeName purpose, int firstVersion, int n, Instant from) {
        List<KeyHierarchy.WorkingKeyRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new KeyHierarchy.WorkingKeyRequest(purpose, "AES-256", firstVersion + i, from, from.plus(Duration.ofDays(365))));
        }
        return out;
    }
}
