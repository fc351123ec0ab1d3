package org.hsmc.ceremony.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code generate-working-keys}: generate working keys of an existing zone, wrapped under the LMK.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zone the zone id; the run checks the zone exists
 * @param keys 1–10,000 entries; no two of them make the same (purpose, version)
 */
public record GenerateWorkingKeysScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        String zone, List<WorkingKeySpec> keys) implements CeremonyScript {
    public GenerateWorkingKeysScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zone, "zone");
        keys = List.copyOf(keys);
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.GENERATE_WORKING_KEYS;
    }

    /**
     * Every key this script creates, in script order, an entry with {@code count} &gt; 1 expanded into
     * consecutive versions. The run checks none of them exists in the zone yet.
     */
    public List<PlannedKey> plannedKeys() {
        List<PlannedKey> planned = new ArrayList<>();
        for (WorkingKeySpec k : keys) {
            for (int v = k.version(); v <= k.lastVersion(); v++) {
                planned.add(new PlannedKey(k.purpose(), k.algorithm(), v, k.validFrom(), k.validUntil()));
            }
        }
        return List.copyOf(planned);
    }
}
