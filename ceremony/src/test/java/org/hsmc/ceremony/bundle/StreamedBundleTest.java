package org.hsmc.ceremony.bundle;

import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streamed bundle is the documented format byte for byte: the manifest written in pieces through the spool equals
 * {@link BundleManifest#toJson()}, and the DER written around it equals {@link BundleCms#sign} of the whole manifest
 * (the same signature: ECDSA is randomised, so the test's signer signs the same signed attributes once). Sizes chosen so
 * that every DER length form occurs (short, two and three length octets).
 */
class StreamedBundleTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:15:30Z");

    /** A signer that gives the same signature for the same bytes (so that two encodings of one bundle can be compared). */
    private static final class SameSignature implements ContentSigner {
        private final ContentSigner real;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private byte[] lastInput;
        private byte[] lastSignature;

        SameSignature(ContentSigner real) {
            this.real = real;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return real.getAlgorithmIdentifier();
        }

        @Override
        public OutputStream getOutputStream() {
            buffer.reset();
            return buffer;
        }

        @Override
        public byte[] getSignature() {
            byte[] input = buffer.toByteArray();
            if (!Arrays.equals(input, lastInput)) {
                try {
                    real.getOutputStream().write(input);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                lastSignature = real.getSignature();
                lastInput = input;
            }
            return lastSignature.clone();
        }
    }

    private static List<BundleManifest.Key> keys(int n, long seed) {
        Random r = new Random(seed);
        List<BundleManifest.Key> keys = new ArrayList<>();
        for (int v = 1; v <= n; v++) {
            byte[] wrapped = new byte[v % 3 == 0 ? 24 : 40];
            r.nextBytes(wrapped);
            String purpose = v % 2 == 0 ? "DEK" : "MAC";
            keys.add(new BundleManifest.Key("wk/sh-01/" + purpose.toLowerCase() + "/v" + v, purpose, v % 3 == 0 ? "AES-128" : "AES-256",
                    v, Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z").plusSeconds(v % 5),
                    HexFormat.of().withUpperCase().formatHex(wrapped, 0, 5), "zmk/sh-01/v1", "0F1E2D3C4B", BundleManifest.AES_KWP,
                    wrapped));
        }
        return keys;
    }

    private static byte[] streamed(BundleManifest m, ContentSigner signer, BundleFormatTest.SoftwareConsole console, int chunk) {
        try (ManifestSpool spool = new ManifestSpool()) {
            for (int i = 0; i < m.keys().size(); i += chunk) {
                spool.append(m.keys().subList(i, Math.min(m.keys().size(), i + chunk)));
            }
            spool.finish();
            assertThat(spool.count()).isEqualTo(m.keys().size());
            assertThat(spool.wrappedKeysSha256()).isEqualTo(m.wrappedKeysSha256());
            byte[] head = BundleManifest.head(m.ceremonyId(), m.createdAt(), m.expiresAt());
            byte[] tail = BundleManifest.tail(m.previousSha256(), m.revocations(), m.sequence(), spool.wrappedKeysSha256(), m.zone(),
                    m.zoneStatus());
            StreamedBundle b = StreamedBundle.sign(StreamedBundle.of(head, spool, tail), head.length + spool.length() + tail.length,
                    console.certificate(), signer, T0);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            b.writeTo(out);
            assertThat((long) out.size()).isEqualTo(b.length());
            return out.toByteArray();
        }
    }

    @Test
    void everySizeIsTheDocumentedBundleByteForByte(@TempDir Path dir) throws Exception {
        BundleFormatTest.SoftwareConsole console = BundleFormatTest.SoftwareConsole.create("CN=Key console, O=Test");
        SameSignature signer = new SameSignature(console.signer());
        for (int n : new int[] {0, 1, 2, 150, 1_000}) {
            BundleManifest m = new BundleManifest("sh-01", "ACTIVE", n + 1L, T0, T0.plusSeconds(86400), "run-" + n,
                    n == 0 ? null : "cd".repeat(32), keys(n, n), List.of(new BundleManifest.Revocation("wk/sh-01/kek/v1",
                    T0.minusSeconds(60), "INC-1", "lost")));
            byte[] json = m.toJson();
            byte[] whole = BundleCms.sign(json, console.certificate(), signer, T0);
            byte[] streamed = streamed(m, signer, console, 7);
            assertThat(streamed).as(n + " keys").isEqualTo(whole);
            assertThat(Bundles.manifest(streamed)).isEqualTo(json);
            BundleCms.verify(streamed, console.certificate(), json);
            if (n == 1_000) {
                assertThat(streamed.length).as("three length octets").isGreaterThan(65_536);
                Path file = dir.resolve("streamed.p7m");
                Files.write(file, streamed);
                Bundles.OpenSsl v = Bundles.opensslVerify(file, console.certificate(), dir);
                assertThat(v.exit()).as(v.messages()).isZero();
                assertThat(v.content()).isEqualTo(json);
            }
        }
    }

    @Test
    void aManifestOfAnotherLengthThanAnnouncedIsNotSigned() throws Exception {
        BundleFormatTest.SoftwareConsole console = BundleFormatTest.SoftwareConsole.create("CN=Key console, O=Test");
        byte[] json = new BundleManifest("sh-01", "ACTIVE", 1, T0, T0.plusSeconds(60), "run", null, keys(3, 1), List.of()).toJson();
        assertThatThrownBy(() -> StreamedBundle.sign(out -> out.write(json), json.length + 1, console.certificate(),
                console.signer(), T0)).hasMessageContaining("not the " + (json.length + 1) + " expected");
    }

    @Test
    void theSpoolIsDeletedWhenClosed() throws Exception {
        ManifestSpool spool = new ManifestSpool();
        spool.append(keys(3, 2));
        spool.finish();
        byte[] first;
        try (var in = spool.open()) {
            first = in.readAllBytes();
        }
        assertThat(first).isEqualTo(BundleManifest.keyObjects(keys(3, 2), new java.util.HashMap<>()));
        assertThat(MessageDigest.isEqual(first, first)).isTrue();
        spool.close();
        assertThatThrownBy(spool::open).isInstanceOf(java.io.UncheckedIOException.class);
    }
}
