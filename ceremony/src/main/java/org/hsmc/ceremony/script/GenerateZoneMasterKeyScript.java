package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code generate-zone-master-key}: create a zone and generate its ZMK in the HSM, delivered either as
 * K printed components or wrapped for the zone's transport key.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zone     the new zone
 * @param version  the ZMK version, 1–99999
 * @param delivery components and their holders, or the transport key
 */
public record GenerateZoneMasterKeyScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        ZoneRef zone, int version, ZmkDelivery delivery) implements CeremonyScript {
    public GenerateZoneMasterKeyScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(delivery, "delivery");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.GENERATE_ZONE_MASTER_KEY;
    }
}
