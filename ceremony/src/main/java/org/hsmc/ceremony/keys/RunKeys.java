package org.hsmc.ceremony.keys;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The keys a run made, and their withdrawal when the run is aborted: a working key or zone key made by a
 * step of an aborted run becomes {@link #WITHDRAWN} (it stays in the inventory with its run, but no bundle
 * carries it and no rotation renews it); a key it superseded is no longer marked superseded.
 */
public final class RunKeys {

    /** The status of a key withdrawn with its aborted run. */
    public static final String WITHDRAWN = "WITHDRAWN";

    private RunKeys() {
    }

    /** What a withdrawal changed: the ids of the keys withdrawn, and of the keys that were superseded by them. */
    public record Withdrawn(List<String> workingKeys, List<String> zoneKeys, List<String> unsuperseded) {
        public boolean isEmpty() {
            return workingKeys.isEmpty() && zoneKeys.isEmpty();
        }
    }

    /** Withdraws every active working key and zone key of {@code runId}, with one audit entry per key. */
    public static Withdrawn withdraw(Connection c, AuditLog audit, String runId, Instant at) throws SQLException {
        List<String> wk = ids(c, "SELECT id FROM working_key WHERE run_id = ? AND status = 'ACTIVE' ORDER BY id", runId);
        List<String> zk = ids(c, "SELECT id FROM zone_key WHERE run_id = ? AND status = 'ACTIVE' ORDER BY id", runId);
        List<String> older = new ArrayList<>();
        for (String id : wk) {
            older.addAll(ids(c, "SELECT id FROM working_key WHERE superseded_by = ?", id));
            update(c, "UPDATE working_key SET superseded_by = NULL WHERE superseded_by = ?", id);
            update(c, "UPDATE working_key SET status = 'WITHDRAWN' WHERE id = ?", id);
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "key.withdrawn", Outcome.DONE, Map.of("key", id, "run", runId,
                    "reason", "its run was aborted")));
        }
        for (String id : zk) {
            update(c, "UPDATE zone_key SET status = 'WITHDRAWN' WHERE id = ?", id);
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "key.withdrawn", Outcome.DONE, Map.of("key", id, "run", runId,
                    "reason", "its run was aborted")));
        }
        return new Withdrawn(wk, zk, older);
    }

    /** The master key a run made, if any (it stays: the HSM holds it and other keys may be wrapped under it). */
    public static List<String> masterKeysOf(Connection c, String runId) throws SQLException {
        return ids(c, "SELECT label FROM master_key WHERE run_id = ? ORDER BY version", runId);
    }

    /** The zones a run registered (they stay registered). */
    public static List<String> zonesOf(Connection c, String runId) throws SQLException {
        return ids(c, "SELECT id FROM zone WHERE run_id = ? ORDER BY id", runId);
    }

    private static List<String> ids(Connection c, String sql, String arg) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static void update(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }
}
