package org.hsmc.ceremony.run;

import java.util.List;

/** A script cannot run here: what it asks for contradicts the store (a zone that does not exist, a label in use…). Nothing was changed. */
public final class CeremonyRefusedException extends RuntimeException {

    private final List<String> problems;

    public CeremonyRefusedException(String source, List<String> problems) {
        super(source + ": " + String.join("\n" + source + ": ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
