package org.hsmc.ceremony.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * Someone with the store file and plain JDBC: drops the append-only triggers and changes rows, knowing
 * the format (so they can recompute hashes). The console's store must be closed meanwhile.
 */
final class Attacker implements AutoCloseable {

    final Connection c;

    Attacker(Path db) throws SQLException {
        c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
        try (Statement st = c.createStatement()) {
            for (String t : new String[] {"audit_entry_no_update", "audit_entry_no_delete", "audit_checkpoint_no_update",
                    "audit_checkpoint_no_delete", "audit_signer_no_update", "audit_signer_no_delete"}) {
                st.execute("DROP TRIGGER IF EXISTS " + t);
            }
        }
    }

    void sql(String sql, Object... args) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setObject(i + 1, args[i]);
            }
            st.executeUpdate();
        }
    }

    byte[] hash(long seq) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT hash FROM audit_entry WHERE seq = ?")) {
            st.setLong(1, seq);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }

    /** Recomputes the entry's own hash from its (possibly changed) fields, keeping its prev_hash. */
    void rehash(long seq) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT at, actor, action, outcome, details, prev_hash FROM audit_entry WHERE seq = ?")) {
            st.setLong(1, seq);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                byte[] h = AuditFormat.entryHash(seq, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        details(rs.getString(5)), rs.getBytes(6));
                sql("UPDATE audit_entry SET hash = ? WHERE seq = ?", h, seq);
            }
        }
    }

    /** Rewrites the chain from {@code from} on: each entry's prev_hash and hash recomputed, as a careful forger would. */
    void rechainFrom(long from) throws SQLException {
        long max;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT max(seq) FROM audit_entry")) {
            max = rs.getLong(1);
        }
        for (long s = from; s <= max; s++) {
            byte[] prev = s == 1 ? AuditFormat.genesisHash() : hash(s - 1);
            sql("UPDATE audit_entry SET prev_hash = ? WHERE seq = ?", prev, s);
            rehash(s);
        }
    }

    static Map<String, String> details(String json) {
        try {
            return DetailsJson.parse(json);
        } catch (DetailsJson.Unreadable e) {
            return new TreeMap<>();
        }
    }

    @Override
    public void close() throws SQLException {
        c.close();
    }
}
