package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code import-zone-master-key}: create a zone and import its ZMK from K components typed at the
 * console. Component i is refused unless its KCV is {@code componentKcvs.get(i)}; the combined key is
 * refused unless its KCV is {@code kcv}.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param zone          the new zone
 * @param version       the ZMK version, 1–99999
 * @param componentKcvs K (2–9) distinct KCVs, 10 upper-case hex digits each, in component order
 * @param kcv           the KCV of the combined ZMK, 10 upper-case hex digits
 */
public record ImportZoneMasterKeyScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        ZoneRef zone, int version, List<String> componentKcvs, String kcv) implements CeremonyScript {
    public ImportZoneMasterKeyScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zone, "zone");
        componentKcvs = List.copyOf(componentKcvs);
        Objects.requireNonNull(kcv, "kcv");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.IMPORT_ZONE_MASTER_KEY;
    }

    /** K, the number of components. */
    public int components() {
        return componentKcvs.size();
    }
}
