package org.hsmc.pkcs11;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the token is told about a new secret key. Nothing is left to the token's defaults:
 * token, private, sensitive, extractable and every usage flag are always sent, and the builder
 * refuses to build until token, sensitive and extractable have been chosen on purpose.
 *
 * @param label      CKA_LABEL, may be empty for transient session objects
 * @param id         CKA_ID, may be empty
 * @param type       AES or generic secret
 * @param lengthBytes key length (AES: 16, 24 or 32)
 * @param token      a token object (persistent) rather than a session object
 * @param sensitive  the value is never revealed in the clear
 * @param extractable the key may be wrapped by another key
 * @param usages     what the key may do; all other usages are false
 */
public record KeyTemplate(String label, byte[] id, SecretKeyType type, int lengthBytes, boolean token,
                          boolean sensitive, boolean extractable, Set<KeyUsage> usages) {

    public KeyTemplate {
        Objects.requireNonNull(label, "label");
        id = id == null ? new byte[0] : id.clone();
        Objects.requireNonNull(type, "type");
        usages = usages.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(usages));
        if (type == SecretKeyType.AES && lengthBytes != 16 && lengthBytes != 24 && lengthBytes != 32) {
            throw new IllegalArgumentException("An AES key is 16, 24 or 32 bytes long, not " + lengthBytes);
        }
        if (lengthBytes < 1 || lengthBytes > 512) {
            throw new IllegalArgumentException("key length out of range: " + lengthBytes);
        }
    }

    @Override
    public byte[] id() {
        return id.clone();
    }

    /** The same template for a key of another length. */
    public KeyTemplate withLength(int bytes) {
        return new KeyTemplate(label, id, type, bytes, token, sensitive, extractable, usages);
    }

    public boolean allows(KeyUsage usage) {
        return usages.contains(usage);
    }

    public static Builder aes(int lengthBytes) {
        return new Builder(SecretKeyType.AES, lengthBytes);
    }

    public static Builder genericSecret(int lengthBytes) {
        return new Builder(SecretKeyType.GENERIC_SECRET, lengthBytes);
    }

    /** Builds a template; token, sensitive and extractable must each be chosen. */
    public static final class Builder {
        private final SecretKeyType type;
        private final int length;
        private String label = "";
        private byte[] id = new byte[0];
        private Boolean token;
        private Boolean sensitive;
        private Boolean extractable;
        private final EnumSet<KeyUsage> usages = EnumSet.noneOf(KeyUsage.class);

        private Builder(SecretKeyType type, int length) {
            this.type = type;
            this.length = length;
        }

        public Builder label(String label) {
            this.label = label;
            return this;
        }

        public Builder id(byte[] id) {
            this.id = id.clone();
            return this;
        }

        public Builder token(boolean token) {
            this.token = token;
            return this;
        }

        public Builder sensitive(boolean sensitive) {
            this.sensitive = sensitive;
            return this;
        }

        public Builder extractable(boolean extractable) {
            this.extractable = extractable;
            return this;
        }

        public Builder usages(KeyUsage... usages) {
            this.usages.addAll(Arrays.asList(usages));
            return this;
        }

        public KeyTemplate build() {
            if (token == null || sensitive == null || extractable == null) {
                throw new IllegalStateException("A key template must choose token, sensitive and extractable explicitly");
            }
            return new KeyTemplate(label, id, type, length, token, sensitive, extractable, usages);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyTemplate t && label.equals(t.label) && Arrays.equals(id, t.id) && type == t.type
                && lengthBytes == t.lengthBytes && token == t.token && sensitive == t.sensitive
                && extractable == t.extractable && usages.equals(t.usages);
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, Arrays.hashCode(id), type, lengthBytes, token, sensitive, extractable, usages);
    }

    @Override
    public String toString() {
        return type + "-" + (lengthBytes * 8) + " '" + label + "' token=" + token + " sensitive=" + sensitive
                + " extractable=" + extractable + " usages=" + usages;
    }
}
