package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;

/**
 * How a generate-master-key script backs the new LMK up (its {@code recovery} section): split M-of-N
 * onto the recovery cards of the custodians it names, or left to the HSM vendor's own backup, which the
 * site's procedure describes. A script without the section makes an LMK with no backup, and says so.
 */
public sealed interface LmkBackupSpec {

    /**
     * Shamir M-of-N over the named custodians' cards.
     *
     * @param threshold M, the recovery cards a restore needs; 2 ≤ M ≤ holders
     * @param holders   the recovery custodians, by name, in share order
     */
    record RecoveryCards(int threshold, List<String> holders) implements LmkBackupSpec {
        public RecoveryCards {
            holders = List.copyOf(holders);
        }
    }

    /**
     * The HSM vendor's backup (e.g. a Security World with its card set, a backup HSM), outside the
     * console: the console records the procedure's name and splits nothing.
     */
    record Vendor(String procedure) implements LmkBackupSpec {
        public Vendor {
            Objects.requireNonNull(procedure, "procedure");
        }
    }
}
