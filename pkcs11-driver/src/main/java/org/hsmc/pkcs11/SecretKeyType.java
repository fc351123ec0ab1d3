package org.hsmc.pkcs11;

/** Secret key types, with their PKCS#11 key type and generation mechanism. */
public enum SecretKeyType {
    AES(Attr.CKK_AES, Mech.AES_KEY_GEN),
    GENERIC_SECRET(Attr.CKK_GENERIC_SECRET, Mech.GENERIC_SECRET_KEY_GEN);

    final long ckk;
    final long genMechanism;

    SecretKeyType(long ckk, long genMechanism) {
        this.ckk = ckk;
        this.genMechanism = genMechanism;
    }

    static SecretKeyType of(long ckk) {
        for (SecretKeyType t : values()) {
            if (t.ckk == ckk) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a secret key type the console uses: 0x" + Long.toHexString(ckk));
    }
}
