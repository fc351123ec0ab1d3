package org.hsmc.ceremony.custody;

/** A custody operation was refused or failed; the message says what is wrong and what to do. */
public class CustodyException extends RuntimeException {
    public CustodyException(String message) {
        super(message);
    }

    public CustodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
