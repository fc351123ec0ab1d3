package org.hsmc.ceremony.audit;

/**
 * The audit log does not verify, so the console refuses key operations. The message names the first
 * bad entry and the kind of damage; {@link #verification()} has the whole finding.
 */
public final class AuditLogBrokenException extends AuditLogException {

    private final transient AuditVerification verification;

    public AuditLogBrokenException(AuditVerification verification) {
        super("The console refuses key operations because its audit log does not verify. " + verification.message()
                + " An auditor must examine the log (hsmc audit verify, hsmc audit export) before the console is used again.");
        this.verification = verification;
    }

    public AuditVerification verification() {
        return verification;
    }
}
