package org.hsmc.pkcs11;

import org.xipki.pkcs11.wrapper.PKCS11Constants;

/** PKCS#11 mechanism codes the console uses, and their names. */
public final class Mech {
    public static final long RSA_PKCS_KEY_PAIR_GEN = 0x0;
    public static final long RSA_PKCS_OAEP = 0x9;
    public static final long SHA256 = 0x250;
    public static final long SHA384 = 0x260;
    public static final long GENERIC_SECRET_KEY_GEN = 0x350;
    public static final long EC_KEY_PAIR_GEN = 0x1040;
    public static final long ECDSA = 0x1041;
    public static final long ECDSA_SHA256 = 0x1044;
    public static final long ECDSA_SHA384 = 0x1045;
    public static final long ECDH1_DERIVE = 0x1050;
    public static final long AES_KEY_GEN = 0x1080;
    public static final long AES_CMAC = 0x108A;
    public static final long AES_KEY_WRAP = 0x2109;
    public static final long AES_KEY_WRAP_PAD = 0x210A;
    /** PKCS#11 3.0's name for RFC 5649. */
    public static final long AES_KEY_WRAP_KWP = 0x210B;
    /** NSS's vendor mechanism CKM_NSS_AES_KEY_WRAP_PAD (CKM_NSS + 2, pkcs11n.h); in NSS 3.87 it gives the PKCS#7 form. */
    public static final long NSS_AES_KEY_WRAP_PAD = 0xCE534352L;

    static final long CKG_MGF1_SHA256 = 0x2;
    static final long CKZ_DATA_SPECIFIED = 0x1;
    static final long CKD_NULL = 0x1;

    private Mech() {
    }

    /** The CKM name, e.g. {@code CKM_AES_KEY_WRAP_PAD}, or {@code CKM_0x…} for an unknown code. */
    public static String name(long code) {
        if (code == AES_KEY_WRAP_PAD) {
            return "CKM_AES_KEY_WRAP_PAD";
        }
        if (code == AES_KEY_WRAP_KWP) {
            return "CKM_AES_KEY_WRAP_KWP";
        }
        if (code == NSS_AES_KEY_WRAP_PAD) {
            return "CKM_NSS_AES_KEY_WRAP_PAD";
        }
        String n = PKCS11Constants.codeToName(PKCS11Constants.Category.CKM, code);
        return n != null && !n.isEmpty() ? n : "CKM_0x" + Long.toHexString(code).toUpperCase(java.util.Locale.ROOT);
    }
}
