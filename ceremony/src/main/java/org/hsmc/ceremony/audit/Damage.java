package org.hsmc.ceremony.audit;

/** What verification found wrong with an audit log, classified as well as the evidence allows. */
public enum Damage {
    /** Nothing: the log verifies. */
    NONE,
    /** An entry's contents (or its recorded hash) no longer match what was written. */
    CHANGED,
    /** An entry was added between two entries that were written one after the other. */
    INSERTED,
    /** One or more entries are missing from the middle (or the start) of the log. */
    DELETED,
    /** Entries are in another order than they were written in. */
    REORDERED,
    /** Entries are missing from the end of the log (shown by a checkpoint or by the expected head). */
    TRUNCATED,
    /** A signed checkpoint no longer matches its entry, or its signature does not verify. */
    BAD_CHECKPOINT,
    /** A checkpoint was signed by a key the log does not list, or not by the key the auditor trusts. */
    UNKNOWN_SIGNER
}
