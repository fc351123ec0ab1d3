package org.hsmc.ceremony.bundle;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The bundle tables of the store (and the console certificate). Runs inside the caller's transaction. */
public final class BundleRecords {

    private BundleRecords() {
    }

    /** The bundle signing key's id and its certificate (DER), as initialize stored them. */
    public record StoredCertificate(String keyId, byte[] der) {
    }

    /** The console certificate in use: the newest one. */
    public static Optional<StoredCertificate> consoleCertificate(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id, der FROM console_certificate ORDER BY created_at DESC,"
                + " key_id DESC LIMIT 1"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new StoredCertificate(rs.getString(1), rs.getBytes(2))) : Optional.empty();
        }
    }

    /** The zone's newest bundle, if it has one. */
    public static Optional<BundleRecord> latest(Connection c, String zone) throws SQLException {
        return select(c, "zone_id = ? ORDER BY sequence DESC LIMIT 1", zone, null).stream().findFirst();
    }

    /** The bundle run {@code runId} made for {@code zone}, if any (each run makes at most one per zone). */
    public static Optional<BundleRecord> ofRun(Connection c, String runId, String zone) throws SQLException {
        return select(c, "run_id = ? AND zone_id = ?", runId, zone).stream().findFirst();
    }

    /** Every bundle of a zone, oldest first. */
    public static List<BundleRecord> ofZone(Connection c, String zone) throws SQLException {
        return select(c, "zone_id = ? ORDER BY sequence", zone, null);
    }

    /** The bundles a run made, by zone. */
    public static List<BundleRecord> ofRun(Connection c, String runId) throws SQLException {
        return select(c, "run_id = ? ORDER BY zone_id", runId, null);
    }

    /** The bytes of a bundle. */
    public static byte[] der(Connection c, String zone, long sequence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT der FROM bundle WHERE zone_id = ? AND sequence = ?")) {
            ps.setString(1, zone);
            ps.setLong(2, sequence);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no bundle " + zone + " #" + sequence);
                }
                return rs.getBytes(1);
            }
        }
    }

    static void insert(Connection c, BundleRecord r, byte[] der) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO bundle (zone_id, sequence, sha256, previous_sha256, created_at,"
                + " expires_at, key_count, revocation_count, wrapping_key_id, signer_key_id, file_name, directory, der, run_id)"
                + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, r.zone());
            ps.setLong(2, r.sequence());
            ps.setString(3, r.sha256());
            if (r.previousSha256() == null) {
                ps.setNull(4, Types.VARCHAR);
            } else {
                ps.setString(4, r.previousSha256());
            }
            ps.setString(5, r.createdAt().toString());
            ps.setString(6, r.expiresAt().toString());
            ps.setInt(7, r.keyCount());
            ps.setInt(8, r.revocationCount());
            if (r.wrappingKeyId() == null) {
                ps.setNull(9, Types.VARCHAR);
            } else {
                ps.setString(9, r.wrappingKeyId());
            }
            ps.setString(10, r.signerKeyId());
            ps.setString(11, r.fileName());
            ps.setString(12, r.directory());
            ps.setBytes(13, der);
            ps.setString(14, r.runId());
            ps.executeUpdate();
        }
    }

    static void markWritten(Connection c, String zone, long sequence, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE bundle SET written_at = ? WHERE zone_id = ? AND sequence = ?")) {
            ps.setString(1, at.toString());
            ps.setString(2, zone);
            ps.setLong(3, sequence);
            ps.executeUpdate();
        }
    }

    /** A working key as an export needs it: still wrapped under the LMK. */
    record ExportableKey(String id, String purpose, String algorithm, int version, Instant validFrom, Instant validUntil, String kcv,
                         int lmkVersion, byte[] wrapped) {
    }

    /**
     * A page of the zone's active working keys still valid after {@code now} (those in an overlap window included, and those
     * not valid yet), by purpose and version: at most {@code limit} of them, those after {@code after} (null: from the start).
     * One range read of the (zone, purpose, version) index per page.
     */
    static ExportablePage exportableKeys(Connection c, String zone, Instant now, ExportablePage after, int limit)
            throws SQLException {
        List<ExportableKey> out = new ArrayList<>();
        int rows = 0;
        String lastPurpose = null;
        int lastVersion = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, algorithm, version, valid_from, valid_until, kcv,"
                + " lmk_version, wrapped FROM working_key WHERE zone_id = ? AND (purpose, version) > (?, ?) AND status = 'ACTIVE'"
                + " AND valid_until > ? ORDER BY purpose, version LIMIT ?")) {
            ps.setString(1, zone);
            ps.setString(2, after == null ? "" : after.lastPurpose());
            ps.setInt(3, after == null ? 0 : after.lastVersion());
            ps.setString(4, now.toString());
            ps.setInt(5, limit);
            java.util.Map<String, Instant> times = new java.util.HashMap<>(); // validities repeat; parsing them is not free
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    lastPurpose = rs.getString(2);
                    lastVersion = rs.getInt(4);
                    Instant until = times.computeIfAbsent(rs.getString(6), Instant::parse);
                    if (until.isAfter(now)) {
                        out.add(new ExportableKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                                times.computeIfAbsent(rs.getString(5), Instant::parse), until, rs.getString(7), rs.getInt(8),
                                rs.getBytes(9)));
                    }
                }
            }
        }
        return new ExportablePage(out, lastPurpose, lastVersion, rows == limit);
    }

    /** A page of exportable keys: the keys, the (purpose, version) of its last row, and whether more rows may follow. */
    record ExportablePage(List<ExportableKey> keys, String lastPurpose, int lastVersion, boolean more) {
    }

    /** How many keys {@link #exportableKeys} gives in all (for progress). */
    static int countExportableKeys(Connection c, String zone, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM working_key WHERE zone_id = ? AND status = 'ACTIVE'"
                + " AND valid_until > ?")) {
            ps.setString(1, zone);
            ps.setString(2, now.toString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The revoked keys of a zone, with the incident reference and reason, by id. */
    static List<BundleManifest.Revocation> revocations(Connection c, String zone) throws SQLException {
        List<BundleManifest.Revocation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.revoked_at, i.reference, w.revoke_reason FROM working_key w"
                + " LEFT JOIN incident i ON i.id = w.incident_id WHERE w.zone_id = ? AND w.status = 'REVOKED' ORDER BY w.id")) {
            ps.setString(1, zone);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new BundleManifest.Revocation(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3),
                            rs.getString(4)));
                }
            }
        }
        return out;
    }

    private static List<BundleRecord> select(Connection c, String where, String a, String b) throws SQLException {
        List<BundleRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT zone_id, sequence, sha256, previous_sha256, created_at, expires_at,"
                + " key_count, revocation_count, wrapping_key_id, signer_key_id, file_name, directory, run_id, written_at"
                + " FROM bundle WHERE " + where)) {
            ps.setString(1, a);
            if (b != null) {
                ps.setString(2, b);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String written = rs.getString(14);
                    out.add(new BundleRecord(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            Instant.parse(rs.getString(5)), Instant.parse(rs.getString(6)), rs.getInt(7), rs.getInt(8),
                            rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13),
                            written == null ? null : Instant.parse(written)));
                }
            }
        }
        return out;
    }
}
