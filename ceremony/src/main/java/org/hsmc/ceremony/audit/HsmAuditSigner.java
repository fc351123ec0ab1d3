package org.hsmc.ceremony.audit;

import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.EcdsaHash;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.security.PublicKey;

/**
 * The audit signing key in the HSM: an EC P-384 key pair on a logged-in {@link Token}, signing with
 * ECDSA / SHA-384 (the token's combined mechanism, or SHA-384 here and raw CKM_ECDSA). The private key
 * never leaves the HSM; the public key is read once, when the signer is made.
 */
public final class HsmAuditSigner implements AuditSigner {

    /** The key id (and HSM label) of the first audit signing key. */
    public static final String DEFAULT_KEY_ID = "audit-signer/v1";

    private final Token token;
    private final KeyHandle privateKey;
    private final byte[] publicKeyInfo;
    private final String keyId;

    /**
     * A signer over {@code pair} on {@code token} (logged in). Checks that the private key is EC P-384 and
     * may sign, and reads the public key.
     */
    public HsmAuditSigner(Token token, KeyPairHandles pair, String keyId) {
        if (keyId == null || keyId.isBlank()) {
            throw new IllegalArgumentException("An audit signer needs a key id, e.g. '" + DEFAULT_KEY_ID + "'.");
        }
        this.token = token;
        this.privateKey = pair.privateKey();
        this.keyId = keyId;
        try (Session s = token.openSession()) {
            KeyAttributes a = s.attributes(pair.privateKey());
            if (a.keyClass() != KeyHandle.KeyClass.PRIVATE || a.curve() != EcCurve.P384 || !a.usages().contains(KeyUsage.SIGN)) {
                throw new IllegalArgumentException("The audit signing key '" + keyId + "' on '" + token.label() + "' must be an"
                        + " EC P-384 private key that may sign; the HSM reports " + a.keyType() + " " + a.curve() + " " + a.usages() + ".");
            }
            PublicKey pub = s.publicKey(pair.publicKey());
            SignerKeys.requireP384(pub);
            this.publicKeyInfo = pub.getEncoded();
        }
    }

    /** Same as the constructor: a signer over {@code pair} on the logged-in {@code token}. */
    public static HsmAuditSigner of(Token token, KeyPairHandles pair, String keyId) {
        return new HsmAuditSigner(token, pair, keyId);
    }

    @Override
    public String keyId() {
        return keyId;
    }

    @Override
    public byte[] publicKeyInfo() {
        return publicKeyInfo.clone();
    }

    @Override
    public byte[] sign(byte[] data) {
        try (Session s = token.openSession()) {
            return s.sign(EcdsaHash.SHA384, privateKey, data);
        }
    }

    @Override
    public java.util.Optional<AuditHead> keptHead(String logId) {
        return HsmAuditHead.readPrivate(token, logId);
    }

    @Override
    public void keepHead(String logId, AuditHead head) {
        HsmAuditHead.write(token, logId, head);
    }

    @Override
    public String toString() {
        return "HsmAuditSigner['" + keyId + "' on '" + token.label() + "']";
    }
}
