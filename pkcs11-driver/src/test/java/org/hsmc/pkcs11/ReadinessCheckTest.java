package org.hsmc.pkcs11;

import org.hsmc.testsupport.TokenStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness check on SoftHSM2 and NSS: every known-answer test passes as HSM and as card, nothing
 * is left on the token, and a token whose wrap mechanisms are excluded fails by name.
 */
class ReadinessCheckTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void bothImplementationsAreReadyAsHsmAndAsCard(TokenStore store) {
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            Token hsm = m.token("hsm-b");
            int before = objectCount(hsm, store);
            ReadinessCheck.Report r = ReadinessCheck.run(hsm, ReadinessCheck.Role.HSM);
            assertThat(r.ready()).as(r.items().toString()).isTrue();
            assertThat(r.items()).extracting(ReadinessCheck.Item::name)
                    .contains("wrap.rfc5649", "kcv.cmac", "ecdsa.p384", "pin.length", "rng", "rsa.oaep");
            ReadinessCheck.Item oaep = item(r, "rsa.oaep");
            if (store.implementation().equals("NSS")) {
                assertThat(oaep.verdict()).isEqualTo(ReadinessCheck.Verdict.PASS);
                assertThat(item(r, "wrap.rfc5649").detail()).startsWith("CKM_AES_KEY_WRAP_KWP");
            } else {
                assertThat(oaep.verdict()).isEqualTo(ReadinessCheck.Verdict.OPTIONAL_MISSING);
                assertThat(item(r, "wrap.rfc5649").detail()).startsWith("CKM_AES_KEY_WRAP_PAD");
            }
            Token card = m.token("card-20");
            ReadinessCheck.Report c = ReadinessCheck.run(card, ReadinessCheck.Role.CARD);
            assertThat(c.ready()).as(c.items().toString()).isTrue();
            assertThat(c.items()).extracting(ReadinessCheck.Item::name).contains("ecdh.p256", "ecdsa.p256");
            assertThat(objectCount(hsm, store)).as("session objects only, destroyed").isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void aTokenWithoutRfc5649WrapOrEcdhFailsByName(TokenStore store, @TempDir Path dir) throws Exception {
        String manufacturer;
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            manufacturer = m.token("hsm-b").description().manufacturer().replace(" ", "\\ ");
        }
        Path quirks = dir.resolve("q.properties");
        Files.writeString(quirks, manufacturer + ".mechanisms.excluded=0x210A,0x210B,0x1050\n", StandardCharsets.ISO_8859_1);
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig().withQuirksFile(quirks))) {
            ReadinessCheck.Report r = ReadinessCheck.run(m.token("hsm-b"), ReadinessCheck.Role.HSM);
            assertThat(r.ready()).isFalse();
            assertThat(r.missing()).containsExactly("RFC 5649 key wrap (stored keys, bundles, node import)");
            assertThat(item(r, "wrap.rfc5649").detail()).contains("CKM_AES_KEY_WRAP_KWP: not offered");
            ReadinessCheck.Report c = ReadinessCheck.run(m.token("card-20"), ReadinessCheck.Role.CARD);
            assertThat(c.missing()).containsExactly("ECDH P-256 agreement (share decryption)");
            assertThat(item(c, "ecdh.p256").detail()).contains("CKM_ECDH1_DERIVE not offered");
        }
    }

    private static ReadinessCheck.Item item(ReadinessCheck.Report r, String name) {
        return r.items().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    /** Every object the logged-in user sees: no check may leave one behind. */
    private static int objectCount(Token t, TokenStore store) {
        Token logged = Rfc5649WrapTest.loggedIn(t.module(), store, t.label());
        try (Session s = logged.openSession()) {
            int n = 0;
            for (KeyHandle.KeyClass c : KeyHandle.KeyClass.values()) {
                n += s.findKeysByLabelPrefix(c, "").size();
            }
            return n;
        } finally {
            logged.logout();
        }
    }
}
