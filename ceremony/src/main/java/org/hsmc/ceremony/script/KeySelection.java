package org.hsmc.ceremony.script;

import java.util.List;

/** The keys a {@code revoke} script names: every key of the zone, or a list of key ids. */
public sealed interface KeySelection {

    /** {@code keys: all}: every key of the zone. */
    record All() implements KeySelection {
    }

    /**
     * A list of key ids as the inventory names them, e.g. {@code wk/sh-01/dek/v1}.
     *
     * @param ids distinct key ids, in script order
     */
    record Listed(List<String> ids) implements KeySelection {
        public Listed {
            ids = List.copyOf(ids);
        }
    }
}
