package org.hsmc.ceremony.store;

/** The store could not be opened, read or changed; the message says what to do. Nothing half-written remains. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
