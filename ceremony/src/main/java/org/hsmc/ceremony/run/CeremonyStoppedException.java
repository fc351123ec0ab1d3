package org.hsmc.ceremony.run;

/**
 * The officer stopped a run at a prompt (a refused PIN, a locked card). The run is recorded FAILED with
 * this message, and can be resumed (from the step that stopped) or aborted.
 */
public final class CeremonyStoppedException extends RuntimeException {

    private final PinRefusal refusal;

    public CeremonyStoppedException(String message, PinRefusal refusal) {
        super(message);
        this.refusal = refusal;
    }

    /** The refusal the officer stopped at. */
    public PinRefusal refusal() {
        return refusal;
    }
}
