package org.hsmc.ceremony.run;

/**
 * A run cannot be started, resumed or aborted as asked: the message says what is wrong and what to do, in
 * words for the person at the console. Nothing was changed.
 */
public final class RunException extends RuntimeException {

    public RunException(String message) {
        super(message);
    }
}
