package org.hsmc.pkcs11;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the token is told about a new key pair. The private key is always private and
 * sensitive; whether it is extractable and whether the pair is persistent are chosen on purpose.
 * Usages: SIGN gives the private key sign and the public key verify; DERIVE gives the private key
 * derive; WRAP/ENCRYPT give the public key wrap/encrypt and the private key unwrap/decrypt.
 */
public record KeyPairTemplate(String label, byte[] id, boolean token, boolean privateExtractable, Set<KeyUsage> usages) {

    public KeyPairTemplate {
        Objects.requireNonNull(label, "label");
        id = id == null ? new byte[0] : id.clone();
        usages = usages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(usages));
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    public static KeyPairTemplate of(String label, byte[] id, boolean token, boolean privateExtractable, KeyUsage... usages) {
        return new KeyPairTemplate(label, id, token, privateExtractable, usages.length == 0 ? Set.of() : EnumSet.of(usages[0], usages));
    }

    boolean allows(KeyUsage usage) {
        return usages.contains(usage);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyPairTemplate t && label.equals(t.label) && java.util.Arrays.equals(id, t.id)
                && token == t.token && privateExtractable == t.privateExtractable && usages.equals(t.usages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, java.util.Arrays.hashCode(id), token, privateExtractable, usages);
    }

    @Override
    public String toString() {
        return "key pair '" + label + "' token=" + token + " privateExtractable=" + privateExtractable + " usages=" + usages;
    }
}
