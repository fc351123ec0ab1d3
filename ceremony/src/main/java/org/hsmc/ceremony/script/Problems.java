package org.hsmc.ceremony.script;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the problems of one file; at most {@link #MAX} are kept, then one line says there are more. */
final class Problems {

    /** More than this many problems are not listed. */
    static final int MAX = 100;

    private final List<ScriptProblem> list = new ArrayList<>();
    private boolean truncated;

    void add(String path, String message) {
        if (list.size() < MAX) {
            list.add(new ScriptProblem(path, message));
        } else {
            truncated = true;
        }
    }

    boolean any() {
        return !list.isEmpty();
    }

    /** Stable-sorts the problems by where their field (or its nearest written ancestor) is in the file. */
    void sortBy(Positions positions) {
        list.sort(Comparator.comparingInt(p -> positions.of(p.path())));
    }

    List<ScriptProblem> list() {
        List<ScriptProblem> out = new ArrayList<>(list);
        if (truncated) {
            out.add(new ScriptProblem("", "more than " + MAX + " problems; these are the first " + MAX
                    + ", fix them and read the file again"));
        }
        return out;
    }

    void throwIfAny(String sourceName) {
        if (any()) {
            throw new ScriptException(sourceName, list());
        }
    }
}
