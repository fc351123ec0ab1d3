package org.hsmc.pkcs11;

/** PKCS#11 attribute, class and key-type codes the driver uses. */
final class Attr {
    static final long CLASS = 0x0;
    static final long TOKEN = 0x1;
    static final long PRIVATE = 0x2;
    static final long LABEL = 0x3;
    static final long VALUE = 0x11;
    static final long KEY_TYPE = 0x100;
    static final long ID = 0x102;
    static final long SENSITIVE = 0x103;
    static final long ENCRYPT = 0x104;
    static final long DECRYPT = 0x105;
    static final long WRAP = 0x106;
    static final long UNWRAP = 0x107;
    static final long SIGN = 0x108;
    static final long VERIFY = 0x10A;
    static final long DERIVE = 0x10C;
    static final long MODULUS = 0x120;
    static final long MODULUS_BITS = 0x121;
    static final long PUBLIC_EXPONENT = 0x122;
    static final long VALUE_LEN = 0x161;
    static final long EXTRACTABLE = 0x162;
    static final long LOCAL = 0x163;
    static final long NEVER_EXTRACTABLE = 0x164;
    static final long ALWAYS_SENSITIVE = 0x165;
    static final long MODIFIABLE = 0x170;
    static final long EC_PARAMS = 0x180;
    static final long EC_POINT = 0x181;

    static final long APPLICATION = 0x10;

    static final long CKO_DATA = 0x0;
    static final long CKO_PUBLIC_KEY = 0x2;
    static final long CKO_PRIVATE_KEY = 0x3;
    static final long CKO_SECRET_KEY = 0x4;

    static final long CKK_RSA = 0x0;
    static final long CKK_EC = 0x3;
    static final long CKK_GENERIC_SECRET = 0x10;
    static final long CKK_AES = 0x1F;

    static final long CKU_SO = 0;
    static final long CKU_USER = 1;

    private Attr() {
    }
}
