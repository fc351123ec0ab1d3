package org.hsmc.ceremony.script;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a {@code generate-working-keys} script: {@code count} keys of one purpose and algorithm,
 * with consecutive versions from {@code version}, all valid from {@code validFrom} (inclusive) until
 * {@code validUntil} (exclusive).
 *
 * @param purpose    what the keys are for
 * @param algorithm  algorithm and length
 * @param version    the first version, 1–99999
 * @param validFrom  start of validity
 * @param validUntil end of validity, after {@code validFrom}
 * @param count      how many keys, 1–10,000 (1 when the script leaves it out)
 */
public record WorkingKeySpec(KeyPurpose purpose, KeyAlgorithm algorithm, int version, Instant validFrom,
                             Instant validUntil, int count) {
    public WorkingKeySpec {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
    }

    /** The last version this entry makes: {@code version + count - 1}. */
    public int lastVersion() {
        return version + count - 1;
    }
}
