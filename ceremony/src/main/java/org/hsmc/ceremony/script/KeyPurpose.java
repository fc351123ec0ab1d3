package org.hsmc.ceremony.script;

import java.util.Arrays;
import java.util.Optional;

/** What a working key is for. A script writes the constant's name ({@code DEK}, {@code KEK}, {@code MAC}). */
public enum KeyPurpose {
    /** Data encryption key. */
    DEK,
    /** Key encryption key. */
    KEK,
    /** Message authentication key. */
    MAC;

    /** The purpose a script names, exactly as written (upper case). */
    public static Optional<KeyPurpose> fromYamlName(String name) {
        return Arrays.stream(values()).filter(p -> p.name().equals(name)).findFirst();
    }
}
