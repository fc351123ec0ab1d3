package org.hsmc.pkcs11;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Is this token ready to be the console's HSM, or an admin card? Known-answer tests of everything
 * the console needs, each judged by an outside implementation (Bouncy Castle): the RFC 5649 wrap,
 * the CMAC KCV, ECDSA, ECDH, RSA-OAEP, the RNG, and the PIN lengths. It changes nothing on the
 * token: session objects only, destroyed before it returns. It needs no login (a token not logged in
 * makes public session objects).
 */
public final class ReadinessCheck {

    /** What the token is checked for. */
    public enum Role { HSM, CARD }

    /** How a check came out. OPTIONAL_MISSING: something the console can do without, with a limit it names. */
    public enum Verdict { PASS, FAIL, OPTIONAL_MISSING }

    /**
     * One check.
     *
     * @param name    a stable key ({@code wrap.rfc5649}, {@code kcv.cmac}, …)
     * @param title   what was checked, in a few words
     * @param verdict how it came out
     * @param detail  what was seen: the mechanism used, a CKR name, the length
     */
    public record Item(String name, String title, Verdict verdict, String detail) {
    }

    /** The whole report: ready when no item failed. */
    public record Report(String tokenLabel, Role role, TokenDescription token, List<Item> items) {
        public Report {
            items = List.copyOf(items);
        }

        public boolean ready() {
            return items.stream().noneMatch(i -> i.verdict() == Verdict.FAIL);
        }

        /** The titles of what failed, for the verdict line. */
        public List<String> missing() {
            return items.stream().filter(i -> i.verdict() == Verdict.FAIL).map(Item::title).toList();
        }
    }

    private static final byte[] DATA = "hsmc readiness check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The shortest credential text the console sets as an HSM user PIN (32 bytes, base32). */
    static final int HSM_PIN_LENGTH = 52;
    /** A custodian's card PIN must be allowed to be this long (PIV PINs are 6 to 8 characters). */
    static final int CARD_PIN_LENGTH = 8;

    private ReadinessCheck() {
    }

    public static Report run(Token token, Role role) {
        List<Item> items = new ArrayList<>();
        TokenDescription d = token.description();
        boolean priv = token.isLoggedIn();
        Capabilities caps = token.capabilities();
        items.add(pinLengths(d, role));
        try (Session s = token.openSession()) {
            items.add(random(s));
            if (role == Role.HSM) {
                items.add(mechanism(caps, Mech.AES_KEY_GEN, "aes.keygen", "AES key generation"));
                items.add(wrap(token));
                items.add(cmac(s, caps, priv));
                items.add(ecdsa(s, caps, EcCurve.P384, EcdsaHash.SHA384, priv, "ecdsa.p384", "ECDSA P-384 signature (bundles, audit)"));
                items.add(oaep(s, token, caps, priv));
            } else {
                items.add(ecdsa(s, caps, EcCurve.P256, EcdsaHash.SHA256, priv, "ecdsa.p256", "ECDSA P-256 signature (script approval)"));
                items.add(ecdh(s, caps, priv));
            }
        }
        return new Report(token.label(), role, d, items);
    }

    private static Item pinLengths(TokenDescription d, Role role) {
        long need = role == Role.HSM ? HSM_PIN_LENGTH : CARD_PIN_LENGTH;
        String seen = "PINs of " + d.minPinLength() + " to " + d.maxPinLength() + " characters";
        boolean ok = d.maxPinLength() >= need && d.minPinLength() <= need;
        String title = role == Role.HSM ? "PIN length for the " + HSM_PIN_LENGTH + "-character credential"
                : "PIN length for a custodian's PIN of up to " + CARD_PIN_LENGTH + " characters";
        return new Item("pin.length", title, ok ? Verdict.PASS : Verdict.FAIL, seen);
    }

    private static Item mechanism(Capabilities caps, long m, String name, String title) {
        return new Item(name, title, caps.has(m) ? Verdict.PASS : Verdict.FAIL, Mech.name(m) + (caps.has(m) ? "" : " not offered"));
    }

    private static Item random(Session s) {
        try {
            byte[] a = s.random(32);
            byte[] b = s.random(32);
            boolean ok = a.length == 32 && !Arrays.equals(a, b) && !Arrays.equals(a, new byte[32]);
            return new Item("rng", "random numbers from the token", ok ? Verdict.PASS : Verdict.FAIL,
                    ok ? "C_GenerateRandom" : "the token returned repeated or zero bytes");
        } catch (Pkcs11Exception e) {
            return failed("rng", "random numbers from the token", e);
        }
    }

