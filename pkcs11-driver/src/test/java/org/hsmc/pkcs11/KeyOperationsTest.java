package org.hsmc.pkcs11;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import java.security.spec.MGF1ParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every key operation of the driver against a real SoftHSM2 token, cross-checked with Java crypto. */
@RequiresSoftHsm
class KeyOperationsTest extends DriverTestBase {

    private static final HexFormat HEX = HexFormat.of();
    private static Pkcs11Module module;
    private static Token hsm;

    @BeforeAll
    static void open() {
        module = module();
        hsm = loggedIn(module, SoftHsmStore.HSM);
    }

    @AfterAll
    static void close() {
        hsm.logout();
        module.close();
    }

    private static KeyTemplate kek(int bytes) {
        return KeyTemplate.aes(bytes).token(false).sensitive(true).extractable(false)
                .usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build();
    }

    private static KeyTemplate workingKey(int bytes) {
        return KeyTemplate.aes(bytes).token(false).sensitive(true).extractable(true).usages(KeyUsage.SIGN).build();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 24, 32})
    void generatesAesKeysWithExactlyTheAttributesAskedFor(int bytes) {
        try (Session s = hsm.openSession()) {
            KeyHandle lmk = s.generateSecretKey(kek(bytes));
            KeyAttributes a = s.attributes(lmk);
            assertThat(a.keyClass()).isEqualTo(KeyHandle.KeyClass.SECRET);
            assertThat(a.keyType()).isEqualTo("AES");
            assertThat(a.lengthBytes()).isEqualTo(bytes);
            assertThat(a.sensitive()).isTrue();
            assertThat(a.extractable()).isFalse();
            assertThat(a.neverExtractable()).isTrue();
            assertThat(a.token()).isFalse();
            assertThat(a.privateObject()).isTrue();
            assertThat(a.usages()).containsExactlyInAnyOrder(KeyUsage.WRAP, KeyUsage.UNWRAP);
            s.destroy(lmk);
        }
    }

    @Test
    void generatesGenericSecretsAndTokenObjectsFoundByLabelAndId() {
        String label = "test/generic/" + UUID.randomUUID();
        byte[] id = HEX.parseHex("c0ffee01");
        try (Session s = hsm.openSession()) {
            KeyHandle k = s.generateSecretKey(KeyTemplate.genericSecret(48).label(label).id(id).token(true)
                    .sensitive(true).extractable(false).usages(KeyUsage.DERIVE).build());
            KeyAttributes a = s.attributes(k);
            assertThat(a.keyType()).isEqualTo("GENERIC_SECRET");
            assertThat(a.lengthBytes()).isEqualTo(48);
            assertThat(a.token()).isTrue();
            assertThat(a.label()).isEqualTo(label);
            assertThat(a.id()).isEqualTo(id);
            assertThat(a.usages()).containsExactly(KeyUsage.DERIVE);
            assertThat(s.findKeysByLabel(label)).containsExactly(k);
            assertThat(s.findKeys(KeyHandle.KeyClass.SECRET, label)).containsExactly(k);
            assertThat(s.findKeys(KeyHandle.KeyClass.PRIVATE, label)).isEmpty();
            assertThat(s.findKeysById(KeyHandle.KeyClass.SECRET, id)).contains(k);
            assertThat(s.findKeysByLabelPrefix(KeyHandle.KeyClass.SECRET, "test/generic/")).contains(k);
            s.destroy(k);
            assertThat(s.findKeysByLabel(label)).isEmpty();
        }
    }

    @Test
    void aTemplateMustChooseItsProtectionsOnPurpose() {
        assertThatThrownBy(() -> KeyTemplate.aes(32).token(false).sensitive(true).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("explicitly");
        assertThatThrownBy(() -> KeyTemplate.aes(20).token(false).sensitive(true).extractable(false).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16, 24 or 32");
    }

    @ParameterizedTest
    @EnumSource(EcCurve.class)
    void ecKeyPairsSignAndJavaVerifies(EcCurve curve) throws Exception {
        try (Session s = hsm.openSession()) {
            KeyPairHandles kp = s.generateEcKeyPair(curve, KeyPairTemplate.of("", null, false, false, KeyUsage.SIGN));
            KeyAttributes priv = s.attributes(kp.privateKey());
            assertThat(priv.curve()).isEqualTo(curve);
            assertThat(priv.sensitive()).isTrue();
            assertThat(priv.extractable()).isFalse();
            assertThat(priv.usages()).containsExactly(KeyUsage.SIGN);
            PublicKey pub = s.publicKey(kp.publicKey());
            assertThat(((ECPublicKey) pub).getParams().getCurve().getField().getFieldSize()).isEqualTo(curve.fieldBytes() * 8);

            byte[] data = "checkpoint 42: 9f86d081884c7d65".getBytes();
            for (EcdsaHash hash : EcdsaHash.values()) {
                byte[] sig = s.sign(hash, kp.privateKey(), data);
                assertThat(sig).hasSize(2 * curve.fieldBytes());
                Signature v = Signature.getInstance(hash.name() + "withECDSAinP1363Format");
                v.initVerify(pub);
                v.update(data);
                assertThat(v.verify(sig)).as("Java verifies the token's %s signature", hash).isTrue();
                assertThat(s.verify(hash, kp.publicKey(), data, sig)).isTrue();
                byte[] bad = sig.clone();
                bad[3] ^= 1;
                assertThat(s.verify(hash, kp.publicKey(), data, bad)).isFalse();
                assertThat(s.verify(hash, kp.publicKey(), "other data".getBytes(), sig)).isFalse();
            }
        }
    }

    @Test
    void theCombinedMechanismPathIsTakenWhenTheProbeSaysSoAndTheTokensRefusalIsNamed() {
        Token t = loggedIn(module, SoftHsmStore.HSM);
        Capabilities real = t.capabilities();
        try (Session s = t.openSession()) {
            KeyPairHandles kp = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("", null, false, false, KeyUsage.SIGN));
            Set<Long> claimed = new HashSet<>(real.mechanisms());
            claimed.add(Mech.ECDSA_SHA384);
            t.overrideCapabilities(new Capabilities(claimed));
            // SoftHSM 2.6 really lacks CKM_ECDSA_SHA384: the token itself refuses, and says which mechanism
            assertThatThrownBy(() -> s.sign(EcdsaHash.SHA384, kp.privateKey(), new byte[] {1, 2, 3}))
                    .isInstanceOfSatisfying(MechanismNotSupportedException.class, e -> {
                        assertThat(e.ckrName()).isEqualTo("CKR_MECHANISM_INVALID");
                        assertThat(e.userMessage()).contains("does not support");
                    });
            Set<Long> without = new HashSet<>(real.mechanisms());
            without.remove(Mech.ECDSA);
            t.overrideCapabilities(new Capabilities(without));
            // neither mechanism: refused before any call, naming the missing mechanism
            assertThatThrownBy(() -> s.sign(EcdsaHash.SHA384, kp.privateKey(), new byte[] {1}))
                    .isInstanceOfSatisfying(MechanismNotSupportedException.class, e -> {
                        assertThat(e.ckr()).isEqualTo(Pkcs11Exception.NO_CKR);
                        assertThat(e.userMessage()).contains("does not offer CKM_ECDSA");
                    });
        } finally {
            t.overrideCapabilities(real);
        }
    }

    @Test
    void rsa3072KeyPairsWrapWithOaepSha256AndJavaAgrees() throws Exception {
        byte[] clear = new byte[32];
        new SecureRandom().nextBytes(clear);
        try (Session s = hsm.openSession()) {
            s.oaepHash = NativeCalls.OaepHash.SHA1;
            KeyPairHandles kp = s.generateRsaKeyPair(3072, KeyPairTemplate.of("", null, false, false, KeyUsage.WRAP));
            assertThat(s.attributes(kp.publicKey()).modulusBits()).isEqualTo(3072);
            assertThat(s.attributes(kp.privateKey()).usages()).contains(KeyUsage.UNWRAP);
            RSAPublicKey pub = (RSAPublicKey) s.publicKey(kp.publicKey());
            assertThat(pub.getModulus().bitLength()).isEqualTo(3072);

            // Java encrypts a known key to the public key (RSA-OAEP, SHA-256, MGF1-SHA-256); the token unwraps it
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.ENCRYPT_MODE, pub, new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT));
            byte[] wrapped = c.doFinal(clear);
            KeyHandle unwrapped = s.unwrap(WrapMechanism.RSA_OAEP_SHA256, kp.privateKey(), wrapped, workingKey(32));
            assertThat(s.kcv(unwrapped)).isEqualTo(Kcv.ofClearAesKey(clear));

            // an imported copy of the public key (a zone's transport key) wraps on the token; the private key unwraps
            KeyHandle imported = s.importPublicKey(pub, "zone transport", false, KeyUsage.WRAP, KeyUsage.ENCRYPT);
            assertThat(s.attributes(imported).modulusBits()).isEqualTo(3072);
            byte[] again = s.wrap(WrapMechanism.RSA_OAEP_SHA256, imported, unwrapped);
            assertThat(again).hasSize(384);
            KeyHandle back = s.unwrap(WrapMechanism.RSA_OAEP_SHA256, kp.privateKey(), again, workingKey(32));
            assertThat(s.kcv(back)).isEqualTo(Kcv.ofClearAesKey(clear));
        }
    }

    @Test
    void aesKeyWrapWithPaddingIsRfc5649() throws Exception {
        // Bouncy Castle's RFC 5649 engine reproduces the RFC's own example (section 6, 20 octets) ...
        byte[] rfcKek = HEX.parseHex("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        byte[] rfcKey = HEX.parseHex("c37b7e6492584340bed12207808941155068f738");
        assertThat(rfc5649(rfcKek, rfcKey)).isEqualTo(HEX.parseHex("138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a"));
        // ... and the token's wraps of AES keys match it byte for byte, so any RFC 5649 implementation unwraps them
        SecureRandom random = new SecureRandom();
        try (Session s = hsm.openSession()) {
            for (int len : new int[] {16, 24, 32}) {
                byte[] kekValue = new byte[32];
                byte[] keyValue = new byte[len];
                random.nextBytes(kekValue);
                random.nextBytes(keyValue);
                KeyHandle kek = s.createSecretKey(kek(32), kekValue);
                KeyHandle key = s.createSecretKey(workingKey(len), keyValue);
                assertThat(s.wrap(WrapMechanism.AES_KWP, kek, key)).isEqualTo(rfc5649(kekValue, keyValue));
            }
            // SoftHSM zero-pads keys whose length is not a multiple of 8 before wrapping: a known quirk,
            // kept as data; the console only wraps AES keys, whose lengths are multiples of 8
            assertThat(hsm.quirks().kwpPadsOddKeys()).isTrue();
        }
    }

    private static byte[] rfc5649(byte[] kek, byte[] key) {
        org.bouncycastle.crypto.engines.RFC5649WrapEngine e = new org.bouncycastle.crypto.engines.RFC5649WrapEngine(AESEngine.newInstance());
        e.init(true, new KeyParameter(kek));
        return e.wrap(key, 0, key.length);
    }

    @Test
    void aesCmacAndTheKcvMatchRfc4493AndBouncyCastle() {
        // RFC 4493 example 2
        byte[] key = HEX.parseHex("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] message = HEX.parseHex("6bc1bee22e409f96e93d7e117393172a");
        try (Session s = hsm.openSession()) {
            KeyHandle k = s.createSecretKey(workingKey(16), key);
            assertThat(s.cmac(k, message)).isEqualTo(HEX.parseHex("070a16b46b4d4144f79bdd9dd04a287c"));
            Kcv kcv = s.kcv(k);
            CMac bc = new CMac(AESEngine.newInstance());
            bc.init(new KeyParameter(key));
            bc.update(new byte[16], 0, 16);
            byte[] full = new byte[16];
            bc.doFinal(full, 0);
            assertThat(kcv.bytes()).isEqualTo(java.util.Arrays.copyOf(full, 5));
            assertThat(kcv).isEqualTo(Kcv.ofClearAesKey(key));
            assertThat(kcv.hex()).hasSize(10).isUpperCase();
            assertThat(kcv.shortHex()).isEqualTo(kcv.hex().substring(0, 6));
            assertThat(Kcv.parse(kcv.hex().substring(0, 4) + " " + kcv.hex().substring(4))).isEqualTo(kcv);
        }
    }

    @Test
    void wrapAndUnwrapKeepTheKeyAndTheTemplate() {
        try (Session s = hsm.openSession()) {
            KeyHandle lmk = s.generateSecretKey(kek(32));
            KeyHandle wk = s.generateSecretKey(workingKey(24));
            Kcv kcv = s.kcv(wk);
            byte[] wrapped = s.wrap(WrapMechanism.AES_KWP, lmk, wk);
            assertThat(wrapped).hasSize(32); // 24 bytes + 8-byte integrity block
            KeyHandle back = s.unwrap(WrapMechanism.AES_KWP, lmk, wrapped, workingKey(24));
            assertThat(s.kcv(back)).isEqualTo(kcv);
            KeyAttributes a = s.attributes(back);
            assertThat(a.sensitive()).isTrue();
            assertThat(a.usages()).containsExactly(KeyUsage.SIGN);
        }
    }

    @Test
    void aDamagedWrappedKeyIsRefusedByName() {
        try (Session s = hsm.openSession()) {
            KeyHandle lmk = s.generateSecretKey(kek(32));
            byte[] wrapped = s.wrap(WrapMechanism.AES_KWP, lmk, s.generateSecretKey(workingKey(32)));
            wrapped[5] ^= 0x40;
            assertThatThrownBy(() -> s.unwrap(WrapMechanism.AES_KWP, lmk, wrapped, workingKey(32)))
                    .isInstanceOfSatisfying(WrappedKeyInvalidException.class, e ->
                            assertThat(e.userMessage()).contains("does not unwrap").contains("damaged"));
            KeyHandle otherLmk = s.generateSecretKey(kek(32));
            wrapped[5] ^= 0x40;
            assertThatThrownBy(() -> s.unwrap(WrapMechanism.AES_KWP, otherLmk, wrapped, workingKey(32)))
                    .isInstanceOf(WrappedKeyInvalidException.class);
        }
    }

    @Test
    void aKeyIsOnlyUsedForWhatItsAttributesAllow() {
        try (Session s = hsm.openSession()) {
            KeyHandle notAWrapper = s.generateSecretKey(workingKey(32));
            KeyHandle unextractable = s.generateSecretKey(kek(32));
            KeyHandle lmk = s.generateSecretKey(kek(32));
            assertThatThrownBy(() -> s.wrap(WrapMechanism.AES_KWP, notAWrapper, s.generateSecretKey(workingKey(16))))
                    .isInstanceOf(KeyUsageNotPermittedException.class);
            assertThatThrownBy(() -> s.wrap(WrapMechanism.AES_KWP, lmk, unextractable))
                    .isInstanceOfSatisfying(KeyUsageNotPermittedException.class, e ->
                            assertThat(e.ckrName()).isIn("CKR_KEY_UNEXTRACTABLE", "CKR_KEY_NOT_WRAPPABLE"));
            assertThatThrownBy(() -> s.cmac(lmk, new byte[16])).isInstanceOf(KeyUsageNotPermittedException.class);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void translationMovesAKeyFromTheLmkToAZmkWithoutLeavingACopy(boolean nativePath) {
        Token t = loggedIn(module, SoftHsmStore.HSM);
        t.useNativeTranslation(nativePath);
        try (Session s = t.openSession()) {
            KeyHandle lmk = s.generateSecretKey(kek(32));
            KeyHandle zmk = s.generateSecretKey(kek(32));
            KeyHandle wk = s.generateSecretKey(workingKey(32));
            Kcv kcv = s.kcv(wk);
            byte[] underLmk = s.wrap(WrapMechanism.AES_KWP, lmk, wk);
            int secretsBefore = s.findKeysByLabel("").size();
            byte[] underZmk = s.translate(lmk, underLmk, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk);
            assertThat(s.findKeysByLabel("").size()).as("the session copy is destroyed").isEqualTo(secretsBefore);
            assertThat(underZmk).isNotEqualTo(underLmk).hasSize(40);
            KeyHandle atNode = s.unwrap(WrapMechanism.AES_KWP, zmk, underZmk, workingKey(32));
            assertThat(s.kcv(atNode)).isEqualTo(kcv);

            byte[] damaged = underLmk.clone();
            damaged[0] ^= 1;
            assertThatThrownBy(() -> s.translate(lmk, damaged, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk))
                    .isInstanceOf(WrappedKeyInvalidException.class);
            // the session is still usable after a refused translation
            assertThat(s.translate(lmk, underLmk, SecretKeyType.AES, WrapMechanism.AES_KWP, zmk)).hasSize(40);
        } finally {
            t.useNativeTranslation(true);
        }
    }

    @Test
    void translationToAZoneTransportKeyUsesRsaOaep() {
        try (Session s = hsm.openSession()) {
            KeyHandle lmk = s.generateSecretKey(kek(32));
            KeyHandle wk = s.generateSecretKey(workingKey(16));
            Kcv kcv = s.kcv(wk);
            byte[] stored = s.wrap(WrapMechanism.AES_KWP, lmk, wk);
            KeyPairHandles zone = s.generateRsaKeyPair(3072, KeyPairTemplate.of("", null, false, false, KeyUsage.WRAP));
            // SoftHSM 2.6 has RSA-OAEP with SHA-1 only: refused before the call, with what to do instead
            assertThatThrownBy(() -> s.translate(lmk, stored, SecretKeyType.AES, WrapMechanism.RSA_OAEP_SHA256, zone.publicKey()))
                    .isInstanceOfSatisfying(MechanismNotSupportedException.class, e ->
                            assertThat(e.userMessage()).contains("only with SHA-1").contains("Use a zone master key"));
            // the same native OAEP path, with the hash the token has, translates correctly
            s.oaepHash = NativeCalls.OaepHash.SHA1;
            byte[] out = s.translate(lmk, stored, SecretKeyType.AES, WrapMechanism.RSA_OAEP_SHA256, zone.publicKey());
            assertThat(out).hasSize(384);
            assertThat(s.kcv(s.unwrap(WrapMechanism.RSA_OAEP_SHA256, zone.privateKey(), out, workingKey(16)))).isEqualTo(kcv);
        }
    }

    @Test
    void ecdhOnACardAgreesWithJava() throws Exception {
        Token card = loggedIn(module, SoftHsmStore.cardLabel(1));
        try (Session s = card.openSession()) {
            KeyPairHandles cardKey = s.generateEcKeyPair(EcCurve.P256, KeyPairTemplate.of("", null, false, false, KeyUsage.DERIVE));
            assertThat(s.attributes(cardKey.privateKey()).usages()).containsExactly(KeyUsage.DERIVE);
            ECPublicKey cardPub = (ECPublicKey) s.publicKey(cardKey.publicKey());

            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair ephemeral = g.generateKeyPair();
            byte[] onCard = s.ecdhDeriveSecret(cardKey.privateKey(), (ECPublicKey) ephemeral.getPublic(), 32);

            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(ephemeral.getPrivate());
            ka.doPhase(cardPub, true);
            assertThat(onCard).isEqualTo(ka.generateSecret());
            assertThat(s.findKeysByLabel("")).as("the derived object is destroyed")
                    .noneMatch(k -> k.keyClass() == KeyHandle.KeyClass.SECRET);
        } finally {
            card.logout();
        }
    }

    @Test
    void randomBytesComeFromTheToken() {
        try (Session s = hsm.openSession()) {
            byte[] a = s.random(32);
            byte[] b = s.random(32);
            assertThat(a).hasSize(32).isNotEqualTo(b).isNotEqualTo(new byte[32]);
        }
    }

    @Test
    void destroyedKeysAreGoneAndUsingThemIsRefusedByName() {
        try (Session s = hsm.openSession()) {
            KeyHandle k = s.generateSecretKey(workingKey(16));
            s.destroy(k);
            assertThatThrownBy(() -> s.kcv(k))
                    .isInstanceOfSatisfying(Pkcs11Exception.class, e -> {
                        assertThat(e.ckrName()).isIn("CKR_KEY_HANDLE_INVALID", "CKR_OBJECT_HANDLE_INVALID");
                        assertThat(e.userMessage()).contains("no longer exists");
                    });
        }
    }

    @Test
    void aClosedSessionCannotBeUsed() {
        Session s = hsm.openSession();
        s.close();
        s.close(); // closing twice is harmless
        assertThatThrownBy(() -> s.random(8)).isInstanceOf(IllegalStateException.class).hasMessageContaining("was closed");
    }
}
