package org.hsmc.ceremony.run;

/** The states of a ceremony run: planned → quorum → steps → completed, aborted or failed. */
public enum RunState {
    PLANNED, QUORUM, STEPS, COMPLETED, ABORTED, FAILED;

    /** A run in this state was interrupted if the console is not running it now. */
    public boolean isOpen() {
        return this == PLANNED || this == QUORUM || this == STEPS;
    }
}
