package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code rotate}: make a new version of every working key of a zone (or of every zone) whose validity
 * ends within {@code dueWithinDays} days.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zone          a zone id, or {@link #ALL_ZONES} for every zone
 * @param dueWithinDays rotate keys whose validity ends within this many days, 0–3650
 * @param overlapDays   the old version stays valid this long after the new one starts, 0–365
 * @param validityDays  validity of the new versions, 1–3650
 */
public record RotateScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        String zone, int dueWithinDays, int overlapDays, int validityDays) implements CeremonyScript {
    public RotateScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zone, "zone");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.ROTATE;
    }

    /** The {@code zone} value that means every zone. */
    public static final String ALL_ZONES = "*";

    /** Whether the script rotates the keys of every zone. */
    public boolean allZones() {
        return ALL_ZONES.equals(zone);
    }
}
