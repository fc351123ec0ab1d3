package org.hsmc.ceremony.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The key tables of the store. Runs inside the caller's transaction. */
public final class KeyRecords {

    private KeyRecords() {
    }

    // ----------------------------------------------------------------- master keys

    static void insertMasterKey(Connection c, MasterKey k, Instant at, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO master_key (version, label, kcv, status, created_at, run_id) VALUES (?,?,?,?,?,?)")) {
            ps.setInt(1, k.version());
            ps.setString(2, k.label());
            ps.setString(3, k.kcv());
            ps.setString(4, k.status());
            ps.setString(5, at.toString());
            ps.setString(6, runId);
            ps.executeUpdate();
        }
    }

    static void insertBackup(Connection c, int version, String method, String cardSetId, String vendorProcedure, Instant at,
                             String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO lmk_backup (lmk_version, method, card_set_id,"
                + " vendor_procedure, created_at, run_id) VALUES (?,?,?,?,?,?)")) {
            ps.setInt(1, version);
            ps.setString(2, method);
            ps.setString(3, cardSetId);
            ps.setString(4, vendorProcedure);
            ps.setString(5, at.toString());
            ps.setString(6, runId);
            ps.executeUpdate();
        }
    }

    /** How LMK {@code version} is backed up: method and, for recovery cards, the card set; empty for an LMK made before backups. */
    public record Backup(String method, String cardSetId, String vendorProcedure) {
    }

    public static Optional<Backup> backup(Connection c, int version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT method, card_set_id, vendor_procedure FROM lmk_backup"
                + " WHERE lmk_version = ?")) {
            ps.setInt(1, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Backup(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
            }
        }
    }

    public static Optional<MasterKey> activeMasterKey(Connection c) throws SQLException {
        return masterKeys(c, "status = 'ACTIVE'").stream().findFirst();
    }

    public static Optional<MasterKey> masterKey(Connection c, int version) throws SQLException {
        return masterKeys(c, "version = " + version).stream().findFirst();
    }

    public static List<MasterKey> masterKeys(Connection c) throws SQLException {
        return masterKeys(c, "1=1");
    }

    private static List<MasterKey> masterKeys(Connection c, String where) throws SQLException {
        List<MasterKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version, label, kcv, status FROM master_key WHERE " + where
                + " ORDER BY version"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new MasterKey(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    static void setMasterKeyStatus(Connection c, int version, String status, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE master_key SET status = ?, retired_at = CASE WHEN ? = 'RETIRED'"
                + " THEN ? ELSE retired_at END WHERE version = ?")) {
            ps.setString(1, status);
            ps.setString(2, status);
            ps.setString(3, at.toString());
            ps.setInt(4, version);
            ps.executeUpdate();
        }
    }

    // ----------------------------------------------------------------- zones and zone keys

    static void insertZone(Connection c, String id, String name, Instant at, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO zone (id, name, status, created_at, run_id) VALUES (?,?,'ACTIVE',?,?)")) {
            ps.setString(1, id);
            ps.setString(2, name);
            ps.setString(3, at.toString());
            ps.setString(4, runId);
            ps.executeUpdate();
        }
    }

    public static Optional<Zone> zone(Connection c, String id) throws SQLException {
        return zones(c, id).stream().findFirst();
    }

    public static List<Zone> zones(Connection c) throws SQLException {
        return zones(c, null);
    }

    private static List<Zone> zones(Connection c, String id) throws SQLException {
        List<Zone> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, status, created_at FROM zone"
                + (id == null ? "" : " WHERE id = ?") + " ORDER BY id")) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Zone(rs.getString(1), rs.getString(2), rs.getString(3), Instant.parse(rs.getString(4))));
                }
            }
        }
        return out;
    }

    static void revokeZone(Connection c, String id, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE zone SET status = 'REVOKED', revoked_at = ?, revoke_reason = ? WHERE id = ?")) {
            ps.setString(1, at.toString());
            ps.setString(2, reason);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    static void insertZoneKey(Connection c, ZoneKey k, Instant at, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO zone_key (id, zone_id, version, kind, wrapped, lmk_version,"
                + " transport_public, kcv, components, status, created_at, run_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, k.id());
            ps.setString(2, k.zone());
            ps.setInt(3, k.version());
            ps.setString(4, k.kind().name());
            ps.setBytes(5, k.wrapped());
            if (k.lmkVersion() == null) {
                ps.setNull(6, java.sql.Types.INTEGER);
            } else {
                ps.setInt(6, k.lmkVersion());
            }
            ps.setBytes(7, k.transportPublic());
            ps.setString(8, k.kcv());
            if (k.components() == null) {
                ps.setNull(9, java.sql.Types.INTEGER);
            } else {
                ps.setInt(9, k.components());
            }
            ps.setString(10, k.status());
            ps.setString(11, at.toString());
            ps.setString(12, runId);
            ps.executeUpdate();
        }
    }

    /** The zone's active zone key (the newest active version). */
    public static Optional<ZoneKey> activeZoneKey(Connection c, String zone) throws SQLException {
        List<ZoneKey> l = zoneKeys(c, "zone_id = ? AND status = 'ACTIVE' ORDER BY version DESC", zone);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    public static List<ZoneKey> zoneKeys(Connection c, String zone) throws SQLException {
        return zoneKeys(c, "zone_id = ? ORDER BY version", zone);
    }

    /** Every ZMK (for LMK rotation). */
    public static List<ZoneKey> allZmks(Connection c) throws SQLException {
        return zoneKeys(c, "kind = 'ZMK' ORDER BY id", null);
    }

    private static List<ZoneKey> zoneKeys(Connection c, String where, String arg) throws SQLException {
        List<ZoneKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, zone_id, version, kind, wrapped, lmk_version, transport_public,"
                + " kcv, components, status FROM zone_key WHERE " + where)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int lmk = rs.getInt(6);
                    Integer lmkVersion = rs.wasNull() ? null : lmk;
                    int comp = rs.getInt(9);
                    Integer components = rs.wasNull() ? null : comp;
                    out.add(new ZoneKey(rs.getString(1), rs.getString(2), rs.getInt(3), ZoneKey.Kind.valueOf(rs.getString(4)),
                            rs.getBytes(5), lmkVersion, rs.getBytes(7), rs.getString(8), components, rs.getString(10)));
                }
            }
        }
        return out;
    }

    static void rewrapZoneKey(Connection c, String id, byte[] wrapped, int lmkVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE zone_key SET wrapped = ?, lmk_version = ? WHERE id = ?")) {
            ps.setBytes(1, wrapped);
            ps.setInt(2, lmkVersion);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    // ----------------------------------------------------------------- working keys

    private static final String WK_COLUMNS = "id, zone_id, purpose, algorithm, version, valid_from, valid_until, status, kcv,"
            + " lmk_version, wrapped, run_id, created_at, superseded_by";

    static void insertWorkingKey(Connection c, WorkingKey k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO working_key (id, zone_id, purpose, algorithm, version,"
                + " valid_from, valid_until, status, kcv, lmk_version, wrapped, run_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, k.id());
            ps.setString(2, k.zone());
            ps.setString(3, k.purpose().name());
            ps.setString(4, k.algorithm());
            ps.setInt(5, k.version());
            ps.setString(6, k.validFrom().toString());
            ps.setString(7, k.validUntil().toString());
            ps.setString(8, k.status());
            ps.setString(9, k.kcv());
            ps.setInt(10, k.lmkVersion());
            ps.setBytes(11, k.wrapped());
            ps.setString(12, k.runId());
            ps.setString(13, k.createdAt().toString());
            ps.executeUpdate();
        }
    }

    public static Optional<WorkingKey> workingKey(Connection c, String id) throws SQLException {
        return workingKeys(c, "id = ?", List.of(id)).stream().findFirst();
    }

    /** Working keys matching the filter, ordered by zone, purpose, version. */
    public static List<WorkingKey> workingKeys(Connection c, InventoryFilter f) throws SQLException {
        StringBuilder where = new StringBuilder("1=1");
        List<Object> args = new ArrayList<>();
        if (f.zone() != null) {
            where.append(" AND zone_id = ?");
            args.add(f.zone());
        }
        if (f.purpose() != null) {
            where.append(" AND purpose = ?");
            args.add(f.purpose().name());
        }
        if (f.status() != null) {
            where.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.expiringBefore() != null) {
            where.append(" AND valid_until < ?");
            args.add(f.expiringBefore().toString());
        }
        return workingKeys(c, where + " ORDER BY zone_id, purpose, version", args);
    }

    private static List<WorkingKey> workingKeys(Connection c, String where, List<?> args) throws SQLException {
        List<WorkingKey> out = new ArrayList<>();
        forEach(c, where, args, out::add);
        return out;
    }

    /**
     * Each working key matching the filter, ordered by zone, purpose, version, handed to {@code each} as it is read (the
     * inventory is never held whole: {@code hsmc keys} prints the first line before the last key is read). Returns how many.
     */
    public static long forEachWorkingKey(Connection c, InventoryFilter f, java.util.function.Consumer<WorkingKey> each)
            throws SQLException {
        StringBuilder where = new StringBuilder("1=1");
        List<Object> args = new ArrayList<>();
        if (f.zone() != null) {
            where.append(" AND zone_id = ?");
            args.add(f.zone());
        }
        if (f.purpose() != null) {
            where.append(" AND purpose = ?");
            args.add(f.purpose().name());
        }
        if (f.status() != null) {
            where.append(" AND status = ?");
            args.add(f.status());
        }
        if (f.expiringBefore() != null) {
            where.append(" AND valid_until < ?");
            args.add(f.expiringBefore().toString());
        }
        return forEach(c, where + " ORDER BY zone_id, purpose, version", args, each);
    }

    private static long forEach(Connection c, String where, List<?> args, java.util.function.Consumer<WorkingKey> each)
            throws SQLException {
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + WK_COLUMNS + " FROM working_key WHERE " + where)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            java.util.Map<String, Instant> times = new java.util.HashMap<>(); // validities repeat; parsing them is not free
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (times.size() > 10_000) {
                        times.clear();
                    }
                    each.accept(new WorkingKey(rs.getString(1), rs.getString(2), KeyIds.KeyPurposeName.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getInt(5), times.computeIfAbsent(rs.getString(6), Instant::parse),
                            times.computeIfAbsent(rs.getString(7), Instant::parse), rs.getString(8), rs.getString(9),
                            rs.getInt(10), rs.getBytes(11), rs.getString(12), Instant.parse(rs.getString(13)), rs.getString(14)));
                    n++;
                }
            }
        }
        return n;
    }

    /** The highest version of (zone, purpose), or 0. */
    static int maxVersion(Connection c, String zone, KeyIds.KeyPurposeName purpose) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(version), 0) FROM working_key WHERE zone_id = ? AND purpose = ?")) {
            ps.setString(1, zone);
            ps.setString(2, purpose.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static void rewrapWorkingKey(Connection c, String id, byte[] wrapped, int lmkVersion) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE working_key SET wrapped = ?, lmk_version = ? WHERE id = ?")) {
            ps.setBytes(1, wrapped);
            ps.setInt(2, lmkVersion);
            ps.setString(3, id);
            ps.executeUpdate();
        }
    }

    static void supersede(Connection c, String oldId, String newId, Instant validUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE working_key SET superseded_by = ?,"
                + " valid_until = CASE WHEN valid_until > ? THEN ? ELSE valid_until END WHERE id = ?")) {
            ps.setString(1, newId);
            ps.setString(2, validUntil.toString());
            ps.setString(3, validUntil.toString());
            ps.setString(4, oldId);
            ps.executeUpdate();
        }
    }

    static int revokeWorkingKey(Connection c, String id, String reason, String incidentId, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE working_key SET status = 'REVOKED', revoked_at = ?, revoke_reason = ?,"
                + " incident_id = ? WHERE id = ? AND status <> 'REVOKED'")) {
            ps.setString(1, at.toString());
            ps.setString(2, reason);
            ps.setString(3, incidentId);
            ps.setString(4, id);
            return ps.executeUpdate();
        }
    }

    static void insertIncident(Connection c, String id, String reference, String reason, String zone, Instant at, String runId)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO incident (id, reference, reason, zone_id, at, run_id) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setString(2, reference);
            ps.setString(3, reason);
            ps.setString(4, zone);
            ps.setString(5, at.toString());
            ps.setString(6, runId);
            ps.executeUpdate();
        }
    }

    /** Counts working keys per status (for the dashboard and reports). */
    public static long countWorkingKeys(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM working_key"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The versions of (zone, purpose) between {@code from} and {@code to} (inclusive) that exist, lowest first, at most
     * {@code limit} of them, and how many exist in all: one range read of the (zone, purpose, version) index, however
     * many versions the range spans.
     */
    public static VersionsInUse versionsInUse(Connection c, String zone, KeyIds.KeyPurposeName purpose, int from, int to, int limit)
            throws SQLException {
        List<Integer> first = new ArrayList<>();
        long count = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM working_key WHERE zone_id = ? AND purpose = ?"
                + " AND version BETWEEN ? AND ? ORDER BY version")) {
            ps.setString(1, zone);
            ps.setString(2, purpose.name());
            ps.setInt(3, from);
            ps.setInt(4, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (first.size() < limit) {
                        first.add(rs.getInt(1));
                    }
                    count++;
                }
            }
        }
        return new VersionsInUse(List.copyOf(first), count);
    }

    /** Versions already in use in a range: the first few, and how many in all. */
    public record VersionsInUse(List<Integer> first, long count) {
    }
}
