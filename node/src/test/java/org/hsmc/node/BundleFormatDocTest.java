package org.hsmc.node;

import org.bouncycastle.crypto.engines.AESWrapPadEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.hsmc.pkcs11.Kcv;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example of docs/bundle-format.md is true: it verifies, its manifest is the one shown, its keys unwrap. */
class BundleFormatDocTest {

    private static final Path DOC = Path.of("..", "docs", "bundle-format.md");

    /** The fenced block after {@code <!-- example:NAME -->}. */
    private static String block(String doc, String name) {
        int at = doc.indexOf("<!-- example:" + name + " -->");
        assertThat(at).as(name).isNotNegative();
        int start = doc.indexOf("```\n", at) + 4;
        return doc.substring(start, doc.indexOf("\n```", start));
    }

    @Test
    void theWorkedExampleVerifiesAndItsKeysUnwrapWithTheirKcvs() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        TrustedConsole trust = TrustedConsole.of(block(doc, "certificate").getBytes(StandardCharsets.US_ASCII), "the example");
        byte[] bundle = Base64.getMimeDecoder().decode(block(doc, "bundle"));
        byte[] manifest = block(doc, "manifest").getBytes(StandardCharsets.UTF_8);

        VerifiedBundle b = new BundleVerifier(trust, Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC)).verify(bundle);
        assertThat(doc).contains(b.sha256() + "  bj-01-000002.p7m");
        assertThat(Manifest.parse(manifest)).isEqualTo(b.manifest());
        assertThat(b.manifest().sequence()).isEqualTo(2);
        assertThat(b.manifest().revocations()).extracting(Manifest.Revocation::id).containsExactly("wk/bj-01/kek/v1");

        byte[] zmk = new byte[32];
        Arrays.fill(zmk, (byte) 0x77);
        for (Manifest.Key k : b.manifest().keys()) {
            assertThat(k.wrappingKeyKcv()).isEqualTo(Kcv.ofClearAesKey(zmk).hex()).isEqualTo("79302E0A7E");
            AESWrapPadEngine kwp = new AESWrapPadEngine();
            kwp.init(false, new KeyParameter(zmk));
            byte[] clear = kwp.unwrap(k.wrapped(), 0, k.wrapped().length);
            assertThat(clear).hasSize(k.lengthBytes());
            assertThat(Kcv.ofClearAesKey(clear).hex()).isEqualTo(k.kcv());
        }
        assertThat(HexFormat.of().formatHex(unwrapFirst(b, zmk))).isEqualTo("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    }

    private static byte[] unwrapFirst(VerifiedBundle b, byte[] zmk) throws Exception {
        AESWrapPadEngine kwp = new AESWrapPadEngine();
        kwp.init(false, new KeyParameter(zmk));
        byte[] w = b.manifest().keys().getFirst().wrapped();
        return kwp.unwrap(w, 0, w.length);
    }
}
