package org.hsmc.reports;

import org.hsmc.ceremony.audit.AuditEntry;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the facts of reports from the console's store, read-only ({@link Store#read}), into the plain
 * records the renderers print. The ceremony module has no query for "what did this run do", so this
 * class asks the existing tables itself:
 * <ul>
 *   <li>the run, its script (for witnesses and notes) and its approvals from {@code ceremony_run},
 *       {@code run_approval}, {@code custodian};</li>
 *   <li>everything else from the audit log, the record an auditor trusts: the entries whose details
 *       name the run ({@code "run"}), and, for the entries that carry no run (card enrolment, LMK
 *       rotation, the console certificate, the quorum), the entries between the run's audit heads
 *       before and after that lie in no other run's span.</li>
 * </ul>
 * So a step that failed and was retried shows every attempt, and a key's validity is printed as the
 * run made it even when a later rotation shortened it.
 */
public final class ReportData {

    private static final Pattern VERSION = Pattern.compile("/v(\\d{1,5})$");

    private final Store store;
    private final AuditLog audit;

    public ReportData(Store store) {
        this.store = store;
        this.audit = new AuditLog(store, Clock.systemUTC());
    }

    // ------------------------------------------------------------------ ceremony runs

    /**
     * The run whose id is {@code runRef} or starts with it (at least 8 characters).
     *
     * @throws ReportException when no run, or more than one, matches
     */
    public String resolveRun(String runRef) {
        String ref = runRef == null ? "" : runRef.strip();
        List<String> ids = store.read(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM ceremony_run WHERE id = ? OR (length(?) >= 8 AND substr(id, 1,"
                    + " length(?)) = ?) ORDER BY started_at")) {
                for (int i = 1; i <= 4; i++) {
                    ps.setString(i, ref);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
        if (ids.contains(ref)) {
            return ref;
        }
        if (ids.isEmpty()) {
            throw new ReportException("There is no ceremony run '" + ref + "' in this console's store. 'hsmc ceremony list' shows the"
                    + " runs; give the whole id or its first 8 characters or more.");
        }
        if (ids.size() > 1) {
            throw new ReportException("'" + ref + "' is the start of " + ids.size() + " runs (" + String.join(", ", ids)
                    + "). Give more of the id.");
        }
        return ids.getFirst();
    }

    /** The facts of run {@code runRef} (a whole id or a unique prefix of 8 or more characters). */
    public CeremonyReportData ceremony(String runRef) {
        String runId = resolveRun(runRef);
        return store.read(c -> ceremony(c, runId));
    }

    private record RunRow(CeremonyReportData.Run run, String headBefore, String headAfter) {
    }

    private CeremonyReportData ceremony(Connection c, String runId) throws SQLException {
        RunRow row = runRow(c, runId);
        CeremonyReportData.Run run = row.run();
        List<AuditEntry> entries = runEntries(c, runId, row.headBefore(), row.headAfter());

        List<CeremonyReportData.StepAttempt> steps = steps(c, runId, entries);
        List<CeremonyReportData.KeyChange> keys = new ArrayList<>();
        List<CeremonyReportData.Component> components = new ArrayList<>();
        List<CeremonyReportData.Bundle> bundles = new ArrayList<>();
        List<CeremonyReportData.Refusal> refusals = new ArrayList<>();
        Map<String, MutableParticipant> people = new LinkedHashMap<>();

        try (PreparedStatement ps = c.prepareStatement("SELECT a.card_serial, a.custodian_id, a.at, p.name, p.role FROM run_approval a"
                + " JOIN custodian p ON p.id = a.custodian_id WHERE a.run_id = ? ORDER BY a.quorum_no, a.at, a.card_serial")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    MutableParticipant p = people.computeIfAbsent(rs.getString(4), n -> new MutableParticipant(n));
                    p.custodianId = rs.getString(2);
                    p.role = rs.getString(5);
                    p.card = rs.getString(1);
                    p.approvedAt.add(rs.getString(3));
                }
            }
        }
        Map<String, String> addedNames = new LinkedHashMap<>();
        List<AuditorRecord.TrustAnchor> anchors = new ArrayList<>();
        AuditorRecord.Identity identity = null;
        for (AuditEntry e : entries) {
            Map<String, String> d = details(e);
            if (e.action().equals("console_certificate.created")) {
                String sha = d.get("certificate_sha256");
                anchors.add(new AuditorRecord.TrustAnchor("CONSOLE_CERTIFICATE", d.get("key"),
                        sha != null ? sha : certificateSha256(c, d.get("key"))));
            } else if (e.action().equals("audit.signer_registered")) {
                anchors.add(new AuditorRecord.TrustAnchor("AUDIT_KEY", d.get("key_id"), d.get("public_key_sha256")));
            } else if (e.action().equals(org.hsmc.ceremony.audit.HsmIdentity.ACTION) && identity == null) {
                identity = new AuditorRecord.Identity(e.at(), d.get("library"), d.get("library_manufacturer"),
                        d.get("library_description"), d.get("library_version"), d.get("cryptoki_version"), d.get("token_label"),
                        d.get("token_manufacturer"), d.get("token_model"), d.get("token_serial"), d.get("token_hardware"),
                        d.get("token_firmware"), d.get("console_version"), d.get("console_build"));
            }
            switch (e.action()) {
                case "custodian.added" -> {
                    addedNames.put(d.get("custodian"), d.get("name"));
                    MutableParticipant p = people.computeIfAbsent(d.get("name"), MutableParticipant::new);
                    p.custodianId = d.get("custodian");
                    p.role = d.get("role");
                }
                case "card.enrolled" -> {
                    String name = addedNames.getOrDefault(d.get("custodian"), custodianName(c, d.get("custodian")));
                    MutableParticipant p = people.computeIfAbsent(name, MutableParticipant::new);
                    p.custodianId = d.get("custodian");
                    p.card = d.get("card");
                    p.enrolled = true;
                }
                case "card_set.check" -> {
                    if ("DONE".equals(e.outcome())) {
                        String[] holder = cardHolder(c, d.get("card"));
                        if (holder != null) {
                            MutableParticipant p = people.computeIfAbsent(holder[0], MutableParticipant::new);
                            p.custodianId = holder[1];
                            p.role = p.role == null ? holder[2] : p.role;
                            p.card = p.card == null ? d.get("card") : p.card;
                            p.checkedAt.add(e.at());
                        }
                    }
                }
                // custody changes (issue 16): cards, the card set the credential was re-shared over, the role rule
                case "card.revoked" -> keys.add(key(d.get("card"), "CARD", null, "REVOKED", null, null, null,
                        custodianName(c, d.get("custodian")), d.get("reason")));
                case "card.unblocked" -> keys.add(key(d.get("card"), "CARD", null, "UNBLOCKED", null, null, null,
                        custodianName(c, d.get("custodian")), null));
                case "hsm.credential_rotated" -> keys.add(key(d.get("card_set"), "CARD_SET", null, "ROTATED", null, null, null,
                        d.get("retired_card_set"), null));
                case "policy.changed" -> keys.add(key(d.get("operation"), "ROLE_RULE", null, "CHANGED", null, null, null,
                        d.get("before"), d.get("after")));
                case "quorum.refused" -> refusals.add(new CeremonyReportData.Refusal(e.at(), e.actor(), d.get("card"), d.get("refusal"),
                        d.get("message")));
                case "lmk.created" -> keys.add(key(d.get("label"), "LMK", d.get("kcv"), "CREATED", "AES-256", null, null, null,
                        d.get("status")));
                case "lmk.rotated" -> {
                    keys.add(key(d.get("to"), "LMK", masterKcv(c, d.get("to")), "ACTIVATED", null, null, null, d.get("from"),
                            d.get("keys_rewrapped")));
                    keys.add(key(d.get("from"), "LMK", masterKcv(c, d.get("from")), "RETIRED", null, null, null, d.get("to"), null));
                }
                case "zmk.stored" -> keys.add(key(d.get("key"), "ZMK", d.get("kcv"),
                        "import-zone-master-key".equals(run.type()) ? "IMPORTED" : "CREATED", "AES-256", null, null, d.get("lmk"),
                        d.get("components")));
                case "transport_key.stored" -> keys.add(key(d.get("key"), "TRANSPORT_KEY", d.get("fingerprint"), "REGISTERED",
                        "RSA-3072", null, null, null, null));
                case "working_key.created" -> keys.add(key(d.get("key"), "WORKING_KEY", d.get("kcv"), "CREATED", d.get("algorithm"),
                        d.get("valid_from"), d.get("valid_until"), null, null));
                case "working_key.rotated" -> keys.add(key(d.get("old"), "WORKING_KEY", workingKcv(c, d.get("old")), "SUPERSEDED", null,
                        null, d.get("old_valid_until"), d.get("new"), null));
                case "working_key.revoked" -> keys.add(key(d.get("key"), "WORKING_KEY", workingKcv(c, d.get("key")), "REVOKED", null,
                        null, null, d.get("incident"), d.get("reason")));
                case "key.withdrawn" -> keys.add(key(d.get("key"), d.get("key").startsWith("wk/") ? "WORKING_KEY"
                        : d.get("key").startsWith("tk/") ? "TRANSPORT_KEY" : "ZMK",
                        d.get("key").startsWith("wk/") ? workingKcv(c, d.get("key")) : null, "WITHDRAWN", null, null, null, null,
                        d.get("reason")));
                case "zone.registered" -> keys.add(new CeremonyReportData.KeyChange(d.get("zone"), "ZONE", null, null, "REGISTERED", null,
                        null, null, d.get("name"), null));
                case "zone.revoked" -> keys.add(new CeremonyReportData.KeyChange(d.get("zone"), "ZONE", null, null, "REVOKED", null, null,
                        null, d.get("incident"), d.get("reason")));
                case "console_certificate.created" -> keys.add(key(d.get("key"), "BUNDLE_SIGNER", null, "CREATED", "EC P-384", null,
                        d.get("not_after"), d.get("subject"), d.get("serial")));
                case "audit.signer_registered" -> keys.add(key(d.get("key_id"), "AUDIT_SIGNER", null, "REGISTERED", "EC P-384", null,
                        null, d.get("public_key_sha256"), null));
                case "zmk.component_delivered" -> {
                    int[] no = componentNumber(d.get("component_no"));
                    components.add(new CeremonyReportData.Component(e.at(), d.get("key"), no[0], no[1] > 0 ? no[1] : null, e.actor(),
                            d.get("component_kcv"), "DELIVERED", null));
                    people.computeIfAbsent(e.actor(), MutableParticipant::new).components.add(d.get("component_no"));
                }
                case "zmk.component_accepted" -> {
                    int[] no = componentNumber(d.get("component_no"));
                    components.add(new CeremonyReportData.Component(e.at(), d.get("key"), no[0], no[1] > 0 ? no[1] : null, null,
                            d.get("kcv"), "ACCEPTED", null));
                }
                case "zmk.component_refused" -> {
                    int[] no = componentNumber(d.get("component_no"));
                    components.add(new CeremonyReportData.Component(e.at(), d.get("key"), no[0], no[1] > 0 ? no[1] : null, null, null,
                            "REFUSED", d.get("reason")));
                }
                default -> {
                    if (e.action().startsWith("bundle.") && d.containsKey("sha256")) {
                        Long keyCount = parseLong(d.get("keys"));
                        Long revocations = parseLong(d.get("revocations"));
                        String previous = d.get("previous_sha256");
                        bundles.add(new CeremonyReportData.Bundle(e.at(), d.get("zone"), parseLong(d.get("sequence")), d.get("sha256"),
                                previous == null || previous.equals("none") ? null : previous, d.get("file"),
                                keyCount == null ? null : keyCount.intValue(), revocations == null ? null : revocations.intValue(),
                                d.get("expires_at")));
                    }
                }
            }
        }
        List<CeremonyReportData.Participant> participants = new ArrayList<>();
        for (MutableParticipant p : people.values()) {
            if (p.role == null || p.custodianId == null) {
                Optional<String[]> known = custodianByName(c, p.name);
                if (known.isPresent()) {
                    p.custodianId = p.custodianId == null ? known.get()[0] : p.custodianId;
                    p.role = p.role == null ? known.get()[1] : p.role;
                }
            }
            participants.add(new CeremonyReportData.Participant(p.name, p.custodianId, p.role, p.card, p.approvedAt, p.enrolled,
                    p.components, p.checkedAt));
        }
        List<CeremonyReportData.SignatureLine> signatures = new ArrayList<>();
        signatures.add(new CeremonyReportData.SignatureLine("OPERATOR", run.operator()));
        for (CeremonyReportData.Participant p : participants) {
            if (!p.name().equals(run.operator())) {
                signatures.add(new CeremonyReportData.SignatureLine(p.role() == null ? "PARTICIPANT" : p.role(), p.name()));
            }
        }
        for (String w : run.witnesses()) {
            signatures.add(new CeremonyReportData.SignatureLine("WITNESS", w));
        }
        if (signatures.stream().noneMatch(s -> "AUDITOR".equals(s.role()))) {
            signatures.add(new CeremonyReportData.SignatureLine("AUDITOR", ""));
        }
        return new CeremonyReportData(run, new CeremonyReportData.AuditSpan(row.headBefore(), row.headAfter()), participants, refusals,
                steps, KeyChangeSummary.summarise(keys), components, bundles, signatures, new AuditorRecord(anchors, identity, exportedKeys(c, runId),
                deviations(c, runId)));
    }

    /** The deviations recorded for the run (DONE entries), wherever they are in the log: during the run or after it. */
    private static List<AuditorRecord.Deviation> deviations(Connection c, String runId) throws SQLException {
        List<AuditorRecord.Deviation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT at, actor, details FROM audit_entry WHERE action = ? AND outcome = 'DONE'"
                + " ORDER BY seq")) {
            ps.setString(1, org.hsmc.ceremony.run.Deviations.ACTION);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, String> d = details(new AuditEntry(0, null, null, null, null, rs.getString(3), null, null));
                    if (runId.equals(d.get("run"))) {
                        Long step = parseLong(d.get("step"));
                        out.add(new AuditorRecord.Deviation(rs.getString(1), rs.getString(2), step == null ? 0 : step.intValue(),
                                d.get("what"), d.get("instead")));
                    }
                }
            }
        }
        return out;
    }

    /** Every key the run's bundles carry, read from the signed bundles themselves, by zone and sequence. */
    private static List<AuditorRecord.ExportedKey> exportedKeys(Connection c, String runId) throws SQLException {
        List<AuditorRecord.ExportedKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT zone_id, sequence, der FROM bundle WHERE run_id = ? ORDER BY zone_id, sequence")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    for (org.hsmc.ceremony.bundle.BundleReceipt.Key k : org.hsmc.ceremony.bundle.BundleReceipt.keys(rs.getBytes(3))) {
                        out.add(new AuditorRecord.ExportedKey(rs.getString(1), rs.getLong(2), k.id(), k.purpose(), k.version(), k.kcv(),
                                k.wrappingKey(), k.wrappingKcv()));
                    }
                }
            }
        }
        return out;
    }

    /** SHA-256 over the DER of the console certificate {@code keyId}, as stored; null when the store has none. */
    private static String certificateSha256(Connection c, String keyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT der FROM console_certificate WHERE key_id = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? ReportJson.sha256(rs.getBytes(1)) : null;
            }
        }
    }

    private static final class MutableParticipant {
        final String name;
        String custodianId;
        String role;
        String card;
        final List<String> approvedAt = new ArrayList<>();
        boolean enrolled;
        final List<String> components = new ArrayList<>();
        final List<String> checkedAt = new ArrayList<>();

        MutableParticipant(String name) {
            this.name = name;
        }
    }

    /** The name, custodian id and role of a card's holder; null for a card the store does not know. */
    private static String[] cardHolder(Connection c, String serial) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT p.name, p.id, p.role FROM card k JOIN custodian p ON p.id = k.custodian_id"
                + " WHERE k.serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3)} : null;
            }
        }
    }

    private static RunRow runRow(Connection c, String runId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, type, title, source, script, script_sha256, site, operator, state,"
                + " started_at, ended_at, audit_head_before, audit_head_after, rehearsal_pins, failure FROM ceremony_run WHERE id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new ReportException("There is no ceremony run '" + runId + "' in this console's store.");
                }
                String source = rs.getString(4);
                List<String> witnesses = List.of();
                String notes = null;
                try {
                    CeremonyScript script = ScriptParser.parse(rs.getBytes(5), source).script();
                    witnesses = script.witnesses();
                    notes = script.notes().orElse(null);
                } catch (RuntimeException e) {
                    notes = "(The stored script could not be read again: " + e.getMessage() + ")";
                }
                CeremonyReportData.Run run = new CeremonyReportData.Run(rs.getString(1), rs.getString(2), rs.getString(3), source,
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                        rs.getString(15), rs.getInt(14) == 1, notes, witnesses);
                return new RunRow(run, rs.getString(12), rs.getString(13));
            }
        }
    }

    /** The audit entries of a run: those that name it, and those without a run in its span and in no other run's span. */
    private static List<AuditEntry> runEntries(Connection c, String runId, String headBefore, String headAfter) throws SQLException {
        long head = headSeq(c);
        long from = AuditHead.parse(headBefore).seq();
        long to = headAfter == null ? head : AuditHead.parse(headAfter).seq();
        List<long[]> others = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT audit_head_before, audit_head_after FROM ceremony_run WHERE id <> ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long b = AuditHead.parse(rs.getString(1)).seq();
                    long a = rs.getString(2) == null ? head : AuditHead.parse(rs.getString(2)).seq();
                    others.add(new long[]{b, a});
                }
            }
        }
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, actor, action, outcome, details, prev_hash, hash FROM audit_entry"
                + " WHERE (seq > ? AND seq <= ?) OR " + org.hsmc.ceremony.audit.AuditLog.RUN_OF_ENTRY + " = ? ORDER BY seq")) {
            ps.setLong(1, from);
            ps.setLong(2, to);
            ps.setString(3, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    AuditEntry e = entry(rs);
                    Map<String, String> d = details(e);
                    String run = d.get("run");
                    boolean mine = runId.equals(run)
                            || (run == null && others.stream().noneMatch(r -> e.seq() > r[0] && e.seq() <= r[1]));
                    if (mine) {
                        out.add(e);
                    }
                }
            }
        }
        return out;
    }

    private static List<CeremonyReportData.StepAttempt> steps(Connection c, String runId, List<AuditEntry> entries) throws SQLException {
        List<CeremonyReportData.StepAttempt> out = new ArrayList<>();
        Map<Integer, Integer> attempts = new LinkedHashMap<>();
        Map<Integer, Integer> open = new LinkedHashMap<>();
        for (AuditEntry e : entries) {
            Map<String, String> d = details(e);
            if (!e.action().startsWith("step.") || !runId.equals(d.get("run"))) {
                continue;
            }
            Long n = parseLong(d.get("step"));
            if (n == null) {
                continue;
            }
            int step = n.intValue();
            switch (e.action()) {
                case "step.started" -> {
                    int attempt = attempts.merge(step, 1, Integer::sum);
                    open.put(step, out.size());
                    out.add(new CeremonyReportData.StepAttempt(step, attempt, d.get("name"), e.at(), null, "STARTED", null));
                }
                case "step.done", "step.failed" -> {
                    Integer i = open.remove(step);
                    String outcome = e.action().equals("step.done") ? "DONE" : "FAILED";
                    String result = outcome.equals("DONE") ? d.get("result") : d.get("reason");
                    if (i != null) {
                        CeremonyReportData.StepAttempt s = out.get(i);
                        out.set(i, new CeremonyReportData.StepAttempt(s.step(), s.attempt(), s.name(), s.startedAt(), e.at(), outcome, result));
                    }
                }
                default -> {
                    // other step.* actions carry nothing for the report
                }
            }
        }
        if (out.isEmpty()) {
            // a run journaled before its steps were audited: the journal holds the last attempt of each step
            try (PreparedStatement ps = c.prepareStatement("SELECT step_no, attempt, name, started_at, ended_at, state, result FROM run_step"
                    + " WHERE run_id = ? ORDER BY step_no")) {
                ps.setString(1, runId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new CeremonyReportData.StepAttempt(rs.getInt(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
        }
        return out;
    }

    private static CeremonyReportData.KeyChange key(String id, String kind, String kcv, String change, String algorithm,
                                                    String validFrom, String validUntil, String related, String reason) {
        return new CeremonyReportData.KeyChange(id, kind, version(id), kcv, change, algorithm, validFrom, validUntil, related, reason);
    }

    /** The version at the end of a key id ({@code …/vN}), or null. */
    static Integer version(String id) {
        if (id == null) {
            return null;
        }
        Matcher m = VERSION.matcher(id);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    /** "2 of 3" → {2, 3}; "2" → {2, 0}. */
    private static int[] componentNumber(String text) {
        if (text == null) {
            return new int[]{0, 0};
        }
        String[] parts = text.split(" of ");
        Long i = parseLong(parts[0]);
        Long k = parts.length > 1 ? parseLong(parts[1]) : null;
        return new int[]{i == null ? 0 : i.intValue(), k == null ? 0 : k.intValue()};
    }

    private static String masterKcv(Connection c, String label) throws SQLException {
        return single(c, "SELECT kcv FROM master_key WHERE label = ?", label);
    }

    private static String workingKcv(Connection c, String id) throws SQLException {
        return single(c, "SELECT kcv FROM working_key WHERE id = ?", id);
    }

    private static String custodianName(Connection c, String id) throws SQLException {
        String name = single(c, "SELECT name FROM custodian WHERE id = ?", id);
        return name == null ? id : name;
    }

    private static Optional<String[]> custodianByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, role FROM custodian WHERE name = ? ORDER BY created_at LIMIT 1")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[]{rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        }
    }

    private static String single(Connection c, String sql, String arg) throws SQLException {
        if (arg == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ------------------------------------------------------------------ audit extracts

    /** A range of the audit log, by entry numbers or by UTC dates, both ends inclusive. */
    public sealed interface AuditRange {
        /** Entries {@code from} to {@code to}; null ends mean the first and the last entry. */
        record BySequence(Long from, Long to) implements AuditRange {
        }

        /** Entries written from the start of {@code from} to the end of {@code to} (UTC days); null ends are open. */
        record ByDate(LocalDate from, LocalDate to) implements AuditRange {
        }
    }

    /** The facts of an audit extract: the entries of {@code range}, with the whole log's verification. */
    public AuditExtractData auditExtract(AuditRange range) {
        AuditVerification v = audit.verify(Optional.empty());
        AuditExtractData.Verification verification = new AuditExtractData.Verification(v.intact(), v.damage().name(),
                v.firstBadSeq().isPresent() ? v.firstBadSeq().getAsLong() : null, v.entriesChecked(), v.checkpointsVerified(),
                v.lastCheckpointSeq().isPresent() ? v.lastCheckpointSeq().getAsLong() : null, v.head().map(AuditHead::text).orElse(null),
                v.message());
        return store.read(c -> {
            long head = headSeq(c);
            String by;
            String fromText;
            String toText;
            long fromSeq;
            long toSeq;
            switch (range) {
                case AuditRange.BySequence s -> {
                    by = "SEQUENCE";
                    fromSeq = s.from() == null ? 1 : Math.max(1, s.from());
                    toSeq = s.to() == null ? head : Math.min(head, s.to());
                    fromText = Long.toString(fromSeq);
                    toText = s.to() == null ? Long.toString(head) : Long.toString(s.to());
                }
                case AuditRange.ByDate d -> {
                    by = "DATE";
                    if (d.from() != null && d.to() != null && d.to().isBefore(d.from())) {
                        throw new ReportException("The range ends (" + d.to() + ") before it starts (" + d.from() + ").");
                    }
                    fromText = d.from() == null ? "" : d.from().toString();
                    toText = d.to() == null ? "" : d.to().toString();
                    String lo = d.from() == null ? "" : d.from().toString();
                    String hi = d.to() == null ? "9999-12-31T99" : d.to().plusDays(1).toString();
                    try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq), MAX(seq) FROM audit_entry WHERE at >= ? AND at < ?")) {
                        ps.setString(1, lo);
                        ps.setString(2, hi);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            fromSeq = rs.getObject(1) == null ? 1 : rs.getLong(1);
                            toSeq = rs.getObject(2) == null ? 0 : rs.getLong(2);
                        }
                    }
                }
            }
            if (range instanceof AuditRange.BySequence s && s.from() != null && s.to() != null && s.to() < s.from()) {
                throw new ReportException("The range ends (entry " + s.to() + ") before it starts (entry " + s.from() + ").");
            }
            List<AuditExtractData.Entry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, actor, action, outcome, details, prev_hash, hash FROM audit_entry"
                    + " WHERE seq BETWEEN ? AND ? ORDER BY seq")) {
                ps.setLong(1, fromSeq);
                ps.setLong(2, toSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditEntry e = entry(rs);
                        entries.add(new AuditExtractData.Entry(e.seq(), e.at(), e.actor(), e.action(), e.outcome(), details(e),
                                HexFormat.of().formatHex(e.hash())));
                    }
                }
            }
            List<AuditExtractData.CheckpointMark> checkpoints = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, at, key_id FROM audit_checkpoint WHERE seq BETWEEN ? AND ? ORDER BY seq, id")) {
                ps.setLong(1, fromSeq);
                ps.setLong(2, toSeq);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        checkpoints.add(new AuditExtractData.CheckpointMark(rs.getLong(1), rs.getString(2), rs.getString(3)));
                    }
                }
            }
            return new AuditExtractData(new AuditExtractData.Range(by, fromText, toText, fromSeq, toSeq), entries, checkpoints,
                    verification);
        });
    }

    // ------------------------------------------------------------------ inventory

    /**
     * The key inventory at {@code asOf}: keys whose validity ends before {@code asOf} plus
     * {@code dueWithinDays} days are due (active and not yet superseded: the rule of
     * {@code KeyHierarchy.dueForRotation}).
     */
    public InventoryData inventory(Instant asOf, int dueWithinDays) {
        if (dueWithinDays < 0) {
            throw new ReportException("The rotation window is a number of days, 0 or more, not " + dueWithinDays + ".");
        }
        Instant dueLimit = asOf.plus(Duration.ofDays(dueWithinDays));
        return store.read(c -> {
            String head = headText(c);
            List<InventoryData.MasterKeyRow> lmks = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT label, version, kcv, status, created_at, retired_at FROM master_key ORDER BY version");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    lmks.add(new InventoryData.MasterKeyRow(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6)));
                }
            }
            List<InventoryData.ZoneSection> zones = new ArrayList<>();
            List<InventoryData.DueKey> due = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, status, created_at, revoked_at, revoke_reason FROM zone ORDER BY id");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String zone = rs.getString(1);
                    zones.add(new InventoryData.ZoneSection(zone, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), zoneKeys(c, zone), workingKeys(c, zone, asOf)));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, zone_id, valid_until FROM working_key WHERE status = 'ACTIVE'"
                    + " AND superseded_by IS NULL AND valid_until < ? ORDER BY valid_until, id")) {
                ps.setString(1, dueLimit.toString());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant until = Instant.parse(rs.getString(3));
                        long days = Math.floorDiv(Duration.between(asOf, until).toSeconds(), 86_400L);
                        due.add(new InventoryData.DueKey(rs.getString(1), rs.getString(2), rs.getString(3), days));
                    }
                }
            }
            return new InventoryData(asOf.toString(), head, dueWithinDays, lmks, zones, due);
        });
    }

    private static List<InventoryData.ZoneKeyRow> zoneKeys(Connection c, String zone) throws SQLException {
        List<InventoryData.ZoneKeyRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, version, kcv, status, components, created_at FROM zone_key"
                + " WHERE zone_id = ? ORDER BY version")) {
            ps.setString(1, zone);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object comps = rs.getObject(6);
                    out.add(new InventoryData.ZoneKeyRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            comps == null ? null : ((Number) comps).intValue(), rs.getString(7)));
                }
            }
        }
        return out;
    }

    private static List<InventoryData.WorkingKeyRow> workingKeys(Connection c, String zone, Instant asOf) throws SQLException {
        List<InventoryData.WorkingKeyRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, algorithm, version, kcv, valid_from, valid_until, status,"
                + " superseded_by, revoked_at, revoke_reason, lmk_version FROM working_key WHERE zone_id = ? ORDER BY purpose, version")) {
            ps.setString(1, zone);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant from = Instant.parse(rs.getString(6));
                    Instant until = Instant.parse(rs.getString(7));
                    String status = rs.getString(8);
                    String condition = "WITHDRAWN".equals(status) ? "WITHDRAWN" : !"ACTIVE".equals(status) ? "REVOKED" : asOf.isBefore(from) ? "NOT_YET_VALID"
                            : asOf.isBefore(until) ? "IN_FORCE" : "EXPIRED";
                    out.add(new InventoryData.WorkingKeyRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), status, rs.getString(9), rs.getString(10),
                            rs.getString(11), rs.getInt(12), condition));
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ shared

    /** The audit head as text ({@code seq:hash}). */
    public String auditHead() {
        return store.read(ReportData::headText);
    }

    /** The head the log had at entry {@code seq} ({@code seq:hash}), or empty when there is no such entry. */
    public Optional<String> auditHeadAt(long seq) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_entry WHERE seq = ?")) {
                ps.setLong(1, seq);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<String>empty();
                    }
                    byte[] hash = rs.getBytes(2);
                    return Optional.of(hash != null && hash.length == 32 ? new AuditHead(rs.getLong(1), hash).text()
                            : seq + ":" + (hash == null ? "" : HexFormat.of().formatHex(hash)));
                }
            }
        });
    }

    /** Verifies the whole audit log, with {@code expected} (a head printed in a report) when given. */
    public AuditVerification verifyAudit(Optional<AuditHead> expected) {
        return audit.verify(expected);
    }

    private static long headSeq(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM audit_entry"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String headText(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new AuditHead(rs.getLong(1), rs.getBytes(2)).text() : AuditHead.empty().text();
        }
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getBytes(7), rs.getBytes(8));
    }

    /** An entry's details; a damaged details text is kept whole under the name "?" rather than dropped. */
    private static Map<String, String> details(AuditEntry e) {
        try {
            return e.details();
        } catch (RuntimeException damaged) {
            return Map.of("?", e.detailsJson());
        }
    }

    private static Long parseLong(String s) {
        if (s == null) {
            return null;
        }
        try {
            return Long.valueOf(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
