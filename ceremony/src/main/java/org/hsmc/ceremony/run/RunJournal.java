package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The persisted state machine of ceremony runs and the journal of their steps. A step is written
 * STARTED before it runs and DONE (in the same transaction as its effects) or FAILED after, so a
 * crash or a pulled cable at any point leaves a record the next start can resolve.
 */
public final class RunJournal {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public RunJournal(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    /** Records a new run in state PLANNED, with the exact script bytes, and its audit entry. */
    public RunRecord create(String id, String type, String title, String source, byte[] script, String sha256Hex, String site,
                            String operator, boolean rehearsalPins) {
        Instant now = clock.instant();
        String head = audit.head().text();
        store.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ceremony_run (id, type, title, source, script, script_sha256,"
                    + " site, operator, state, started_at, audit_head_before, rehearsal_pins) VALUES (?,?,?,?,?,?,?,?,'PLANNED',?,?,?)")) {
                ps.setString(1, id);
                ps.setString(2, type);
                ps.setString(3, title);
                ps.setString(4, source);
                ps.setBytes(5, script);
                ps.setString(6, sha256Hex);
                ps.setString(7, site);
                ps.setString(8, operator);
                ps.setString(9, now.toString());
                ps.setString(10, head);
                ps.setInt(11, rehearsalPins ? 1 : 0);
                ps.executeUpdate();
            }
            audit.append(c, new AuditEvent(operator, "run.planned", Outcome.DONE, Map.of("run", id, "type", type,
                    "script_sha256", sha256Hex, "source", source, "site", site,
                    "pins", rehearsalPins ? "read from a rehearsal PIN file" : "typed at the console")));
            return null;
        });
        return find(id).orElseThrow();
    }

    /** Moves a run to {@code state}; a final state records the end time, the audit head and any failure. */
    public void setState(String runId, RunState state, String failure) {
        store.write(c -> {
            setState(c, runId, state, failure);
            return null;
        });
    }

    void setState(Connection c, String runId, RunState state, String failure) throws SQLException {
        boolean end = !state.isOpen();
        try (PreparedStatement ps = c.prepareStatement("UPDATE ceremony_run SET state = ?, failure = ?, ended_at = ?"
                + " WHERE id = ?")) {
            ps.setString(1, state.name());
            ps.setString(2, failure);
            ps.setString(3, end ? clock.instant().toString() : null);
            ps.setString(4, runId);
            ps.executeUpdate();
        }
        audit.append(c, new AuditEvent(AuditLog.CONSOLE, "run." + state.name().toLowerCase(java.util.Locale.ROOT),
                state == RunState.FAILED ? Outcome.FAILED : state == RunState.ABORTED ? Outcome.REFUSED : Outcome.DONE,
                failure == null ? Map.of("run", runId) : Map.of("run", runId, "reason", failure)));
        if (end) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE ceremony_run SET audit_head_after = ? WHERE id = ?")) {
                ps.setString(1, headIn(c).text());
                ps.setString(2, runId);
                ps.executeUpdate();
            }
        }
    }

    /** Journals a step as STARTED (a repeat of a step counts its attempts). */
    public void started(String runId, int number, String name) {
        store.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_step (run_id, step_no, name, state, started_at)"
                    + " VALUES (?,?,?,'STARTED',?) ON CONFLICT (run_id, step_no) DO UPDATE SET state = 'STARTED',"
                    + " attempt = attempt + 1, started_at = excluded.started_at, ended_at = NULL, result = NULL")) {
                ps.setString(1, runId);
                ps.setInt(2, number);
                ps.setString(3, name);
                ps.setString(4, clock.instant().toString());
                ps.executeUpdate();
            }
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "step.started", Outcome.DONE, Map.of("run", runId,
                    "step", Integer.toString(number), "name", name)));
            return null;
        });
    }

    /** Journals a step as DONE, inside the transaction that also writes the step's effects. */
    public void done(Connection c, String runId, int number, String result) throws SQLException {
        finish(c, runId, number, StepRecord.State.DONE, result);
        audit.append(c, new AuditEvent(AuditLog.CONSOLE, "step.done", Outcome.DONE, Map.of("run", runId,
                "step", Integer.toString(number), "result", result)));
    }

    /** Journals a step as FAILED, with why. */
    public void failed(String runId, int number, String why) {
        store.write(c -> {
            finish(c, runId, number, StepRecord.State.FAILED, why);
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "step.failed", Outcome.FAILED, Map.of("run", runId,
                    "step", Integer.toString(number), "reason", why)));
            return null;
        });
    }

    private void finish(Connection c, String runId, int number, StepRecord.State state, String result) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE run_step SET state = ?, ended_at = ?, result = ?"
                + " WHERE run_id = ? AND step_no = ?")) {
            ps.setString(1, state.name());
            ps.setString(2, clock.instant().toString());
            ps.setString(3, result);
            ps.setString(4, runId);
            ps.setInt(5, number);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("step " + number + " of run " + runId + " was never started");
            }
        }
    }

    public Optional<RunRecord> find(String runId) {
        return store.read(c -> runs(c, "id = ?", runId)).stream().findFirst();
    }

    /** Runs left open by a crash, a power loss or a killed process: the next start shows them first. */
    public List<RunRecord> interrupted() {
        return store.read(c -> runs(c, "state IN ('PLANNED','QUORUM','STEPS')", null));
    }

    /** The most recent runs, newest first. */
    public List<RunRecord> recent(int limit) {
        return store.read(c -> runs(c, "1=1 ORDER BY started_at DESC LIMIT " + Math.max(1, limit), null));
    }

    public List<StepRecord> steps(String runId) {
        return store.read(c -> {
            List<StepRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT run_id, step_no, name, state, attempt, started_at, ended_at,"
                    + " result FROM run_step WHERE run_id = ? ORDER BY step_no")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StepRecord(rs.getString(1), rs.getInt(2), rs.getString(3),
                                StepRecord.State.valueOf(rs.getString(4)), rs.getInt(5), Instant.parse(rs.getString(6)),
                                rs.getString(7) == null ? null : Instant.parse(rs.getString(7)), rs.getString(8)));
                    }
                }
            }
            return out;
        });
    }

    /** The exact script bytes of a run. */
    public byte[] script(String runId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT script FROM ceremony_run WHERE id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalArgumentException("no run " + runId);
                    }
                    return rs.getBytes(1);
                }
            }
        });
    }

    /** Records the signature an approving card made over the script's SHA-256. */
    public void approval(Connection c, String runId, int quorumNo, String serial, String custodianId, byte[] signature)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_approval (run_id, quorum_no, card_serial, custodian_id,"
                + " signature, at) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, runId);
            ps.setInt(2, quorumNo);
            ps.setString(3, serial);
            ps.setString(4, custodianId);
            ps.setBytes(5, signature);
            ps.setString(6, clock.instant().toString());
            ps.executeUpdate();
        }
    }

    /** The number of the next quorum of a run (1 for its first; a resume forms another). */
    public int nextQuorumNumber(String runId) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(quorum_no), 0) + 1 FROM run_approval WHERE run_id = ?")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    /** The audit head as this transaction sees it. */
    private static org.hsmc.ceremony.audit.AuditHead headIn(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new org.hsmc.ceremony.audit.AuditHead(rs.getLong(1), rs.getBytes(2))
                    : org.hsmc.ceremony.audit.AuditHead.empty();
        }
    }

    private static List<RunRecord> runs(Connection c, String where, String arg) throws SQLException {
        List<RunRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, type, title, source, script_sha256, site, operator, state,"
                + " started_at, ended_at, audit_head_before, audit_head_after, rehearsal_pins, failure FROM ceremony_run WHERE " + where)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RunRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), RunState.valueOf(rs.getString(8)), Instant.parse(rs.getString(9)),
                            rs.getString(10) == null ? null : Instant.parse(rs.getString(10)), rs.getString(11),
                            rs.getString(12), rs.getInt(13) == 1, rs.getString(14)));
                }
            }
        }
        return out;
    }
}
