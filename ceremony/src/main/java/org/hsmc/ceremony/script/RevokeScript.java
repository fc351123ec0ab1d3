package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code revoke}: revoke keys of a zone, for a recorded reason and incident.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zone     the zone id; the run checks the zone and the keys exist
 * @param keys     every key of the zone, or the listed key ids
 * @param reason   why, 1–500 characters
 * @param incident the incident reference, 1–64 characters
 */
public record RevokeScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        String zone, KeySelection keys, String reason, String incident) implements CeremonyScript {
    public RevokeScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(incident, "incident");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.REVOKE;
    }
}
