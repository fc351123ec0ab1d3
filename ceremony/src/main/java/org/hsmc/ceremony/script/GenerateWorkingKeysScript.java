package org.hsmc.ceremony.script;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code generate-working-keys}: generate working keys of one or more existing zones, wrapped under the LMK.
 * Every entry of {@code keys} is made in every zone of {@code zones}, so a few lines ask for keys in bulk
 * (at most 1,000,000 in one script).
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zones     the zone ids, 1–1,000, distinct ({@code zone: x} in the file is a list of one); the run
 *                  checks each exists
 * @param keys      1–10,000 entries; no two of them make the same (purpose, version)
 */
public record GenerateWorkingKeysScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        List<String> zones, List<WorkingKeySpec> keys) implements CeremonyScript {
    public GenerateWorkingKeysScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        zones = List.copyOf(zones);
        if (zones.isEmpty()) {
            throw new IllegalArgumentException("no zone");
        }
        keys = List.copyOf(keys);
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.GENERATE_WORKING_KEYS;
    }

    /** The keys made in each zone: the sum of the entries' counts. */
    public long keysPerZone() {
        return keys.stream().mapToLong(WorkingKeySpec::count).sum();
    }

    /** Every key the script makes: zones × keys per zone. */
    public long keyCount() {
        return keysPerZone() * zones.size();
    }

    /**
     * Every key this script creates in each zone (the same in every zone of {@link #zones}), in script order,
     * an entry with {@code count} &gt; 1 expanded into consecutive versions.
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

    /**
     * What the script makes, as compactly as it reads, for review: one line for the zones, one per entry,
     * one with the total. For example {@code 100 zones: z-001, z-002, … z-100},
     * {@code DEK AES-256 v1–v10000 (10000 keys), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z},
     * {@code 1000000 keys in all}.
     */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        if (zones.size() == 1) {
            lines.add("zone " + zones.getFirst());
        } else {
            String shown = zones.size() <= 6 ? String.join(", ", zones)
                    : String.join(", ", zones.subList(0, 3)) + ", … " + zones.getLast();
            lines.add(zones.size() + " zones: " + shown);
        }
        for (WorkingKeySpec k : keys) {
            String versions = k.count() == 1 ? "v" + k.version() : "v" + k.version() + "–v" + k.lastVersion();
            lines.add(String.format(Locale.ROOT, "%s %s %s (%d key%s%s), valid %s – %s", k.purpose(), k.algorithm().yamlName(),
                    versions, k.count(), k.count() == 1 ? "" : "s", zones.size() == 1 ? "" : " per zone", k.validFrom(), k.validUntil()));
        }
        lines.add(keyCount() + " key" + (keyCount() == 1 ? "" : "s") + " in all");
        return lines;
    }
}
