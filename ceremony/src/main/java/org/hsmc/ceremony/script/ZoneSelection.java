package org.hsmc.ceremony.script;

import java.util.List;

/** The zones an {@code export-bundle} script names: every zone, or a list of zone ids. */
public sealed interface ZoneSelection {

    /** {@code zones: '*'}: every zone the console knows when the run starts. */
    record All() implements ZoneSelection {
    }

    /**
     * A list of zone ids, e.g. {@code [sh-01, bj-01]}.
     *
     * @param ids distinct zone ids, in script order
     */
    record Listed(List<String> ids) implements ZoneSelection {
        public Listed {
            ids = List.copyOf(ids);
        }
    }
}
