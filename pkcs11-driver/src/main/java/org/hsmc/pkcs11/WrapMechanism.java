package org.hsmc.pkcs11;

/** How a key is wrapped for storage or transport. */
public enum WrapMechanism {
    /**
     * AES key wrap with padding, RFC 5649, always: on each token through the mechanism that gives
     * RFC 5649 there (0x210B, 0x210A where it behaves so, or a vendor's), found by {@link Rfc5649Probe};
     * {@link #mechanism()} is only the nominal code.
     */
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
