package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code export-bundle}: for each zone, translate its active working keys (and those still in an overlap
 * window) from the LMK to the zone's key inside the HSM, sign them as a bundle, and write the bundle and its
 * SHA-256 to {@code outputDirectory} (docs/bundle-format.md).
 *
 * @param format          the script format version, {@link CeremonyScript#FORMAT}
 * @param title           shown on screens and reports
 * @param operator        the security officer who drives the run
 * @param witnesses       names for the report's signature lines
 * @param notes           free text for the report
 * @param zones           every zone, or the listed zone ids; the run checks they exist and have a zone key
 * @param expiresInDays   a node refuses the bundle this many days after it was made, 1–3650
 * @param outputDirectory where the files go (removable media); a relative path is taken from the script's folder
 */
public record ExportBundleScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        ZoneSelection zones, int expiresInDays, String outputDirectory) implements CeremonyScript {
    public ExportBundleScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(zones, "zones");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
    }

    /** The {@code zones} text that means every zone. */
    public static final String ALL_ZONES = "*";

    @Override
    public CeremonyType type() {
        return CeremonyType.EXPORT_BUNDLE;
    }
}
