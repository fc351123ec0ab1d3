package org.hsmc.ceremony.audit;

/** How an audited action ended. */
public enum Outcome {
    /** The action was carried out. */
    DONE,
    /** The console (or the quorum, or the HSM) refused the action; nothing was changed. */
    REFUSED,
    /** The action was attempted and failed part-way; the entry's details say how far it got. */
    FAILED
}
