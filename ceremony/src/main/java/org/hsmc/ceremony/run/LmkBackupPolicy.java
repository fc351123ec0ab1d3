package org.hsmc.ceremony.run;

import org.hsmc.ceremony.script.GenerateMasterKeyScript;
import org.hsmc.ceremony.script.LmkBackupSpec;

import java.util.Locale;
import java.util.Optional;

/**
 * How this site backs its LMKs up, from the site profile ({@code lmk.backup}): on recovery cards split by the
 * console, or by the HSM vendor's own procedure (docs/decisions/0011-lmk-backup-on-recovery-cards.md). A
 * generate-master-key script must choose what the site chose; {@link #ANY} (no profile) lets the script decide.
 */
public enum LmkBackupPolicy {
    /** Every new LMK is split onto recovery cards ({@code lmk.backup=recovery-cards}, the default). */
    RECOVERY_CARDS,
    /** The vendor's backup ({@code lmk.backup=vendor}): the console splits nothing. */
    VENDOR,
    /** No site rule: the script's choice stands (tests, tools). */
    ANY;

    /** The policy a site profile names: {@code recovery-cards} or {@code vendor}. */
    public static Optional<LmkBackupPolicy> fromProfile(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "recovery-cards" -> Optional.of(RECOVERY_CARDS);
            case "vendor" -> Optional.of(VENDOR);
            default -> Optional.empty();
        };
    }

    /** The problem with a generate-master-key script under this policy, if any. */
    Optional<String> problem(GenerateMasterKeyScript s) {
        LmkBackupSpec b = s.backup().orElse(null);
        return switch (this) {
            case ANY -> Optional.empty();
            case RECOVERY_CARDS -> b instanceof LmkBackupSpec.RecoveryCards ? Optional.empty() : Optional.of(
                    "recovery: this site backs every LMK up on recovery cards (site profile lmk.backup=recovery-cards);"
                            + " add recovery: {threshold: M, holders: [...]}");
            case VENDOR -> b instanceof LmkBackupSpec.Vendor ? Optional.empty() : Optional.of(
                    "recovery: this site relies on the HSM vendor's backup (site profile lmk.backup=vendor); write"
                            + " recovery: {vendor_backup: \"the procedure\"} instead");
        };
    }
}
