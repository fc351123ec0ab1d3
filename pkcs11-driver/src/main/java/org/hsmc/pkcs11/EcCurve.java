package org.hsmc.pkcs11;

import java.util.HexFormat;

/** The elliptic curves the console uses, with their OIDs as DER (CKA_EC_PARAMS). */
public enum EcCurve {
    P256("1.2.840.10045.3.1.7", "06082a8648ce3d030107", 32),
    P384("1.3.132.0.34", "06052b81040022", 48);

    private final String oid;
    private final byte[] derOid;
    private final int fieldBytes;

    EcCurve(String oid, String derHex, int fieldBytes) {
        this.oid = oid;
        this.derOid = HexFormat.of().parseHex(derHex);
        this.fieldBytes = fieldBytes;
    }

    public String oid() {
        return oid;
    }

    byte[] derOid() {
        return derOid.clone();
    }

    /** Bytes of one coordinate; a raw ECDSA signature is twice this. */
    public int fieldBytes() {
        return fieldBytes;
    }

    static EcCurve fromDer(byte[] der) {
        for (EcCurve c : values()) {
            if (java.util.Arrays.equals(c.derOid, der)) {
                return c;
            }
        }
        throw new IllegalArgumentException("The key is on a curve the console does not use (EC params "
                + HexFormat.of().formatHex(der) + ")");
    }
}