    private static Item wrap(Token token) {
        String title = "RFC 5649 key wrap (stored keys, bundles, node import)";
        try {
            Rfc5649Probe p = token.rfc5649();
            return p.mechanism().map(m -> {
                Rfc5649Probe.Attempt a = p.attempts().getLast();
                return new Item("wrap.rfc5649", title, Verdict.PASS, Mech.name(m) + (a.knownAnswer()
                        ? ", equal to Bouncy Castle's RFC 5649 byte for byte" : ", by length (40 bytes) and round trip"));
            }).orElseGet(() -> new Item("wrap.rfc5649", title, Verdict.FAIL, p.summary()));
        } catch (Pkcs11Exception e) {
            return failed("wrap.rfc5649", title, e);
        }
    }

    private static Item cmac(Session s, Capabilities caps, boolean priv) {
        String title = "AES-CMAC KCV, equal to Bouncy Castle's";
        if (!caps.aesCmac()) {
            return new Item("kcv.cmac", title, Verdict.FAIL, "CKM_AES_CMAC not offered");
        }
        KeyHandle k = null;
        try {
            k = s.probeKey(Rfc5649Probe.KEY_VALUE, priv);
            byte[] token = s.cmac(k, Kcv.ZERO_BLOCK);
            CMac bc = new CMac(AESEngine.newInstance());
            bc.init(new KeyParameter(Rfc5649Probe.KEY_VALUE));
            bc.update(Kcv.ZERO_BLOCK, 0, Kcv.ZERO_BLOCK.length);
            byte[] expected = new byte[bc.getMacSize()];
            bc.doFinal(expected, 0);
            boolean ok = Arrays.equals(token, expected);
            return new Item("kcv.cmac", title, ok ? Verdict.PASS : Verdict.FAIL,
                    ok ? "KCV " + Kcv.fromCmac(token) : "the token's CMAC differs from Bouncy Castle's");
        } catch (Pkcs11Exception e) {
            return failed("kcv.cmac", title, e);
        } finally {
            destroy(s, k);
        }
    }

    private static Item ecdsa(Session s, Capabilities caps, EcCurve curve, EcdsaHash hash, boolean priv, String name, String title) {
        if (!caps.ecKeyPairGen() || !(caps.ecdsa() || caps.ecdsaCombined(hash))) {
            return new Item(name, title, Verdict.FAIL, (caps.ecKeyPairGen() ? "" : "CKM_EC_KEY_PAIR_GEN ")
                    + (caps.ecdsa() ? "" : "CKM_ECDSA ") + "not offered");
        }
        KeyPairHandles kp = null;
        try {
            kp = s.probeEcKeyPair(curve, true, false, priv);
            byte[] sig = s.sign(hash, kp.privateKey(), DATA);
            PublicKey pub = s.publicKey(kp.publicKey());
            Signature v = Signature.getInstance(hash == EcdsaHash.SHA384 ? "SHA384withPLAIN-ECDSA" : "SHA256withPLAIN-ECDSA",
                    new BouncyCastleProvider());
            v.initVerify(pub);
            v.update(DATA);
            boolean ok = v.verify(sig);
            return new Item(name, title, ok ? Verdict.PASS : Verdict.FAIL, ok ? "verified by Bouncy Castle ("
                    + (caps.ecdsaCombined(hash) ? Mech.name(hash.combinedMechanism) : "CKM_ECDSA over " + hash.jcaName()) + ")"
                    : "Bouncy Castle does not verify the token's signature");
        } catch (Pkcs11Exception e) {
            return failed(name, title, e);
        } catch (GeneralSecurityException e) {
            return new Item(name, title, Verdict.FAIL, "the signature could not be checked: " + e.getMessage());
        } finally {
            destroyPair(s, kp);
        }
    }

