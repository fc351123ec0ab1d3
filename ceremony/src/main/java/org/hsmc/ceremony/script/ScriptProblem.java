package org.hsmc.ceremony.script;

import java.util.Objects;

/**
 * One thing wrong with a script.
 *
 * @param path    the field it concerns, e.g. {@code keys[2].valid_until}, {@code zone.id}; empty when it
 *                concerns the file as a whole (then the message gives the line)
 * @param message what is wrong and what is allowed
 */
public record ScriptProblem(String path, String message) {
    public ScriptProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /** {@code path: message}, or the message alone when there is no path. */
    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
