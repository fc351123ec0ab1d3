package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code generate-master-key}: generate LMK version {@code version} ({@code lmk/vN}) in the HSM and,
 * with {@code rotate}, re-wrap the whole inventory under it and retire the old one.
 *
 * @param format    the script format version, {@link CeremonyScript#FORMAT}
 * @param title     shown on screens and reports
 * @param operator  the security officer who drives the run
 * @param witnesses names for the report's signature lines
 * @param notes     free text for the report
 * @param version the new LMK version, 1–99999; the run checks it is above every existing one
 * @param rotate  re-wrap the inventory under the new LMK and retire the old one (false when left out)
 * @param backup  the {@code recovery} section: recovery cards or the vendor's backup; empty: no backup
 */
public record GenerateMasterKeyScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        int version, boolean rotate, Optional<LmkBackupSpec> backup) implements CeremonyScript {
    public GenerateMasterKeyScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(backup, "backup");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.GENERATE_MASTER_KEY;
    }
}
