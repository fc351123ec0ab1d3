package org.hsmc.reports;

/** A report cannot be made or checked; the message says why and what to do. */
public class ReportException extends RuntimeException {

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
