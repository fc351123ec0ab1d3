package org.hsmc.ceremony.script;

import java.time.Instant;
import java.util.Objects;

/**
 * One working key a {@code generate-working-keys} script will create. The layer that runs the script
 * checks each (zone, purpose, version) against the inventory before anything is generated.
 *
 * @param purpose    what the key is for
 * @param algorithm  algorithm and length
 * @param version    its version
 * @param validFrom  start of validity
 * @param validUntil end of validity
 */
public record PlannedKey(KeyPurpose purpose, KeyAlgorithm algorithm, int version, Instant validFrom,
                         Instant validUntil) {
    public PlannedKey {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
    }
}
