package org.hsmc.ceremony.keys;

/** A key operation was refused or failed; the message says what and what to do. */
public final class KeyException extends RuntimeException {
    public KeyException(String message) {
        super(message);
    }

    public KeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
