package org.hsmc.ceremony.keys;

import java.time.Instant;

/** A working key as the inventory knows it. The key itself is only {@code wrapped} under LMK {@code lmkVersion}. */
public record WorkingKey(String id, String zone, KeyIds.KeyPurposeName purpose, String algorithm, int version,
                         Instant validFrom, Instant validUntil, String status, String kcv, int lmkVersion,
                         byte[] wrapped, String runId, Instant createdAt, String supersededBy) {

    /** Key length in bytes from the algorithm name (AES-128/192/256). */
    public int lengthBytes() {
        return switch (algorithm) {
            case "AES-128" -> 16;
            case "AES-192" -> 24;
            case "AES-256" -> 32;
            default -> throw new IllegalStateException("unknown algorithm " + algorithm);
        };
    }

    public boolean isActiveAt(Instant t) {
        return "ACTIVE".equals(status) && !t.isBefore(validFrom) && t.isBefore(validUntil);
    }
}
