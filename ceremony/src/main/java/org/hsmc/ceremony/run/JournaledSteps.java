package org.hsmc.ceremony.run;

import org.hsmc.ceremony.store.Store;

import java.util.function.Function;

/**
 * The numbered, journaled steps of a ceremony that runs outside the engine's quorum (initialize,
 * restore-master-key): each is journaled as started, then done with its result or failed with its reason,
 * and shown on the console as it goes.
 */
final class JournaledSteps {

    @FunctionalInterface
    interface Action<T> {
        T run();
    }

    private final Store store;
    private final RunJournal journal;
    private final String runId;
    private final CeremonyConsole console;
    private int number;

    JournaledSteps(Store store, RunJournal journal, String runId, CeremonyConsole console) {
        this.store = store;
        this.journal = journal;
        this.runId = runId;
        this.console = console;
    }

    /** The next step is number {@code next} (a resume that goes on after steps it does not repeat). */
    void continueAt(int next) {
        this.number = next - 1;
    }

    <T> T step(String name, Action<T> action, Function<T, String> result) {
        int n = ++number;
        journal.started(runId, n, name);
        console.step(n, name, StepRecord.State.STARTED, null);
        try {
            T value = action.run();
            String text = result.apply(value);
            store.write(c -> {
                journal.done(c, runId, n, text);
                return null;
            });
            console.step(n, name, StepRecord.State.DONE, text);
            return value;
        } catch (RuntimeException e) {
            String why = reason(e);
            journal.failed(runId, n, why);
            console.step(n, name, StepRecord.State.FAILED, why);
            throw e;
        }
    }

    /** Why a step failed, for a person: the sentence; a PKCS#11 code only on a details line under it. */
    static String reason(RuntimeException e) {
        if (e instanceof org.hsmc.pkcs11.Pkcs11Exception p) {
            return p.userMessage() + (p.ckrName().isEmpty() ? "" : "\ndetails: " + p.getMessage());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
