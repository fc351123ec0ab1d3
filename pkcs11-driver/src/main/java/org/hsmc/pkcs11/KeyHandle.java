package org.hsmc.pkcs11;

/** A key object on a token, by its handle. Valid while its session (session objects) or token lives. */
public record KeyHandle(long handle, KeyClass keyClass) {

    /** The object class of a key. */
    public enum KeyClass { SECRET, PRIVATE, PUBLIC }

    @Override
    public String toString() {
        return keyClass.name().toLowerCase(java.util.Locale.ROOT) + "#" + handle;
    }
}
