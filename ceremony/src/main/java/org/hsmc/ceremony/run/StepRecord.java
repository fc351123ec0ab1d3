package org.hsmc.ceremony.run;

import java.time.Instant;

/** One journaled step of a run. {@code result} is a short text (what was made, or why it failed). */
public record StepRecord(String runId, int number, String name, State state, int attempt, Instant startedAt,
                         Instant endedAt, String result) {

    /** STARTED is written before the step runs; DONE or FAILED after. */
    public enum State { STARTED, DONE, FAILED }
}
