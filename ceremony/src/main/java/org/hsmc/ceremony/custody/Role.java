package org.hsmc.ceremony.custody;

/** What a person does at the console. */
public enum Role {
    /** Prepares and drives ceremonies. */
    SECURITY_OFFICER,
    /** Holds an admin card and a share; approves operations. */
    KEY_CUSTODIAN,
    /** Reviews the log and reports; may hold a card to identify, never approves key operations by default. */
    AUDITOR
}
