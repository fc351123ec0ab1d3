package org.hsmc.pkcs11;

/** How a key is wrapped for storage or transport. */
public enum WrapMechanism {
    /** AES key wrap with padding, RFC 5649 (CKM_AES_KEY_WRAP_PAD). */
    AES_KWP(Mech.AES_KEY_WRAP_PAD),
    /** RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label. */
    RSA_OAEP_SHA256(Mech.RSA_PKCS_OAEP);

    final long ckm;

    WrapMechanism(long ckm) {
        this.ckm = ckm;
    }

    public long mechanism() {
        return ckm;
    }
}
