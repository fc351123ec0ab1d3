package org.hsmc.pkcs11;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11KeyPair;
import org.xipki.pkcs11.wrapper.params.ECDH1_DERIVE_PARAMS;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A session borrowed from its token's pool: every key operation the console needs. Use it from one
 * thread at a time and close it (try-with-resources) to give it back.
 *
 * <p>Nothing here returns secret key bytes, except {@link #ecdhDeriveSecret}, whose result the caller
 * must wipe; keys made here keep exactly the attributes of their template.
 */
public final class Session implements AutoCloseable {

    private final Token token;
    private final SessionPool pool;
    private final CallGate gate;
    private final NativeCalls nativeCalls;
    private SessionPool.Entry entry;
    private boolean broken;
    /** RSA-OAEP hash; SHA-256 always, except in tests that prove the native OAEP path on tokens lacking it. */
    NativeCalls.OaepHash oaepHash = NativeCalls.OaepHash.SHA256;

    Session(Token token, SessionPool pool, CallGate gate, NativeCalls nativeCalls) {
        this.token = token;
        this.pool = pool;
        this.gate = gate;
        this.nativeCalls = nativeCalls;
        this.entry = pool.borrow();
    }

    public Token token() {
        return token;
    }

    long handle() {
        return entry().handle();
    }

    org.xipki.pkcs11.wrapper.Session raw() {
        return entry().session;
    }

    private SessionPool.Entry entry() {
        if (entry == null) {
            throw new IllegalStateException("This session of '" + token.label() + "' was closed");
        }
        return entry;
    }

    // ---------------------------------------------------------------- key generation and import

    /** Generates a secret key with exactly the attributes of {@code t}. */
    public KeyHandle generateSecretKey(KeyTemplate t) {
        requireMechanism(t.type().genMechanism, "generating " + t.type() + " keys");
        AttributeVector attrs = secretKeyAttributes(t).valueLen(t.lengthBytes());
        long h = call("C_GenerateKey", Mech.name(t.type().genMechanism) + " " + t,
                () -> raw().generateKey(new Mechanism(t.type().genMechanism), attrs));
        return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
    }

    /**
     * Creates a secret key from a clear value (a restored master key, or keys combined from typed
     * components). The caller wipes {@code value}.
     */
    public KeyHandle createSecretKey(KeyTemplate t, byte[] value) {
        if (value.length != t.lengthBytes()) {
            throw new IllegalArgumentException("The key value is " + value.length + " bytes; the template says " + t.lengthBytes());
        }
        AttributeVector attrs = secretKeyAttributes(t).value(value);
        long h = call("C_CreateObject", t.toString(), () -> raw().createObject(attrs));
        return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
    }

    private static AttributeVector secretKeyAttributes(KeyTemplate t) {
        AttributeVector v = AttributeVector.newSecretKey(t.type().ckk)
                .token(t.token()).private_(true).sensitive(t.sensitive()).extractable(t.extractable())
                .encrypt(t.allows(KeyUsage.ENCRYPT)).decrypt(t.allows(KeyUsage.DECRYPT))
                .wrap(t.allows(KeyUsage.WRAP)).unwrap(t.allows(KeyUsage.UNWRAP))
                .sign(t.allows(KeyUsage.SIGN)).verify(t.allows(KeyUsage.VERIFY)).derive(t.allows(KeyUsage.DERIVE));
        if (!t.label().isEmpty()) {
            v.label(t.label());
        }
        if (t.id().length > 0) {
            v.id(t.id());
        }
        return v;
    }

    /** Generates an EC key pair on the token. */
    public KeyPairHandles generateEcKeyPair(EcCurve curve, KeyPairTemplate t) {
        requireMechanism(Mech.EC_KEY_PAIR_GEN, "generating EC key pairs");
        org.xipki.pkcs11.wrapper.KeyPairTemplate kp = keyPairTemplate(Attr.CKK_EC, t);
        kp.publicKey().ecParams(curve.derOid());
        return keyPair(Mech.EC_KEY_PAIR_GEN, "EC " + curve + " " + t, kp);
    }

    /**
     * A session EC key pair for the readiness check: may sign and/or derive; the private key is a
     * private object only when {@code privateObject} (a token not logged in makes public session objects).
     */
    KeyPairHandles probeEcKeyPair(EcCurve curve, boolean sign, boolean derive, boolean privateObject) {
        requireMechanism(Mech.EC_KEY_PAIR_GEN, "generating EC key pairs");
        org.xipki.pkcs11.wrapper.KeyPairTemplate kp = new org.xipki.pkcs11.wrapper.KeyPairTemplate(Attr.CKK_EC);
        kp.token(false);
        kp.publicKey().private_(false).verify(sign).encrypt(false).wrap(false).derive(false).ecParams(curve.derOid());
        kp.privateKey().private_(privateObject).sensitive(true).extractable(false).sign(sign).decrypt(false)
                .unwrap(false).derive(derive);
        return keyPair(Mech.EC_KEY_PAIR_GEN, "EC " + curve + " probe", kp);
    }

    /** Generates an RSA key pair (public exponent 65537) on the token. */
    public KeyPairHandles generateRsaKeyPair(int modulusBits, KeyPairTemplate t) {
        if (modulusBits < 2048) {
            throw new IllegalArgumentException("RSA keys shorter than 2048 bits are not made here: " + modulusBits);
        }
        requireMechanism(Mech.RSA_PKCS_KEY_PAIR_GEN, "generating RSA key pairs");
        org.xipki.pkcs11.wrapper.KeyPairTemplate kp = keyPairTemplate(Attr.CKK_RSA, t);
        kp.publicKey().modulusBits(modulusBits).publicExponent(BigInteger.valueOf(65537));
        return keyPair(Mech.RSA_PKCS_KEY_PAIR_GEN, "RSA-" + modulusBits + " " + t, kp);
    }

    private static org.xipki.pkcs11.wrapper.KeyPairTemplate keyPairTemplate(long ckk, KeyPairTemplate t) {
        org.xipki.pkcs11.wrapper.KeyPairTemplate kp = new org.xipki.pkcs11.wrapper.KeyPairTemplate(ckk);
        kp.token(t.token());
        kp.publicKey().private_(false).verify(t.allows(KeyUsage.SIGN) || t.allows(KeyUsage.VERIFY))
                .encrypt(t.allows(KeyUsage.ENCRYPT)).wrap(t.allows(KeyUsage.WRAP)).derive(false);
        kp.privateKey().private_(true).sensitive(true).extractable(t.privateExtractable())
                .sign(t.allows(KeyUsage.SIGN)).decrypt(t.allows(KeyUsage.ENCRYPT) || t.allows(KeyUsage.DECRYPT))
                .unwrap(t.allows(KeyUsage.WRAP) || t.allows(KeyUsage.UNWRAP)).derive(t.allows(KeyUsage.DERIVE));
        if (!t.label().isEmpty()) {
            kp.label(t.label());
        }
        if (t.id().length > 0) {
            kp.id(t.id());
        }
        return kp;
    }

    private KeyPairHandles keyPair(long mechanism, String detail, org.xipki.pkcs11.wrapper.KeyPairTemplate kp) {
        PKCS11KeyPair pair = call("C_GenerateKeyPair", Mech.name(mechanism) + " " + detail,
                () -> raw().generateKeyPair(new Mechanism(mechanism), kp));
        return new KeyPairHandles(new KeyHandle(pair.getPublicKey(), KeyHandle.KeyClass.PUBLIC),
                new KeyHandle(pair.getPrivateKey(), KeyHandle.KeyClass.PRIVATE));
    }

    /**
     * Imports a public key (RSA, or EC on a curve the console uses), for example a zone's transport
     * key, allowed to wrap and encrypt (RSA) or verify.
     */
    public KeyHandle importPublicKey(PublicKey key, String label, boolean tokenObject, KeyUsage... usages) {
        Set<KeyUsage> u = usages.length == 0 ? Set.of() : EnumSet.of(usages[0], usages);
        AttributeVector v;
        if (key instanceof RSAPublicKey rsa) {
            v = AttributeVector.newRSAPublicKey().modulus(rsa.getModulus()).publicExponent(rsa.getPublicExponent());
        } else if (key instanceof ECPublicKey) {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(key.getEncoded());
            byte[] oid;
            try {
                oid = spki.getAlgorithm().getParameters().toASN1Primitive().getEncoded();
            } catch (IOException e) {
                throw new IllegalArgumentException("unreadable EC public key", e);
            }
            EcCurve.fromDer(oid);
            v = AttributeVector.newECPublicKey().ecParams(oid)
                    .ecPoint(derOctets(spki.getPublicKeyData().getOctets()));
        } else {
            throw new IllegalArgumentException("Only RSA and EC public keys are imported, not " + key.getAlgorithm());
        }
        v.token(tokenObject).private_(false).label(label)
                .encrypt(u.contains(KeyUsage.ENCRYPT)).wrap(u.contains(KeyUsage.WRAP))
                .verify(u.contains(KeyUsage.VERIFY)).derive(false);
        AttributeVector attrs = v;
        long h = call("C_CreateObject", "public key '" + label + "'", () -> raw().createObject(attrs));
        return new KeyHandle(h, KeyHandle.KeyClass.PUBLIC);
    }

    private static byte[] derOctets(byte[] raw) {
        try {
            return new DEROctetString(raw).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- finding and reading objects

    /** Keys with this label, of any class (a key pair gives two). */
    public List<KeyHandle> findKeysByLabel(String label) {
        List<KeyHandle> out = new ArrayList<>();
        for (KeyHandle.KeyClass c : KeyHandle.KeyClass.values()) {
            out.addAll(find(new AttributeVector().class_(ckoOf(c)).label(label), c, "label '" + label + "'"));
        }
        return out;
    }

    /** Keys of this class with this label. */
    public List<KeyHandle> findKeys(KeyHandle.KeyClass keyClass, String label) {
        return find(new AttributeVector().class_(ckoOf(keyClass)).label(label), keyClass, "label '" + label + "'");
    }

    /** Keys of this class with this CKA_ID. */
    public List<KeyHandle> findKeysById(KeyHandle.KeyClass keyClass, byte[] id) {
        return find(new AttributeVector().class_(ckoOf(keyClass)).id(id), keyClass, "id of " + id.length + " bytes");
    }

    /** Every key of this class whose label starts with {@code prefix} (labels are read back). */
    public List<KeyHandle> findKeysByLabelPrefix(KeyHandle.KeyClass keyClass, String prefix) {
        List<KeyHandle> out = new ArrayList<>();
        for (KeyHandle k : find(new AttributeVector().class_(ckoOf(keyClass)), keyClass, "all " + keyClass)) {
            String l = label(k);
            if (l != null && l.startsWith(prefix)) {
                out.add(k);
            }
        }
        return out;
    }

    private List<KeyHandle> find(AttributeVector template, KeyHandle.KeyClass c, String detail) {
        List<KeyHandle> out = new ArrayList<>();
        run("C_FindObjectsInit", detail, () -> raw().findObjectsInit(template));
        try {
            while (true) {
                long[] batch = call("C_FindObjects", detail, () -> raw().findObjects(64));
                if (batch == null || batch.length == 0) {
                    break;
                }
                for (long h : batch) {
                    out.add(new KeyHandle(h, c));
                }
            }
        } finally {
            run("C_FindObjectsFinal", detail, () -> raw().findObjectsFinal());
        }
        return out;
    }

    private static long ckoOf(KeyHandle.KeyClass c) {
        return switch (c) {
            case SECRET -> Attr.CKO_SECRET_KEY;
            case PRIVATE -> Attr.CKO_PRIVATE_KEY;
            case PUBLIC -> Attr.CKO_PUBLIC_KEY;
        };
    }

    /** The CKA_LABEL of an object, or null when it has none. */
    public String label(KeyHandle key) {
        String l = call("C_GetAttributeValue", key + " CKA_LABEL", () -> raw().getStringAttrValue(key.handle(), Attr.LABEL));
        return l == null ? null : l.trim();
    }

    /** Reads back what the token says about a key. */
    public KeyAttributes attributes(KeyHandle key) {
        AttributeVector v = call("C_GetAttributeValue", key + " attributes", () -> raw().getAttrValues(key.handle(),
                Attr.CLASS, Attr.KEY_TYPE, Attr.LABEL, Attr.ID, Attr.TOKEN, Attr.PRIVATE, Attr.ENCRYPT, Attr.DECRYPT,
                Attr.WRAP, Attr.UNWRAP, Attr.SIGN, Attr.VERIFY, Attr.DERIVE));
        long cko = v.getLongAttrValue(Attr.CLASS);
        long ckk = v.getLongAttrValue(Attr.KEY_TYPE);
        KeyHandle.KeyClass keyClass = cko == Attr.CKO_SECRET_KEY ? KeyHandle.KeyClass.SECRET
                : cko == Attr.CKO_PRIVATE_KEY ? KeyHandle.KeyClass.PRIVATE : KeyHandle.KeyClass.PUBLIC;
        boolean sensitive = false;
        boolean extractable = false;
        boolean neverExtractable = false;
        int length = 0;
        if (keyClass != KeyHandle.KeyClass.PUBLIC) {
            AttributeVector s = call("C_GetAttributeValue", key + " protection", () -> raw().getAttrValues(key.handle(),
                    Attr.SENSITIVE, Attr.EXTRACTABLE, Attr.NEVER_EXTRACTABLE));
            sensitive = bool(s.getBooleanAttrValue(Attr.SENSITIVE));
            extractable = bool(s.getBooleanAttrValue(Attr.EXTRACTABLE));
            neverExtractable = bool(s.getBooleanAttrValue(Attr.NEVER_EXTRACTABLE));
        }
        if (keyClass == KeyHandle.KeyClass.SECRET) {
            Long len = call("C_GetAttributeValue", key + " CKA_VALUE_LEN", () -> raw().getLongAttrValue(key.handle(), Attr.VALUE_LEN));
            length = len == null ? 0 : len.intValue();
        }
        EcCurve curve = null;
        int modulusBits = 0;
        if (ckk == Attr.CKK_EC && keyClass != KeyHandle.KeyClass.SECRET) {
            byte[] params = call("C_GetAttributeValue", key + " CKA_EC_PARAMS", () -> raw().getByteArrayAttrValue(key.handle(), Attr.EC_PARAMS));
            curve = EcCurve.fromDer(params);
        }
        if (ckk == Attr.CKK_RSA && keyClass != KeyHandle.KeyClass.SECRET) {
            BigInteger n = call("C_GetAttributeValue", key + " CKA_MODULUS", () -> raw().getBigIntAttrValue(key.handle(), Attr.MODULUS));
            modulusBits = n == null ? 0 : n.bitLength();
        }
        Set<KeyUsage> usages = EnumSet.noneOf(KeyUsage.class);
        addIf(usages, KeyUsage.ENCRYPT, v.getBooleanAttrValue(Attr.ENCRYPT));
        addIf(usages, KeyUsage.DECRYPT, v.getBooleanAttrValue(Attr.DECRYPT));
        addIf(usages, KeyUsage.WRAP, v.getBooleanAttrValue(Attr.WRAP));
        addIf(usages, KeyUsage.UNWRAP, v.getBooleanAttrValue(Attr.UNWRAP));
        addIf(usages, KeyUsage.SIGN, v.getBooleanAttrValue(Attr.SIGN));
        addIf(usages, KeyUsage.VERIFY, v.getBooleanAttrValue(Attr.VERIFY));
        addIf(usages, KeyUsage.DERIVE, v.getBooleanAttrValue(Attr.DERIVE));
        String label = v.getStringAttrValue(Attr.LABEL);
        String keyType = ckk == Attr.CKK_AES ? "AES" : ckk == Attr.CKK_EC ? "EC" : ckk == Attr.CKK_RSA ? "RSA"
                : ckk == Attr.CKK_GENERIC_SECRET ? "GENERIC_SECRET" : "0x" + Long.toHexString(ckk);
        return new KeyAttributes(keyClass, keyType, label == null ? "" : label.trim(), v.getByteArrayAttrValue(Attr.ID),
                bool(v.getBooleanAttrValue(Attr.TOKEN)), bool(v.getBooleanAttrValue(Attr.PRIVATE)),
                sensitive, extractable, neverExtractable, false, length, curve, modulusBits, usages);
    }

    private static boolean bool(Boolean b) {
        return b != null && b;
    }

    private static void addIf(Set<KeyUsage> set, KeyUsage u, Boolean on) {
        if (on != null && on) {
            set.add(u);
        }
    }

    /** The public half of a key pair as a JCA key (RSA or EC). */
    public PublicKey publicKey(KeyHandle key) {
        if (key.keyClass() != KeyHandle.KeyClass.PUBLIC) {
            throw new IllegalArgumentException("Not a public key: " + key);
        }
        long ckk = call("C_GetAttributeValue", key + " CKA_KEY_TYPE", () -> raw().getLongAttrValue(key.handle(), Attr.KEY_TYPE));
        try {
            if (ckk == Attr.CKK_RSA) {
                AttributeVector v = call("C_GetAttributeValue", key + " RSA public", () ->
                        raw().getAttrValues(key.handle(), Attr.MODULUS, Attr.PUBLIC_EXPONENT));
                return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, v.getByteArrayAttrValue(Attr.MODULUS)),
                        new BigInteger(1, v.getByteArrayAttrValue(Attr.PUBLIC_EXPONENT))));
            }
            if (ckk == Attr.CKK_EC) {
                AttributeVector v = call("C_GetAttributeValue", key + " EC public", () ->
                        raw().getAttrValues(key.handle(), Attr.EC_PARAMS, Attr.EC_POINT));
                byte[] params = v.getByteArrayAttrValue(Attr.EC_PARAMS);
                EcCurve curve = EcCurve.fromDer(params);
                byte[] point = rawPoint(v.getByteArrayAttrValue(Attr.EC_POINT), curve);
                SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(
                        X9ObjectIdentifiers.id_ecPublicKey, new ASN1ObjectIdentifier(curve.oid())), point);
                return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
            }
        } catch (GeneralSecurityException | IOException e) {
            throw new Pkcs11Exception("read public key", Pkcs11Exception.NO_CKR, "The public key " + key + " on '"
                    + token.label() + "' could not be read as a valid key.", e);
        }
        throw new IllegalArgumentException("Only RSA and EC public keys are read, not key type 0x" + Long.toHexString(ckk));
    }

    /** CKA_EC_POINT is a DER OCTET STRING by the standard; some tokens return the bare point. */
    static byte[] rawPoint(byte[] ecPoint, EcCurve curve) {
        int rawLen = 1 + 2 * curve.fieldBytes();
        if (ecPoint.length == rawLen && ecPoint[0] == 0x04) {
            return ecPoint;
        }
        return ASN1OctetString.getInstance(ecPoint).getOctets();
    }

    // ---------------------------------------------------------------- wrapping

    /**
     * The mechanism code {@code m} means on this token: for AES_KWP, the one that gives RFC 5649 here
     * ({@link Token#rfc5649Mechanism()}), which refuses a token that has none.
     */
    private long ckmOf(WrapMechanism m) {
        return m == WrapMechanism.AES_KWP ? token.rfc5649Mechanism() : m.ckm;
    }

    /** Wraps {@code key} under {@code wrappingKey}. */
    public byte[] wrap(WrapMechanism m, KeyHandle wrappingKey, KeyHandle key) {
        long ckm = ckmOf(m);
        requireMechanism(ckm, "wrapping with " + Mech.name(ckm));
        String detail = Mech.name(ckm) + " " + key + " under " + wrappingKey;
        if (m == WrapMechanism.RSA_OAEP_SHA256) {
            requireOaepSha256();
            return nativeCall(detail, () -> nativeCalls.wrapOaep(handle(), oaepHash, wrappingKey.handle(), key.handle()));
        }
        Mechanism mech = new Mechanism(ckm);
        return call("C_WrapKey", detail, () -> raw().wrapKey(mech, wrappingKey.handle(), key.handle()));
    }

    /** The probe's wrap: a given mechanism code, whatever it means here. */
    byte[] wrapWith(long ckm, KeyHandle wrappingKey, KeyHandle key) {
        Mechanism mech = new Mechanism(ckm);
        return call("C_WrapKey", Mech.name(ckm) + " probe " + key + " under " + wrappingKey,
                () -> raw().wrapKey(mech, wrappingKey.handle(), key.handle()));
    }

    /**
     * A 32-byte AES session key for the probes (wrap format, readiness check): from {@code value}
     * (known-answer tests; the caller keeps and wipes it) or generated when null. It may wrap,
     * unwrap, encrypt and sign (CMAC), and is extractable so that it can be wrapped.
     */
    KeyHandle probeKey(byte[] value, boolean privateObject) {
        AttributeVector v = AttributeVector.newSecretKey(Attr.CKK_AES).token(false).private_(privateObject)
                .sensitive(true).extractable(true).encrypt(true).decrypt(true).wrap(true).unwrap(true)
                .sign(true).verify(true).derive(false);
        if (value == null) {
            AttributeVector attrs = v.valueLen(32);
            long h = call("C_GenerateKey", "CKM_AES_KEY_GEN probe key", () -> raw().generateKey(new Mechanism(Mech.AES_KEY_GEN), attrs));
            return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
        }
        AttributeVector attrs = v.value(value);
        long h = call("C_CreateObject", "probe key", () -> raw().createObject(attrs));
        return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
    }

    /** Unwraps a probe's wrapped key as a session key that may sign (to compare CMACs). */
    KeyHandle unwrapProbe(long ckm, KeyHandle unwrappingKey, byte[] wrapped, boolean privateObject) {
        AttributeVector attrs = AttributeVector.newSecretKey(Attr.CKK_AES).token(false).private_(privateObject)
                .sensitive(true).extractable(false).encrypt(false).decrypt(false).wrap(false).unwrap(false)
                .sign(true).verify(false).derive(false);
        Mechanism mech = new Mechanism(ckm);
        long h = call("C_UnwrapKey", Mech.name(ckm) + " probe " + wrapped.length + " bytes",
                () -> raw().unwrapKey(mech, unwrappingKey.handle(), wrapped, attrs));
        return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
    }

    /**
     * Unwraps a secret key with the attributes of {@code t} (its length comes from the wrapped
     * value; the template's length is not sent).
     */
    public KeyHandle unwrap(WrapMechanism m, KeyHandle unwrappingKey, byte[] wrapped, KeyTemplate t) {
        long ckm = ckmOf(m);
        requireMechanism(ckm, "unwrapping with " + Mech.name(ckm));
        String detail = Mech.name(ckm) + " " + wrapped.length + " bytes under " + unwrappingKey + " as " + t;
        if (m == WrapMechanism.RSA_OAEP_SHA256) {
            requireOaepSha256();
            long h = nativeCall(detail, () -> nativeCalls.unwrapOaep(handle(), oaepHash, unwrappingKey.handle(), wrapped, nativeAttributes(t)));
            return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
        }
        Mechanism mech = new Mechanism(ckm);
        AttributeVector attrs = secretKeyAttributes(t);
        try {
            long h = gate.call("C_UnwrapKey", detail, () -> raw().unwrapKey(mech, unwrappingKey.handle(), wrapped, attrs));
            return new KeyHandle(h, KeyHandle.KeyClass.SECRET);
        } catch (Pkcs11Exception e) {
            throw noteBroken(unwrapQuirk(e, "C_UnwrapKey", e.ckr(), detail));
        }
    }

    /**
     * Translation, the heart of bundle export: unwraps a key stored under {@code from} (AES-KWP) as
     * a transient session object, wraps it under {@code to} and destroys the session object. The
     * key's clear value never enters the JVM.
     *
     * @param type     the stored key's type (AES working keys and ZMKs)
     * @param target   AES_KWP under a ZMK, or RSA_OAEP_SHA256 under a zone transport public key
     */
    public byte[] translate(KeyHandle from, byte[] wrapped, SecretKeyType type, WrapMechanism target, KeyHandle to) {
        if (target == WrapMechanism.AES_KWP && token.nativeTranslation()) {
            long ckm = token.rfc5649Mechanism();
            requireMechanism(ckm, "translating keys");
            CallingThreadPolicy.check("translate");
            try {
                return entry().translator(nativeCalls, type, ckm).translate(handle(), from.handle(), wrapped, to.handle());
            } catch (NativeCalls.NativeFailure f) {
                String detail = "translate " + wrapped.length + " bytes under " + from + " to " + to;
                throw noteBroken(unwrapQuirk(gate.failed(f.function, detail, f.ckr, null), f.function, f.ckr, detail));
            }
        }
        // the transient copy: a session object that may only be wrapped (its length is not sent on unwrap)
        KeyHandle copy = unwrap(WrapMechanism.AES_KWP, from, wrapped,
                new KeyTemplate("", null, type, 32, false, true, true, Set.of()));
        try {
            return wrap(target, to, copy);
        } finally {
            destroy(copy);
        }
    }

    /** The template of {@link #secretKeyAttributes} as native attributes, for calls made through FFM. */
    private static List<NativeCalls.NativeAttribute> nativeAttributes(KeyTemplate t) {
        List<NativeCalls.NativeAttribute> a = new ArrayList<>(List.of(
                NativeCalls.NativeAttribute.ulong(Attr.CLASS, Attr.CKO_SECRET_KEY),
                NativeCalls.NativeAttribute.ulong(Attr.KEY_TYPE, t.type().ckk),
                NativeCalls.NativeAttribute.bool(Attr.TOKEN, t.token()),
                NativeCalls.NativeAttribute.bool(Attr.PRIVATE, true),
                NativeCalls.NativeAttribute.bool(Attr.SENSITIVE, t.sensitive()),
                NativeCalls.NativeAttribute.bool(Attr.EXTRACTABLE, t.extractable())));
        long[][] usage = {{Attr.ENCRYPT, KeyUsage.ENCRYPT.ordinal()}, {Attr.DECRYPT, KeyUsage.DECRYPT.ordinal()},
                {Attr.WRAP, KeyUsage.WRAP.ordinal()}, {Attr.UNWRAP, KeyUsage.UNWRAP.ordinal()},
                {Attr.SIGN, KeyUsage.SIGN.ordinal()}, {Attr.VERIFY, KeyUsage.VERIFY.ordinal()},
                {Attr.DERIVE, KeyUsage.DERIVE.ordinal()}};
        for (long[] u : usage) {
            a.add(NativeCalls.NativeAttribute.bool(u[0], t.allows(KeyUsage.values()[(int) u[1]])));
        }
        if (!t.label().isEmpty()) {
            a.add(new NativeCalls.NativeAttribute(Attr.LABEL, t.label().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        if (t.id().length > 0) {
            a.add(new NativeCalls.NativeAttribute(Attr.ID, t.id()));
        }
        return a;
    }

    private <T> T nativeCall(String detail, java.util.function.Supplier<T> c) {
        CallingThreadPolicy.check("native call");
        try {
            T r = c.get();
            if (CallGate.TRACE.isDebugEnabled()) {
                CallGate.TRACE.debug("native [{}] {} -> CKR_OK", token.label(), detail);
            }
            return r;
        } catch (NativeCalls.NativeFailure f) {
            throw noteBroken(unwrapQuirk(gate.failed(f.function, detail, f.ckr, null), f.function, f.ckr, detail));
        }
    }

    /**
     * Some tokens report a failed integrity check on unwrap with a general code; the vendor quirks
     * say which (SoftHSM2: CKR_GENERAL_ERROR). Such a failure is a damaged or foreign wrapped key.
     */
    private Pkcs11Exception unwrapQuirk(Pkcs11Exception e, String function, long ckr, String detail) {
        if ("C_UnwrapKey".equals(function) && token.quirks().unwrapIntegrityFailureCkr() == ckr
                && !(e instanceof WrappedKeyInvalidException)) {
            return Ckr.toException(function, Ckr.WRAPPED_KEY_INVALID, token.label(), detail, null);
        }
        return e;
    }

    // ---------------------------------------------------------------- signatures, MACs, KCVs

    /**
     * ECDSA signature over {@code data}, as r‖s (IEEE P1363). Uses the token's combined mechanism
     * when it has one; otherwise hashes here and signs the digest with raw CKM_ECDSA.
     */
    public byte[] sign(EcdsaHash hash, KeyHandle privateKey, byte[] data) {
        Capabilities c = token.capabilities();
        if (c.ecdsaCombined(hash)) {
            Mechanism mech = new Mechanism(hash.combinedMechanism);
            run("C_SignInit", Mech.name(hash.combinedMechanism) + " " + privateKey, () -> raw().signInit(mech, privateKey.handle()));
            return call("C_Sign", data.length + " bytes", () -> raw().sign(data));
        }
        requireMechanism(Mech.ECDSA, "ECDSA signatures");
        byte[] digest = digest(hash, data);
        Mechanism mech = new Mechanism(Mech.ECDSA);
        run("C_SignInit", "CKM_ECDSA " + privateKey, () -> raw().signInit(mech, privateKey.handle()));
        return call("C_Sign", hash.jcaName + " digest", () -> raw().sign(digest));
    }

    /** Verifies an r‖s ECDSA signature on the token; false when it does not verify. */
    public boolean verify(EcdsaHash hash, KeyHandle publicKey, byte[] data, byte[] signature) {
        Capabilities c = token.capabilities();
        long m = c.ecdsaCombined(hash) ? hash.combinedMechanism : Mech.ECDSA;
        requireMechanism(m, "ECDSA verification");
        byte[] input = m == Mech.ECDSA ? digest(hash, data) : data;
        Mechanism mech = new Mechanism(m);
        run("C_VerifyInit", Mech.name(m) + " " + publicKey, () -> raw().verifyInit(mech, publicKey.handle()));
        try {
            run("C_Verify", signature.length + "-byte signature", () -> raw().verify(input, signature));
            return true;
        } catch (Pkcs11Exception e) {
            if (e.ckr() == Ckr.SIGNATURE_INVALID || e.ckr() == Ckr.SIGNATURE_LEN_RANGE) {
                return false;
            }
            throw e;
        }
    }

    private static byte[] digest(EcdsaHash hash, byte[] data) {
        try {
            return MessageDigest.getInstance(hash.jcaName).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AES-CMAC (16 bytes) of {@code data} under a key that may sign. */
    public byte[] cmac(KeyHandle key, byte[] data) {
        requireMechanism(Mech.AES_CMAC, "AES-CMAC");
        Mechanism mech = new Mechanism(Mech.AES_CMAC);
        run("C_SignInit", "CKM_AES_CMAC " + key, () -> raw().signInit(mech, key.handle()));
        return call("C_Sign", data.length + " bytes", () -> raw().sign(data));
    }

    /** The key's {@link Kcv} (CMAC over a zero block), computed on the token. */
    public Kcv kcv(KeyHandle key) {
        return Kcv.fromCmac(cmac(key, Kcv.ZERO_BLOCK));
    }

    // ---------------------------------------------------------------- ECDH, random, destroy

    /**
     * ECDH (CKM_ECDH1_DERIVE, no KDF) between a private key on this token and a peer's public key;
     * returns the shared secret (the x coordinate, {@code length} bytes), which the caller feeds to
     * a KDF and then wipes. The derived object is destroyed before this returns.
     */
    public byte[] ecdhDeriveSecret(KeyHandle privateKey, ECPublicKey peer, int length) {
        return ecdhDeriveSecret(privateKey, peer, length, true);
    }

    /** As above; the derived object is a private object only when {@code privateObject} (the readiness check runs unlogged). */
    byte[] ecdhDeriveSecret(KeyHandle privateKey, ECPublicKey peer, int length, boolean privateObject) {
        requireMechanism(Mech.ECDH1_DERIVE, "ECDH key agreement");
        byte[] point = SubjectPublicKeyInfo.getInstance(peer.getEncoded()).getPublicKeyData().getOctets();
        Mechanism mech = new Mechanism(Mech.ECDH1_DERIVE, new ECDH1_DERIVE_PARAMS(Mech.CKD_NULL, null, point));
        AttributeVector attrs = AttributeVector.newSecretKey(Attr.CKK_GENERIC_SECRET).token(false).private_(privateObject)
                .sensitive(false).extractable(true).encrypt(false).decrypt(false).wrap(false).unwrap(false)
                .sign(false).verify(false).derive(false).valueLen(length);
        long h = call("C_DeriveKey", "CKM_ECDH1_DERIVE " + privateKey, () -> raw().deriveKey(mech, privateKey.handle(), attrs));
        try {
            byte[] v = call("C_GetAttributeValue", "derived secret", () -> raw().getByteArrayAttrValue(h, Attr.VALUE));
            if (v == null || v.length != length) {
                throw new Pkcs11Exception("C_DeriveKey", Pkcs11Exception.NO_CKR, "The token '" + token.label()
                        + "' returned a shared secret of the wrong size; it cannot be used.");
            }
            return v;
        } finally {
            destroy(new KeyHandle(h, KeyHandle.KeyClass.SECRET));
        }
    }

    /** {@code n} random bytes from the token's RNG. */
    public byte[] random(int n) {
        return call("C_GenerateRandom", n + " bytes", () -> raw().generateRandom(n));
    }

    /**
     * A session copy of a secret key (C_CopyObject with CKA_TOKEN false, the label given, no CKA_ID): the same key,
     * still in the token, gone when destroyed or when the session closes. Tokens may use a session object much
     * faster than a private token object: SoftHSM2 decrypts a private token object's value for every use, so a
     * translation under a session copy of the LMK runs ~1.5× as fast. Empty when the token does not copy the key,
     * or the copy is not as sensitive and unextractable as the original (it is then destroyed); the caller uses the
     * key itself instead.
     */
    public java.util.Optional<KeyHandle> sessionCopy(KeyHandle key, String label) {
        AttributeVector template = new AttributeVector().token(false).label(label);
        long h;
        try {
            h = call("C_CopyObject", key + " as a session object", () -> raw().copyObject(key.handle(), template));
        } catch (Pkcs11Exception e) {
            if (e instanceof TokenRemovedException) {
                throw e;
            }
            return java.util.Optional.empty();
        }
        KeyHandle copy = new KeyHandle(h, key.keyClass());
        KeyAttributes original = attributes(key);
        KeyAttributes a = attributes(copy);
        if (a.token() || !a.sensitive() || a.extractable() || !a.usages().equals(original.usages())) {
            destroy(copy);
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(copy);
    }

    // ---------------------------------------------------------------- data objects

    /**
     * Replaces the token data object (CKO_DATA) with this label by a new one holding {@code value}: a token
     * object with {@code privateObject} as CKA_PRIVATE (a private object is seen, read and written only
     * while the user is logged in). The new object is created before the old ones are destroyed (tokens
     * such as SoftHSM2 keep a data object's CKA_VALUE read-only), so a failure between the two leaves both,
     * never none; {@link #readAllData} shows both.
     *
     * <p>Some tokens keep no private token data objects: NSS softokn refuses any CKO_DATA object that is
     * private or a token object (CKR_ATTRIBUTE_VALUE_INVALID). There a private value is kept instead in the
     * CKA_ID of a private token key holding nothing of value (a 16-byte generic secret, sensitive, not
     * extractable, with no usage at all), under the same label; {@link #readAllData} reads both forms. A
     * public value on such a token cannot be kept: {@link DataObjectsUnsupportedException} says so.
     */
    public void writeData(String label, String application, byte[] value, boolean privateObject) {
        List<KeyHandle> old = findData(label, privateObject);
        List<KeyHandle> oldHolders = privateObject ? findKeys(KeyHandle.KeyClass.SECRET, label) : List.of();
        AttributeVector attrs = new AttributeVector().class_(Attr.CKO_DATA).token(true).private_(privateObject)
                .label(label).application(application).value(value);
        try {
            call("C_CreateObject", "data object '" + label + "'", () -> raw().createObject(attrs));
        } catch (Pkcs11Exception e) {
            if (!refusesDataObjects(e)) {
                throw e;
            }
            if (!privateObject) {
                throw new DataObjectsUnsupportedException(token.label(), label, e);
            }
            generateSecretKey(KeyTemplate.genericSecret(16).label(label).id(value).token(true).sensitive(true)
                    .extractable(false).build());
        }
        for (KeyHandle h : old) {
            destroy(h);
        }
        for (KeyHandle h : oldHolders) {
            destroy(h);
        }
    }

    private static boolean refusesDataObjects(Pkcs11Exception e) {
        return e.ckrName().equals("CKR_ATTRIBUTE_VALUE_INVALID") || e.ckrName().equals("CKR_TEMPLATE_INCONSISTENT")
                || e.ckrName().equals("CKR_ATTRIBUTE_TYPE_INVALID");
    }

    /** The values of every token data object with this label and CKA_PRIVATE that is visible now. */
    public List<byte[]> readAllData(String label, boolean privateObject) {
        List<byte[]> out = new ArrayList<>();
        for (KeyHandle k : findData(label, privateObject)) {
            byte[] v = call("C_GetAttributeValue", "data object '" + label + "' CKA_VALUE",
                    () -> raw().getByteArrayAttrValue(k.handle(), Attr.VALUE));
            out.add(v == null ? new byte[0] : v);
        }
        if (privateObject) {
            for (KeyHandle k : findKeys(KeyHandle.KeyClass.SECRET, label)) { // the form kept where CKO_DATA is refused
                out.add(attributes(k).id());
            }
        }
        return out;
    }

    /**
     * The value of the token data object with this label and CKA_PRIVATE, when one is visible (a private
     * object only while the user is logged in); the first when several carry the label.
     */
    public java.util.Optional<byte[]> readData(String label, boolean privateObject) {
        return readAllData(label, privateObject).stream().findFirst();
    }

    /** Handles of the token data objects with this label and CKA_PRIVATE that are visible now. */
    public List<KeyHandle> findDataHandles(String label, boolean privateObject) {
        return findData(label, privateObject);
    }

    private List<KeyHandle> findData(String label, boolean privateObject) {
        AttributeVector t = new AttributeVector().class_(Attr.CKO_DATA).token(true).private_(privateObject).label(label);
        // a data object is no key, but a handle is a handle: SECRET stands for "not a public key" here
        return find(t, KeyHandle.KeyClass.SECRET, "data object '" + label + "'");
    }

    /** Destroys an object. */
    public void destroy(KeyHandle key) {
        run("C_DestroyObject", key.toString(), () -> raw().destroyObject(key.handle()));
    }

    // ---------------------------------------------------------------- plumbing

    private void requireOaepSha256() {
        if (oaepHash == NativeCalls.OaepHash.SHA256 && !token.quirks().rsaOaepSha256()) {
            throw new MechanismNotSupportedException(Mech.name(Mech.RSA_PKCS_OAEP), Pkcs11Exception.NO_CKR, "The token '"
                    + token.label() + "' offers RSA-OAEP only with SHA-1, not with SHA-256, so it cannot wrap keys for a"
                    + " zone transport key. Use a zone master key for this zone, or an HSM that supports RSA-OAEP-SHA256.");
        }
    }

    private void requireMechanism(long mechanism, String what) {
        if (!token.capabilities().has(mechanism)) {
            throw new MechanismNotSupportedException(Mech.name(mechanism), Pkcs11Exception.NO_CKR, "The token '"
                    + token.label() + "' does not offer " + Mech.name(mechanism) + ", which " + what
                    + " needs. Check that the site profile names the right PKCS#11 library and token.");
        }
    }

    private <T> T call(String function, String detail, CallGate.Call<T> c) {
        try {
            return gate.call(function, detail, c);
        } catch (Pkcs11Exception e) {
            throw noteBroken(e);
        }
    }

    private void run(String function, String detail, CallGate.VoidCall c) {
        try {
            gate.run(function, detail, c);
        } catch (Pkcs11Exception e) {
            throw noteBroken(e);
        }
    }

    private Pkcs11Exception noteBroken(Pkcs11Exception e) {
        if (e instanceof TokenRemovedException) {
            broken = true;
        }
        return e;
    }

    /** Gives the session back to the pool (or drops it, when the token lost it). */
    @Override
    public void close() {
        if (entry != null) {
            SessionPool.Entry e = entry;
            entry = null;
            if (broken) {
                pool.discard(e);
            } else {
                pool.giveBack(e);
            }
        }
    }

    @Override
    public String toString() {
        return "session of '" + token.label() + "'" + (entry == null ? " (closed)" : "");
    }
}
