package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;

import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;

/**
 * Deviations from the script, written down as they happen: at any moment of a run (or after it, when a
 * deviation is noticed late: the entry's time says when it was written), the operator records the step,
 * what happened and what was done instead. Each is an audit entry {@value #ACTION}; the run's report lists
 * them under their own heading and counts them on its first page.
 */
public final class Deviations {

    /** The audit action of a deviation. */
    public static final String ACTION = "run.deviation";

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public Deviations(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Records a deviation of run {@code runId} at step {@code step} (0: before the first step, or not tied to
     * one; steps are numbered as the printed script numbers them). Refused (and the refusal audited) when the
     * run is unknown, the step is negative, or {@code what} or {@code instead} is empty.
     */
    public void record(String runId, int step, String what, String instead, String recordedBy) {
        RunJournal journal = new RunJournal(store, audit, clock);
        RunRecord run = journal.find(runId).orElse(null);
        String problem = null;
        if (run == null) {
            problem = "There is no run " + runId + "; 'hsmc ceremony list' shows the runs.";
        } else if (what == null || what.isBlank()) {
            problem = "Say what happened (--what).";
        } else if (instead == null || instead.isBlank()) {
            problem = "Say what was done instead (--instead); write 'nothing' when nothing was.";
        } else if (step < 0) {
            problem = "A step is numbered from 1, as the printed script numbers it (0: before the first step, or no single step).";
        }
        Map<String, String> d = new TreeMap<>();
        d.put("run", runId);
        d.put("step", Integer.toString(step));
        d.put("what", what == null ? "" : what.strip());
        d.put("instead", instead == null ? "" : instead.strip());
        if (problem != null) {
            d.put("reason", problem);
            audit.append(new AuditEvent(recordedBy, ACTION, Outcome.REFUSED, d));
            throw new IllegalArgumentException("The deviation was not recorded: " + problem);
        }
        audit.append(new AuditEvent(recordedBy, ACTION, Outcome.DONE, d));
    }
}
