package org.hsmc.pkcs11;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.hsmc.testsupport.TokenStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The RFC 5649 wrap is chosen by what each token does, on SoftHSM2 (0x210A gives RFC 5649) and on NSS
 * (0x210A gives the PKCS#7 form; 0x210B gives RFC 5649), and Bouncy Castle's RFC5649WrapEngine unwraps
 * what the driver wrapped on each.
 */
class Rfc5649WrapTest {

    private static final String HSM = "hsm";

    static Token loggedIn(Pkcs11Module m, TokenStore store, String label) {
        Token t = m.token(label);
        if (!t.isLoggedIn()) {
            char[] pin = store.userPin(label);
            try {
                t.login(pin);
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void theProbeFindsTheMechanismThatGivesRfc5649(TokenStore store) {
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            Token t = m.token(HSM);
            Rfc5649Probe p = t.rfc5649();
            assertThat(p.mechanism()).as(p.summary()).isPresent();
            Rfc5649Probe.Attempt chosen = p.attempts().getLast();
            assertThat(chosen.outcome()).isEqualTo(Rfc5649Probe.Outcome.RFC_5649);
            assertThat(chosen.knownAnswer()).as("compared with Bouncy Castle byte for byte").isTrue();
            assertThat(chosen.outputBytes()).isEqualTo(40);
            if (store.implementation().equals("NSS")) {
                // NSS 3.87: 0x210B is RFC 5649; 0x210A is PKCS#7 then RFC 3394, 48 bytes
                assertThat(t.rfc5649Mechanism()).isEqualTo(Mech.AES_KEY_WRAP_KWP);
                assertThat(p.attempts()).hasSize(1);
                assertThat(ckmOutcome(t, Mech.AES_KEY_WRAP_PAD)).isEqualTo(48);
            } else {
                // SoftHSM2 2.6 gives RFC 5649 for 0x210A and does not list 0x210B
                assertThat(t.rfc5649Mechanism()).isEqualTo(Mech.AES_KEY_WRAP_PAD);
                assertThat(p.attempts().getFirst().outcome()).isEqualTo(Rfc5649Probe.Outcome.NOT_OFFERED);
            }
        }
    }

    /** What a mechanism gives for the probe's 32-byte key: its length. */
    private static int ckmOutcome(Token t, long ckm) {
        try (Session s = t.openSession()) {
            KeyHandle kek = s.probeKey(Rfc5649Probe.KEK_VALUE, false);
            KeyHandle key = s.probeKey(Rfc5649Probe.KEY_VALUE, false);
            try {
                return s.wrapWith(ckm, kek, key).length;
            } finally {
                s.destroy(kek);
                s.destroy(key);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void bouncyCastleUnwrapsWhatTheDriverWrappedAndTranslated(TokenStore store) {
        SecureRandom r = new SecureRandom();
        byte[] kekValue = new byte[32];
        byte[] zmkValue = new byte[32];
        byte[] keyValue = new byte[32];
        r.nextBytes(kekValue);
        r.nextBytes(zmkValue);
        r.nextBytes(keyValue);
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            Token t = loggedIn(m, store, HSM);
            KeyTemplate wrapping = KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                    .usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build();
            KeyTemplate payload = KeyTemplate.aes(32).token(false).sensitive(true).extractable(true)
                    .usages(KeyUsage.ENCRYPT).build();
            try (Session s = t.openSession()) {
                KeyHandle kek = s.createSecretKey(wrapping, kekValue.clone());
                KeyHandle zmk = s.createSecretKey(wrapping, zmkValue.clone());
                KeyHandle key = s.createSecretKey(payload, keyValue.clone());
                byte[] stored = s.wrap(WrapMechanism.AES_KWP, kek, key);
                assertThat(stored).hasSize(40);
                assertThat(bcUnwrap(kekValue, stored)).isEqualTo(keyValue);
                for (boolean nativePath : new boolean[] {true, false}) {
                    t.useNativeTranslation(nativePath);
                    byte[] translated = s.translate(kek, stored, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk);
                    assertThat(bcUnwrap(zmkValue, translated)).as("native translation " + nativePath).isEqualTo(keyValue);
                }
                t.useNativeTranslation(true);
                // and the token unwraps Bouncy Castle's wrap
                KeyHandle back = s.unwrap(WrapMechanism.AES_KWP, kek, bcWrap(kekValue, keyValue), payload);
                assertThat(s.wrap(WrapMechanism.AES_KWP, zmk, back)).isEqualTo(bcWrap(zmkValue, keyValue));
                for (KeyHandle h : new KeyHandle[] {kek, zmk, key, back}) {
                    s.destroy(h);
                }
            } finally {
                t.logout();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void aTokenWithoutAnRfc5649WrapIsRefusedByName(TokenStore store, @TempDir Path dir) throws Exception {
        String manufacturer;
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            manufacturer = m.token(HSM).description().manufacturer();
        }
        Path quirks = dir.resolve("site-quirks.properties");
        Files.writeString(quirks, manufacturer.replace(" ", "\\ ") + ".mechanisms.excluded=0x210B, 0x210A\n",
                StandardCharsets.ISO_8859_1);
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig().withQuirksFile(quirks))) {
            Token t = loggedIn(m, store, "hsm-spare");
            try {
                assertThat(t.missingForHsm()).anySatisfy(s -> assertThat(s).contains("RFC 5649"));
                try (Session s = t.openSession()) {
                    KeyHandle kek = s.generateSecretKey(KeyTemplate.aes(32).token(false).sensitive(true).extractable(false)
                            .usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build());
                    assertThatThrownBy(() -> s.wrap(WrapMechanism.AES_KWP, kek, kek))
                            .isInstanceOfSatisfying(MechanismNotSupportedException.class, e -> assertThat(e.userMessage())
                                    .contains("RFC 5649").contains("CKM_AES_KEY_WRAP_KWP: not offered")
                                    .contains("CKM_AES_KEY_WRAP_PAD: not offered").contains("'hsm-spare'"));
                    s.destroy(kek);
                }
            } finally {
                t.logout();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.hsmc.testsupport.TokenStores#both")
    void aPkcs7FormIsNeverTakenForRfc5649(TokenStore store, @TempDir Path dir) throws Exception {
        // leave only 0x210A: on NSS it gives the PKCS#7 form and the token is refused; on SoftHSM2 it is RFC 5649
        String manufacturer;
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig())) {
            manufacturer = m.token(HSM).description().manufacturer();
        }
        Path quirks = dir.resolve("site-quirks.properties");
        Files.writeString(quirks, manufacturer.replace(" ", "\\ ") + ".mechanisms.excluded=0x210B\n", StandardCharsets.ISO_8859_1);
        try (Pkcs11Module m = Pkcs11Module.load(store.moduleConfig().withQuirksFile(quirks))) {
            Token t = m.token(HSM);
            Rfc5649Probe p = t.rfc5649();
            Rfc5649Probe.Attempt pad = p.attempts().stream().filter(a -> a.mechanism() == Mech.AES_KEY_WRAP_PAD).findFirst().orElseThrow();
            if (store.implementation().equals("NSS")) {
                assertThat(pad.outcome()).isEqualTo(Rfc5649Probe.Outcome.PKCS7_THEN_RFC_3394);
                assertThat(pad.outputBytes()).isEqualTo(48);
                assertThat(p.mechanism()).isEmpty();
                assertThatThrownBy(t::rfc5649Mechanism).isInstanceOfSatisfying(MechanismNotSupportedException.class,
                        e -> assertThat(e.userMessage()).contains("PKCS#7 padding then RFC 3394 (48 bytes"));
            } else {
                assertThat(pad.outcome()).isEqualTo(Rfc5649Probe.Outcome.RFC_5649);
                assertThat(p.mechanism()).contains(Mech.AES_KEY_WRAP_PAD);
            }
        }
    }

    private static byte[] bcUnwrap(byte[] kek, byte[] wrapped) {
        RFC5649WrapEngine e = new RFC5649WrapEngine(AESEngine.newInstance());
        e.init(false, new KeyParameter(kek));
        try {
            return e.unwrap(wrapped, 0, wrapped.length);
        } catch (org.bouncycastle.crypto.InvalidCipherTextException ex) {
            throw new AssertionError("Bouncy Castle's RFC 5649 unwrap refused the token's output", ex);
        }
    }

    private static byte[] bcWrap(byte[] kek, byte[] key) {
        return Rfc5649Probe.rfc5649(kek, key);
    }
}
