package org.hsmc.reports;

import java.util.List;

/**
 * The facts of a key inventory report at one moment: every LMK version, every zone with its zone keys
 * and working keys, and the keys due for rotation. {@link ReportData#inventory} reads it. Times are
 * ISO-8601 UTC text.
 *
 * @param asOf          the moment the inventory describes (expiry and "due" are judged against it)
 * @param auditHead     the audit chain head when it was read, {@code seq:hash}
 * @param dueWithinDays keys whose validity ends within this many days of {@code asOf} are due
 * @param masterKeys    LMK versions, oldest first
 * @param zones         zones, by id
 * @param due           active, not yet rotated keys due within {@code dueWithinDays}, soonest first
 */
public record InventoryData(String asOf, String auditHead, int dueWithinDays, List<MasterKeyRow> masterKeys,
                            List<ZoneSection> zones, List<DueKey> due) {

    public InventoryData {
        masterKeys = List.copyOf(masterKeys);
        zones = List.copyOf(zones);
        due = List.copyOf(due);
    }

    /** An LMK version. */
    public record MasterKeyRow(String label, int version, String kcv, String status, String createdAt, String retiredAt) {
    }

    /** A zone with its keys. */
    public record ZoneSection(String id, String name, String status, String createdAt, String revokedAt, String revokeReason,
                              List<ZoneKeyRow> zoneKeys, List<WorkingKeyRow> workingKeys) {
        public ZoneSection {
            zoneKeys = List.copyOf(zoneKeys);
            workingKeys = List.copyOf(workingKeys);
        }
    }

    /** A zone master key or transport key; {@code kcv} is a transport key's fingerprint. */
    public record ZoneKeyRow(String id, String kind, int version, String kcv, String status, Integer components, String createdAt) {
    }

    /**
     * A working key.
     *
     * @param condition at {@code asOf}: IN_FORCE, NOT_YET_VALID, EXPIRED, REVOKED or WITHDRAWN (its run was aborted)
     */
    public record WorkingKeyRow(String id, String purpose, String algorithm, int version, String kcv, String validFrom,
                                String validUntil, String status, String supersededBy, String revokedAt, String revokeReason,
                                int lmkVersion, String condition) {
    }

    /** A key due for rotation, with the whole days left until its validity ends (negative: already ended). */
    public record DueKey(String id, String zone, String validUntil, long daysLeft) {
    }
}
