package org.hsmc.bench;

import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.EcdsaHash;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.SecretKeyType;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.WrapMechanism;
import org.hsmc.pkcs11.softhsm.SoftHsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pkcs11-driver benchmark on a throwaway SoftHSM2 token. Prints one {@code name=value} line per
 * figure (operations per second, the median of 5 one-second rounds after a warm-up), and nothing
 * else on stdout:
 * <ul>
 *   <li>{@code translate_per_s}: unwrap a working key under an LMK, wrap it under a ZMK, destroy the
 *       session copy (the heart of bundle export), single thread, through {@link Session#translate};</li>
 *   <li>{@code translate_per_s_2threads}: the same on two threads, each with its own session;</li>
 *   <li>{@code kwp_wrap_per_s}: {@link Session#wrap} with AES-KWP;</li>
 *   <li>{@code ecdsa_p384_per_s}: {@link Session#sign} with ECDSA P-384 / SHA-384.</li>
 * </ul>
 */
public final class DriverBenchmark {

    private static final int ROUNDS = 5;
    private static final long ROUND_NANOS = 1_000_000_000L;

    @FunctionalInterface
    interface Op {
        void run(Session s);
    }

    public static void main(String[] args) throws Exception {
        Path module = SoftHsm.findModule().orElseThrow(() -> new IllegalStateException(SoftHsm.missingMessage()));
        Path dir = Files.createTempDirectory("hsmc-bench-");
        try {
            Path conf = SoftHsm.createStore(dir);
            char[] pin = "bench-pin-1234".toCharArray();
            SoftHsm.initToken(conf, "bench", "bench-so-1234".toCharArray(), pin);
            try (Pkcs11Module m = Pkcs11Module.load(module, SoftHsm.environment(conf))) {
                Token token = m.token("bench");
                token.login(pin);
                run(token);
                token.logout();
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void run(Token token) throws InterruptedException {
        KeyTemplate kek = KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                .usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build();
        KeyTemplate wkTemplate = KeyTemplate.aes(32).token(false).sensitive(true).extractable(true).build();
        KeyHandle lmk;
        KeyHandle zmk;
        byte[] stored;
        KeyHandle wk;
        KeyPairHandles signer;
        try (Session s = token.openSession()) {
            lmk = s.generateSecretKey(kek);
            zmk = s.generateSecretKey(kek);
            wk = s.generateSecretKey(wkTemplate);
            stored = s.wrap(WrapMechanism.AES_KWP, lmk, wk);
            signer = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("", null, false, false, KeyUsage.SIGN));
        }
        byte[] checkpoint = new byte[120];
        print("translate_per_s", measure(token, 1, s -> s.translate(lmk, stored, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk)));
        print("translate_per_s_2threads", measure(token, 2, s -> s.translate(lmk, stored, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk)));
        print("kwp_wrap_per_s", measure(token, 1, s -> s.wrap(WrapMechanism.AES_KWP, lmk, wk)));
        print("ecdsa_p384_per_s", measure(token, 1, s -> s.sign(EcdsaHash.SHA384, signer.privateKey(), checkpoint)));
    }

    private static void print(String name, double value) {
        System.out.println(name + "=" + Math.round(value));
    }

    /** Median rate over {@link #ROUNDS} rounds, after one warm-up round. */
    private static double measure(Token token, int threads, Op op) throws InterruptedException {
        double[] rates = new double[ROUNDS];
        round(token, threads, op);
        for (int i = 0; i < ROUNDS; i++) {
            rates[i] = round(token, threads, op);
        }
        Arrays.sort(rates);
        return rates[ROUNDS / 2];
    }

    private static double round(Token token, int threads, Op op) throws InterruptedException {
        LongAdder count = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] elapsed = new long[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread.ofPlatform().name("bench-" + t).start(() -> {
                try (Session s = token.openSession()) {
                    start.await();
                    long t0 = System.nanoTime();
                    long n = 0;
                    while (System.nanoTime() - t0 < ROUND_NANOS) {
                        for (int k = 0; k < 64; k++) {
                            op.run(s);
                        }
                        n += 64;
                    }
                    elapsed[index] = System.nanoTime() - t0;
                    count.add(n);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        start.countDown();
        done.await();
        long longest = Arrays.stream(elapsed).max().orElse(ROUND_NANOS);
        return count.sum() / (longest / 1e9);
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
