package org.hsmc.pkcs11;

/** What a key may be used for. Every usage not granted is set to false on the token, explicitly. */
public enum KeyUsage {
    ENCRYPT, DECRYPT, WRAP, UNWRAP, SIGN, VERIFY, DERIVE
}
