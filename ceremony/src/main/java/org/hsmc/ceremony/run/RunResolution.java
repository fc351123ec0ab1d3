package org.hsmc.ceremony.run;

import java.util.List;

/**
 * How an abort left things: the run (now ABORTED), what was put back as the run found it, and exactly what
 * could not be (each with what to do about it).
 */
public record RunResolution(RunRecord run, List<String> undone, List<String> notUndone) {
    public RunResolution {
        undone = List.copyOf(undone);
        notUndone = List.copyOf(notUndone);
    }
}
