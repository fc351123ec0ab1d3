package org.hsmc.ceremony.audit;

/** A file is not an audit export that can be read; the message names the line and what is wrong. */
public final class AuditExportFormatException extends AuditLogException {
    public AuditExportFormatException(String message) {
        super(message);
    }

    public AuditExportFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
