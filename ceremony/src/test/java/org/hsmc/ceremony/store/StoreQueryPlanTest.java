package org.hsmc.ceremony.store;

import org.hsmc.ceremony.audit.AuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every query the screens, commands and reports run with a filter on a table that grows with the inventory or the
 * audit log (working keys, audit entries, bundles, run steps, zone keys, incidents) reads an index: its
 * {@code EXPLAIN QUERY PLAN} has a SEARCH and no SCAN of any table but the few that stay small. The SQL is the code's (KeyRecords,
 * BundleRecords, AuditLog, RunJournal, ReportData), with the parameters unbound (the plan does not depend on them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreQueryPlanTest {

    /** Tables that stay small whatever the inventory (a scan of them is fine); any other table, or alias, must be searched. */
    private static final Pattern SMALL = Pattern.compile("(zone|master_key|custodian|card|card_set|share|policy|ceremony_run"
            + "|console_certificate|audit_signer|lmk_backup|run_approval)\\b");
    private static final String WK = "SELECT id, zone_id, purpose, algorithm, version, valid_from, valid_until, status, kcv, lmk_version,"
            + " wrapped, run_id, created_at, superseded_by FROM working_key WHERE ";

    @TempDir
    static Path dir;
    private Store store;

    @BeforeAll
    void open() {
        store = Store.open(dir.resolve("console.db"));
    }

    @AfterAll
    void close() {
        store.close();
    }

    static Stream<String> filteredQueries() {
        return Stream.of(
                // KeyRecords: the inventory (hsmc keys, the dashboard, reports) by each filter the screens offer
                WK + "id = ?",
                WK + "1=1 AND zone_id = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND zone_id = ? AND purpose = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND zone_id = ? AND status = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND status = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND purpose = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND purpose = ? AND status = ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND status = ? AND valid_until < ? ORDER BY zone_id, purpose, version",
                WK + "1=1 AND zone_id = ? AND status = ? AND valid_until < ? ORDER BY zone_id, purpose, version",
                "SELECT COALESCE(MAX(version), 0) FROM working_key WHERE zone_id = ? AND purpose = ?",
                "SELECT version FROM working_key WHERE zone_id = ? AND purpose = ? AND version BETWEEN ? AND ? ORDER BY version",
                "SELECT id FROM working_key WHERE run_id = ?",
                // BundleRecords: the export's pages, their count, the zone's revocations, bundles
                "SELECT id, purpose, algorithm, version, valid_from, valid_until, kcv, lmk_version, wrapped FROM working_key"
                        + " WHERE zone_id = ? AND (purpose, version) > (?, ?) AND status = 'ACTIVE' AND valid_until > ?"
                        + " ORDER BY purpose, version LIMIT ?",
                "SELECT COUNT(*) FROM working_key WHERE zone_id = ? AND status = 'ACTIVE' AND valid_until > ?",
                "SELECT w.id, w.revoked_at, i.reference, w.revoke_reason FROM working_key w LEFT JOIN incident i ON i.id = w.incident_id"
                        + " WHERE w.zone_id = ? AND w.status = 'REVOKED' ORDER BY w.id",
                "SELECT der FROM bundle WHERE zone_id = ? AND sequence = ?",
                "SELECT zone_id, sequence, sha256 FROM bundle WHERE zone_id = ? ORDER BY sequence DESC LIMIT 1",
                "SELECT zone_id, sequence, sha256 FROM bundle WHERE run_id = ? AND zone_id = ?",
                "SELECT zone_id, sequence, sha256 FROM bundle WHERE run_id = ?",
                // the audit log: ranges, a run's entries, a period, checkpoints
                "SELECT seq, at, actor, action, outcome, details, prev_hash, hash FROM audit_entry WHERE seq BETWEEN ? AND ? ORDER BY seq",
                "SELECT seq, at, actor, action, outcome, details, prev_hash, hash FROM audit_entry WHERE (seq > ? AND seq <= ?) OR "
                        + AuditLog.RUN_OF_ENTRY + " = ? ORDER BY seq",
                "SELECT MIN(seq), MAX(seq) FROM audit_entry WHERE at >= ? AND at < ?",
                "SELECT seq, hash FROM audit_entry WHERE seq = ?",
                "SELECT seq, at, key_id FROM audit_checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq, id",
                // runs and what they made
                "SELECT step_no, attempt, name, started_at, ended_at, state, result FROM run_step WHERE run_id = ? ORDER BY step_no",
                "SELECT 1 FROM incident WHERE run_id = ?",
                "SELECT id, kind, version, kcv, status, components, created_at FROM zone_key WHERE zone_id = ? ORDER BY version",
                "SELECT id FROM zone_key WHERE run_id = ?",
                // ReportData: the inventory per zone and the keys due
                "SELECT id, purpose, algorithm, version, kcv, valid_from, valid_until, status, superseded_by, revoked_at, revoke_reason,"
                        + " lmk_version FROM working_key WHERE zone_id = ? ORDER BY purpose, version",
                "SELECT id, zone_id, valid_until FROM working_key WHERE status = 'ACTIVE' AND superseded_by IS NULL AND valid_until < ?"
                        + " ORDER BY valid_until, id");
    }

    @ParameterizedTest
    @MethodSource("filteredQueries")
    void aFilteredQueryReadsAnIndexNotTheWholeTable(String sql) {
        List<String> plan = store.read(c -> {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN QUERY PLAN " + sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(4));
                }
            }
            return lines;
        });
        assertThat(plan).as(sql + "\n" + String.join("\n", plan))
                .noneMatch(line -> line.startsWith("SCAN ") && !SMALL.matcher(line.substring(5)).lookingAt())
                .anyMatch(line -> line.contains("SEARCH "));
    }
}
