package org.hsmc.node;

import org.hsmc.ceremony.bundle.BundleManifest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A seeded mutation loop over bundles: no mutated bundle is ever accepted, and the verifier never fails with
 * anything but a {@link BundleRefusedException}. The count is {@code -Dhsmc.fuzz.cases} (2,000 in every build;
 * 100,000 with {@code mvn -B -pl node -Pfuzz test}, see docs/bundle-format.md), the seed {@code -Dhsmc.fuzz.seed}.
 *
 * <p>A second loop mutates the manifest <em>before</em> signing (as a faulty or hostile console would): the
 * verifier may accept what is still a valid manifest, but must refuse everything else cleanly.
 */
class BundleFuzzTest {

    private static final int CASES = Integer.getInteger("hsmc.fuzz.cases", 2000);
    private static final long SEED = Long.getLong("hsmc.fuzz.seed", 20261123L);

    private final SoftwareConsole console = new SoftwareConsole("CN=Key console, O=Fuzz", 77);
    private final BundleVerifier verifier = new BundleVerifier(console.trust(),
            Clock.fixed(SoftwareConsole.T0.plusSeconds(60), ZoneOffset.UTC));

    @Test
    void noMutatedBundleIsEverAcceptedAndEveryRefusalIsClean() {
        List<byte[]> seeds = List.of(
                console.sign(SoftwareConsole.manifest("sh-01", 1, null, 2)),
                console.sign(SoftwareConsole.manifest("bj-01", 7, "ab".repeat(32), 0)));
        for (byte[] s : seeds) {
            verifier.verify(s); // the unmutated seeds pass
        }
        SplittableRandom random = new SplittableRandom(SEED);
        Map<Refusal, Integer> kinds = new EnumMap<>(Refusal.class);
        int unchanged = 0;
        for (int i = 0; i < CASES; i++) {
            byte[] seed = seeds.get(random.nextInt(seeds.size()));
            byte[] mutated = mutate(seed, random);
            if (Arrays.equals(mutated, seed)) {
                unchanged++;
                continue;
            }
            try {
                verifier.verify(mutated);
                fail("case %d (seed %d): a mutated bundle was accepted", i, SEED);
            } catch (BundleRefusedException e) {
                kinds.merge(e.kind(), 1, Integer::sum);
            } catch (Throwable t) {
                throw new AssertionError("case " + i + " (seed " + SEED + "): the verifier failed with " + t, t);
            }
        }
        System.out.printf("fuzz: %d cases (seed %d), %d mutations left the bundle unchanged; refusals %s%n", CASES, SEED, unchanged,
                kinds);
        assertThat(kinds.keySet()).contains(Refusal.MALFORMED, Refusal.SIGNATURE_INVALID, Refusal.CONTENT_ALTERED);
    }

    @Test
    void aMutatedManifestSignedByTheConsoleIsAcceptedOnlyWhenStillValidAndOtherwiseRefusedCleanly() {
        BundleManifest m = SoftwareConsole.manifest("sh-01", 3, "cd".repeat(32), 2);
        byte[] json = m.toJson();
        SplittableRandom random = new SplittableRandom(SEED + 1);
        int cases = Math.max(200, CASES / 20);
        int accepted = 0;
        for (int i = 0; i < cases; i++) {
            byte[] mutated = mutate(json, random);
            try {
                VerifiedBundle b = verifier.verify(console.sign(mutated, m.createdAt()));
                accepted++;
                assertThat(b.manifest().sequence()).isPositive();
            } catch (BundleRefusedException e) {
                assertThat(e.kind()).isIn(Refusal.MANIFEST_INVALID, Refusal.EXPIRED);
            } catch (Throwable t) {
                throw new AssertionError("manifest case " + i + " (seed " + SEED + "): " + new String(mutated, StandardCharsets.UTF_8)
                        + " made the verifier fail with " + t, t);
            }
        }
        System.out.printf("manifest fuzz: %d cases, %d still valid manifests%n", cases, accepted);
    }

    /** One to four of: flip a bit, set a byte, insert, delete, truncate, duplicate or swap a run of bytes. */
    static byte[] mutate(byte[] in, SplittableRandom r) {
        byte[] b = in.clone();
        int rounds = 1 + (r.nextInt(8) == 0 ? r.nextInt(4) : 0);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(8)) {
                case 0, 1 -> b[at] ^= (byte) (1 << r.nextInt(8));
                case 2 -> b[at] = (byte) r.nextInt(256);
                case 3 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, at);
                    c[at] = (byte) r.nextInt(256);
                    System.arraycopy(b, at, c, at + 1, b.length - at);
                    b = c;
                }
                case 4 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                    b = c;
                }
                case 5 -> b = Arrays.copyOf(b, at);
                case 6 -> {
                    int len = Math.min(1 + r.nextInt(16), b.length - at);
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                default -> {
                    int other = r.nextInt(b.length);
                    int len = Math.min(1 + r.nextInt(8), Math.min(b.length - at, b.length - other));
                    byte[] tmp = Arrays.copyOfRange(b, at, at + len);
                    System.arraycopy(b, other, b, at, len);
                    System.arraycopy(tmp, 0, b, other, len);
                }
            }
        }
        return b;
    }
}
