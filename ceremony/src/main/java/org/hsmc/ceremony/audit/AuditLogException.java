package org.hsmc.ceremony.audit;

/** The audit log refused an operation; the message says why and what to do. */
public class AuditLogException extends RuntimeException {
    public AuditLogException(String message) {
        super(message);
    }

    public AuditLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
