package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code restore-master-key}: on a replacement HSM token, for a console whose store was restored, rebuild
 * LMK {@code version} from a quorum of its recovery cards, create it in the new HSM, check its KCV, prove
 * every stored key under it, and re-establish the HSM credential (over the same admin cards), the audit
 * signing key and the bundle signing key with a new console certificate.
 *
 * @param format       the script format version, {@link CeremonyScript#FORMAT}
 * @param title        shown on screens and reports
 * @param operator     the security officer who drives the run
 * @param witnesses    names for the report's signature lines
 * @param notes        free text for the report
 * @param version      the LMK version to restore, 1–99999; it must have a recovery card backup
 * @param bundleSigner the subject of the new console certificate
 */
public record RestoreMasterKeyScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes,
        int version, BundleSignerSpec bundleSigner) implements CeremonyScript {
    public RestoreMasterKeyScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(bundleSigner, "bundleSigner");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.RESTORE_MASTER_KEY;
    }
}
