package org.hsmc.pkcs11;

import java.util.Set;

/**
 * What the token says about a key, read back after it was made, so that a ceremony can check it got
 * what it asked for (sensitive, not extractable, size or curve). {@code lengthBytes} is 0 when the
 * token does not report it (SoftHSM does not for unwrapped keys); {@code curve} is null except for EC.
 */
public record KeyAttributes(KeyHandle.KeyClass keyClass, String keyType, String label, byte[] id, boolean token,
                            boolean privateObject, boolean sensitive, boolean extractable, boolean neverExtractable,
                            boolean local, int lengthBytes, EcCurve curve, int modulusBits, Set<KeyUsage> usages) {

    public KeyAttributes {
        id = id == null ? new byte[0] : id.clone();
        usages = Set.copyOf(usages);
    }

    @Override
    public byte[] id() {
        return id.clone();
    }
}
