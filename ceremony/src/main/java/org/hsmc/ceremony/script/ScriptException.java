package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A script was refused. It carries every problem found, in file order where the file gives one; the
 * message lists them one per line, each prefixed with the source name, e.g.
 * {@code 04-generate-working-keys.yaml: keys[1].algorithm: 'AES-512' is not allowed; use AES-128, AES-192 or AES-256}.
 */
public class ScriptException extends RuntimeException {

    private final String sourceName;
    private final List<ScriptProblem> problems;

    /**
     * @param sourceName the file name or other label of the script
     * @param problems   at least one problem
     */
    public ScriptException(String sourceName, List<ScriptProblem> problems) {
        super(message(sourceName, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("A ScriptException needs at least one problem");
        }
        this.sourceName = sourceName;
        this.problems = List.copyOf(problems);
    }

    private static String message(String sourceName, List<ScriptProblem> problems) {
        Objects.requireNonNull(sourceName, "sourceName");
        return problems.stream().map(p -> sourceName + ": " + p).collect(Collectors.joining("\n"));
    }

    /** The file name or other label of the refused script. */
    public String sourceName() {
        return sourceName;
    }

    /** Every problem found, in file order where possible. */
    public List<ScriptProblem> problems() {
        return problems;
    }
}
