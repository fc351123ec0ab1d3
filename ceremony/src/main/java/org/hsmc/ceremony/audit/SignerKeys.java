package org.hsmc.ceremony.audit;

import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The audit signing key's public half: reading it (DER or PEM), checking that it is EC P-384, its
 * fingerprint, and checking a checkpoint signature with it. Needs only the Java runtime.
 */
public final class SignerKeys {

    private static final String PEM_BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String PEM_END = "-----END PUBLIC KEY-----";
    private static final ECParameterSpec P384 = p384();

    private SignerKeys() {
    }

    /** Reads an X.509 SubjectPublicKeyInfo (DER) and checks that it is an EC P-384 key. */
    public static PublicKey fromSpki(byte[] spki) {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("This is not an EC public key (X.509 SubjectPublicKeyInfo): " + e.getMessage(), e);
        }
        requireP384(key);
        return key;
    }

    /** Reads a PEM {@code PUBLIC KEY} block and checks that it is an EC P-384 key. */
    public static PublicKey fromPem(String pem) {
        int b = pem.indexOf(PEM_BEGIN);
        int e = pem.indexOf(PEM_END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("This is not a PEM public key: it lacks the lines '" + PEM_BEGIN + "' and '"
                    + PEM_END + "'.");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(b + PEM_BEGIN.length(), e).strip());
        } catch (IllegalArgumentException x) {
            throw new IllegalArgumentException("The PEM public key is damaged (its base64 does not decode).", x);
        }
        return fromSpki(der);
    }

    /** The key as a PEM {@code PUBLIC KEY} block. */
    public static String toPem(PublicKey key) {
        return PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n" + PEM_END + "\n";
    }

    /** SHA-256 of the SubjectPublicKeyInfo, as lowercase hex: what reports print to identify the key. */
    public static String fingerprint(PublicKey key) {
        return HexFormat.of().formatHex(AuditFormat.sha256().digest(key.getEncoded()));
    }

    /** Refuses a key that is not EC P-384 (secp384r1). */
    public static void requireP384(PublicKey key) {
        if (!(key instanceof ECPublicKey ec) || !sameCurve(ec.getParams(), P384)) {
            throw new IllegalArgumentException("The audit signing key must be an EC P-384 key; this one is "
                    + (key instanceof ECPublicKey ec2 ? "on another curve (" + ec2.getParams().getCurve().getField().getFieldSize() + " bits)"
                    : "a " + key.getAlgorithm() + " key") + ".");
        }
    }

    /** True when {@code signature} (r‖s, 96 bytes) is a valid ECDSA P-384 / SHA-384 signature of {@code data}. */
    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        if (signature.length != 96) {
            return false;
        }
        try {
            Signature v = Signature.getInstance("SHA384withECDSAinP1363Format");
            v.initVerify(key);
            v.update(data);
            return v.verify(signature);
        } catch (SignatureException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ECDSA verification is not available: " + e.getMessage(), e);
        }
    }

    /** Two public keys are the same when their SubjectPublicKeyInfo bytes are. */
    public static boolean same(PublicKey a, PublicKey b) {
        return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator()) && a.getOrder().equals(b.getOrder());
    }

    private static ECParameterSpec p384() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp384r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This Java runtime lacks the curve P-384", e);
        }
    }
}