    private static Item ecdh(Session s, Capabilities caps, boolean priv) {
        String title = "ECDH P-256 agreement (share decryption)";
        if (!caps.ecKeyPairGen() || !caps.ecdh()) {
            return new Item("ecdh.p256", title, Verdict.FAIL, (caps.ecdh() ? "CKM_EC_KEY_PAIR_GEN" : "CKM_ECDH1_DERIVE") + " not offered");
        }
        KeyPairHandles kp = null;
        byte[] onToken = null;
        byte[] outside = null;
        try {
            kp = s.probeEcKeyPair(EcCurve.P256, false, true, priv);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair peer = g.generateKeyPair();
            onToken = s.ecdhDeriveSecret(kp.privateKey(), (ECPublicKey) peer.getPublic(), 32, priv);
            KeyAgreement ka = KeyAgreement.getInstance("ECDH");
            ka.init(peer.getPrivate());
            ka.doPhase(s.publicKey(kp.publicKey()), true);
            outside = ka.generateSecret();
            boolean ok = Arrays.equals(onToken, outside);
            return new Item("ecdh.p256", title, ok ? Verdict.PASS : Verdict.FAIL,
                    ok ? "CKM_ECDH1_DERIVE, equal to the JDK's ECDH" : "the token's shared secret differs from the JDK's");
        } catch (Pkcs11Exception e) {
            return failed("ecdh.p256", title, e);
        } catch (GeneralSecurityException e) {
            return new Item("ecdh.p256", title, Verdict.FAIL, "the agreement could not be checked: " + e.getMessage());
        } finally {
            if (onToken != null) {
                Arrays.fill(onToken, (byte) 0);
            }
            if (outside != null) {
                Arrays.fill(outside, (byte) 0);
            }
            destroyPair(s, kp);
        }
    }

    private static Item oaep(Session s, Token token, Capabilities caps, boolean priv) {
        String title = "RSA-OAEP-SHA256 wrap (zone transport keys; optional)";
        if (!caps.rsaOaep()) {
            return new Item("rsa.oaep", title, Verdict.OPTIONAL_MISSING, "CKM_RSA_PKCS_OAEP not offered: use zone master keys");
        }
        if (!token.quirks().rsaOaepSha256()) {
            return new Item("rsa.oaep", title, Verdict.OPTIONAL_MISSING,
                    "RSA-OAEP only with SHA-1 on this token (vendor quirks): use zone master keys");
        }
        KeyHandle pub = null;
        KeyHandle k = null;
        try {
            KeyPair zone = zoneKeyPair();
            pub = s.importPublicKey(zone.getPublic(), "hsmc-check-oaep", false, KeyUsage.WRAP);
            k = s.probeKey(Rfc5649Probe.KEY_VALUE, priv);
            byte[] wrapped = s.wrap(WrapMechanism.RSA_OAEP_SHA256, pub, k);
            Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
            c.init(Cipher.DECRYPT_MODE, zone.getPrivate(), new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256,
                    PSource.PSpecified.DEFAULT));
            byte[] value = c.doFinal(wrapped);
            boolean ok = Arrays.equals(value, Rfc5649Probe.KEY_VALUE);
            Arrays.fill(value, (byte) 0);
            return new Item("rsa.oaep", title, ok ? Verdict.PASS : Verdict.FAIL,
                    ok ? "unwrapped by the JDK to the same key" : "the JDK unwraps another value");
        } catch (Pkcs11Exception e) {
            return new Item("rsa.oaep", title, Verdict.OPTIONAL_MISSING, e.ckr() == Pkcs11Exception.NO_CKR
                    ? e.userMessage() : "failed with " + Ckr.name(e.ckr()) + ": use zone master keys");
        } catch (GeneralSecurityException e) {
            return new Item("rsa.oaep", title, Verdict.FAIL, "the wrap could not be checked: " + e.getMessage());
        } finally {
            destroy(s, pub);
            destroy(s, k);
        }
    }

    private static volatile KeyPair zoneKeyPair;

    /**
     * The stand-in zone transport key pair (RSA-3072, made here, in software): made once per process, since
     * it protects nothing (it only receives the check's known test key) and RSA key generation is slow.
     */
    private static KeyPair zoneKeyPair() throws GeneralSecurityException {
        KeyPair kp = zoneKeyPair;
        if (kp == null) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(3072);
            kp = g.generateKeyPair();
            zoneKeyPair = kp;
        }
        return kp;
    }

    private static Item failed(String name, String title, Pkcs11Exception e) {
        return new Item(name, title, Verdict.FAIL, e.ckr() == Pkcs11Exception.NO_CKR ? e.userMessage() : Ckr.name(e.ckr()));
    }

    private static void destroy(Session s, KeyHandle k) {
        if (k != null) {
            try {
                s.destroy(k);
            } catch (Pkcs11Exception ignored) {
                // a session object: it goes with the session at the latest
            }
        }
    }

    private static void destroyPair(Session s, KeyPairHandles kp) {
        if (kp != null) {
            destroy(s, kp.privateKey());
            destroy(s, kp.publicKey());
        }
    }
}
