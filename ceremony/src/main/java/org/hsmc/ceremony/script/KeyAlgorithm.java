package org.hsmc.ceremony.script;

import java.util.Arrays;
import java.util.Optional;

/** The algorithm and length of a working key, with the spelling a script uses ({@code AES-256}). */
public enum KeyAlgorithm {
    /** AES with a 128-bit key. */
    AES_128("AES-128", 16),
    /** AES with a 192-bit key. */
    AES_192("AES-192", 24),
    /** AES with a 256-bit key. */
    AES_256("AES-256", 32);

    private final String yamlName;
    private final int keyBytes;

    KeyAlgorithm(String yamlName, int keyBytes) {
        this.yamlName = yamlName;
        this.keyBytes = keyBytes;
    }

    /** The name as a script writes it, e.g. {@code AES-256}; also the name the key inventory stores. */
    public String yamlName() {
        return yamlName;
    }

    /** Key length in bytes. */
    public int keyBytes() {
        return keyBytes;
    }

    /** The algorithm a script names, exactly as written. */
    public static Optional<KeyAlgorithm> fromYamlName(String name) {
        return Arrays.stream(values()).filter(a -> a.yamlName.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return yamlName;
    }
}
