package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.keys.RunKeys;
import org.hsmc.ceremony.custody.CardSetPurpose;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.keys.KeyException;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.ExportBundleScript;
import org.hsmc.ceremony.script.GenerateMasterKeyScript;
import org.hsmc.ceremony.script.LmkBackupSpec;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.CustodyException;
import org.hsmc.ceremony.custody.RecoveryCards;
import org.hsmc.ceremony.script.GenerateWorkingKeysScript;
import org.hsmc.ceremony.script.GenerateZoneMasterKeyScript;
import org.hsmc.ceremony.script.ImportZoneMasterKeyScript;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.KeySelection;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.RevokeScript;
import org.hsmc.ceremony.script.RotateScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.script.ZmkDelivery;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Pkcs11Exception;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs ceremonies from their scripts: checks the script against the store, records the run
 * (PLANNED), forms the quorum whose cards sign the script's hash (QUORUM), opens the HSM, and runs
 * the steps (STEPS), journaling each before and after, to COMPLETED, ABORTED or FAILED. The same
 * engine drives the GUI wizard and the command line; {@link CeremonyConsole} is the people.
 *
 * <p>Every step is safe to repeat: it first looks for what an earlier attempt of the same run left
 * (keys carry the run id), so an interrupted run can be resumed from its first step not DONE.
 * Session objects die with the process; the only token object a run makes (the LMK) carries the run
 * id in CKA_ID, and an abort or resume destroys it when the store does not know it.
 */
public final class CeremonyEngine {

    /** Working keys per journaled step, by default. */
    static final int BATCH = 500;
    private int batch = BATCH;

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Token hsm;
    private final String site;
    private final RunJournal journal;
    private final KeyHierarchy keys;
    /** Where relative paths in a script (a transport key file) are resolved: the script's own folder. */
    private Path scriptDirectory = Path.of(".");
    private java.util.function.Function<String, Token> cards;
    private LmkBackupPolicy lmkBackupPolicy = LmkBackupPolicy.ANY;
    private int exportSessions = BundleExporter.DEFAULT_SESSIONS;
    private final java.security.SecureRandom random = new java.security.SecureRandom();
    /** The quorum of the run in progress (the custody ceremonies re-share under it); null between runs. */
    private QuorumSession runQuorum;

    public CeremonyEngine(Store store, AuditLog audit, Clock clock, Token hsm, String site) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.hsm = hsm;
        this.site = site;
        this.journal = new RunJournal(store, audit, clock);
        this.keys = new KeyHierarchy(store, audit, clock);
    }

    /** Relative paths in scripts are resolved against {@code dir}, the folder the script was read from. */
    /** How the engine reaches a card by its token label (the check pass of recovery cards). */
    public CeremonyEngine cards(java.util.function.Function<String, Token> cardsByLabel) {
        this.cards = cardsByLabel;
        return this;
    }

    /** The site's rule for LMK backups (site profile {@code lmk.backup}); {@link LmkBackupPolicy#ANY} by default. */
    /** HSM sessions that translate one zone's keys side by side in export-bundle (site profile {@code export.hsm_sessions}). */
    public CeremonyEngine exportSessions(int sessions) {
        new BundleExporter(store, audit, clock).sessions(sessions); // refuses what it cannot use, now rather than mid-run
        this.exportSessions = sessions;
        return this;
    }

    public CeremonyEngine lmkBackupPolicy(LmkBackupPolicy policy) {
        this.lmkBackupPolicy = policy;
        return this;
    }

    public CeremonyEngine scriptDirectory(Path dir) {
        this.scriptDirectory = dir == null ? Path.of(".") : dir;
        return this;
    }

    /** Working keys per journaled step (tests use small steps to crash between them). */
    CeremonyEngine batchSize(int keysPerStep) {
        this.batch = keysPerStep;
        return this;
    }

    public RunJournal journal() {
        return journal;
    }

    /** One step of a run: a name for people, and an action that is safe to repeat. */
    private record Step(String name, StepAction action) {
    }

    @FunctionalInterface
    private interface StepAction {
        String run(Session hsm, CeremonyConsole console);
    }

    /**
     * Checks {@code parsed} against the store and runs it. {@code rehearsalPins} records that PINs
     * came from a file. Throws {@link CeremonyRefusedException} (audited, nothing else changed) when
     * the script does not fit this console.
     */
    public RunRecord run(ParsedScript parsed, byte[] scriptBytes, CeremonyConsole console, boolean rehearsalPins) {
        CeremonyScript script = parsed.script();
        if (script instanceof InitializeScript) {
            throw new IllegalArgumentException("initialize runs through InitializeCeremony");
        }
        if (script instanceof RestoreMasterKeyScript) {
            throw new IllegalArgumentException("restore-master-key runs through RestoreMasterKeyCeremony");
        }
        audit.requireIntact();
        List<String> problems = new ArrayList<>(store.read(c -> Preconditions.check(c, script)));
        if (script instanceof GenerateMasterKeyScript g) {
            lmkBackupPolicy.problem(g).ifPresent(problems::add);
        }
        // stored keys and bundles are RFC 5649: a token with no mechanism that gives it is refused before any step (ADR 13)
        org.hsmc.pkcs11.Rfc5649Probe wrap = hsm.rfc5649();
        if (wrap.mechanism().isEmpty() && wrap.decisive()) {
            problems.add("The HSM token '" + hsm.label() + "' offers no mechanism that gives RFC 5649 key wrap (" + wrap.summary()
                    + "). Run 'hsmc hsm check' and use a token that offers CKM_AES_KEY_WRAP_KWP, or its vendor's RFC 5649 mechanism.");
        }
        if (!problems.isEmpty()) {
            audit.append(new AuditEvent(script.operator(), "run.refused", Outcome.REFUSED, Map.of("source", parsed.sourceName(),
                    "script_sha256", hex(parsed.sha256()), "problems", String.join("; ", problems))));
            throw new CeremonyRefusedException(parsed.sourceName(), problems);
        }
        String runId = UUID.randomUUID().toString();
        journal.create(runId, script.type().yamlName(), script.title(), parsed.sourceName(), scriptBytes, hex(parsed.sha256()),
                site, script.operator(), rehearsalPins);
        return execute(runId, parsed, console, null);
    }

    /**
     * Resumes an interrupted (or failed) run from its first step not DONE, with a new quorum. Steps
     * that committed stay; a failed step runs again once its cause is fixed. The resume is audited
     * ({@code run.resumed}) only once it starts: after its quorum opened the HSM. When the operator stops
     * that quorum, the run is left as it was (resume or abort it later).
     */
    public RunRecord resume(String runId, CeremonyConsole console) {
        RunRecord run = journal.find(runId).orElseThrow(() -> new RunException("There is no run " + runId + "."));
        requireEngineType(run, "resumed");
        if (!run.state().isOpen() && run.state() != RunState.FAILED) {
            throw new RunException("The run " + runId + " is " + run.state() + "; only an interrupted or failed run resumes.");
        }
        audit.requireIntact();
        ParsedScript parsed = reparse(run);
        return execute(runId, parsed, console, run);
    }

    /**
     * Aborts an interrupted or failed run: with a quorum, destroys any token object the run made that the
     * store does not know (found by the run id in CKA_ID), withdraws the working keys and zone keys the
     * run's steps made ({@link RunKeys#WITHDRAWN}: no bundle carries them), and records ABORTED. What stays
     * is named: an LMK the run created, zones it registered, bundles it wrote. When the operator stops the
     * quorum, nothing changes.
     */
    public RunResolution abortRun(String runId, CeremonyConsole console, String reason) {
        RunRecord run = journal.find(runId).orElseThrow(() -> new RunException("There is no run " + runId + "."));
        requireEngineType(run, "aborted");
        if (!run.state().isOpen() && run.state() != RunState.FAILED) {
            throw new RunException("The run " + runId + " is " + run.state() + "; it cannot be aborted.");
        }
        QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "abort-run", "operator");
        try (q) {
            if (!gather(store, journal, runId, q, null, console)) {
                return new RunResolution(run, List.of(), List.of("nothing: the quorum for the abort was not formed ("
                        + q.approvals().size() + " of " + q.required() + " cards); the run is still " + run.state()));
            }
            q.openHsm(hsm);
            List<String> undone = new ArrayList<>();
            List<String> left = new ArrayList<>();
            int destroyed;
            try (Session s = hsm.openSession()) {
                destroyed = cleanUpOrphans(s, runId);
            }
            if (destroyed > 0) {
                undone.add(destroyed + " HSM object(s) the run made and the store does not know destroyed");
            }
            String summary = store.write(c -> {
                org.hsmc.ceremony.custody.CustodyChange.discardUnfinished(c, clock, runId); // custody changes left unfinished
                RunKeys.Withdrawn w = RunKeys.withdraw(c, audit, runId, clock.instant());
                if (!w.workingKeys().isEmpty()) {
                    undone.add(w.workingKeys().size() + " working key(s) withdrawn with the run: " + abbreviate(w.workingKeys()));
                }
                if (!w.zoneKeys().isEmpty()) {
                    undone.add(w.zoneKeys().size() + " zone key(s) withdrawn with the run: " + abbreviate(w.zoneKeys()));
                }
                if (!w.unsuperseded().isEmpty()) {
                    left.add(w.unsuperseded().size() + " key(s) the withdrawn ones replaced are current again but keep the"
                            + " shortened validity of their overlap: " + abbreviate(w.unsuperseded()));
                }
                for (String lmk : RunKeys.masterKeysOf(c, runId)) {
                    left.add(lmk + " stays in the HSM and the store: other keys may be wrapped under it");
                }
                for (String zone : RunKeys.zonesOf(c, runId)) {
                    left.add("zone " + zone + " stays registered");
                }
                long bundles = BundleRecords.ofRun(c, runId).size();
                if (bundles > 0) {
                    left.add(bundles + " bundle(s) the run signed stay recorded; destroy any copy already written to media");
                }
                String text = reason + (undone.isEmpty() ? "" : "; put back: " + String.join("; ", undone))
                        + (left.isEmpty() ? "" : "; not put back: " + String.join("; ", left));
                journal.setState(c, runId, RunState.ABORTED, text);
                return text;
            });
            return new RunResolution(journal.find(runId).orElseThrow(), undone, left);
        }
    }

    /**
     * Aborts an interrupted run (see {@link #abortRun}); returns the run as it is afterwards.
     */
    public RunRecord abort(String runId, CeremonyConsole console, String reason) {
        return abortRun(runId, console, reason).run();
    }

    private static String abbreviate(List<String> ids) {
        return ids.size() <= 10 ? String.join(", ", ids) : String.join(", ", ids.subList(0, 10)) + " and " + (ids.size() - 10) + " more";
    }

    private static void requireEngineType(RunRecord run, String verb) {
        if (run.type().equals(org.hsmc.ceremony.script.CeremonyType.INITIALIZE.yamlName())
                || run.type().equals(org.hsmc.ceremony.script.CeremonyType.RESTORE_MASTER_KEY.yamlName())) {
            throw new RunException("The run " + run.id() + " is a " + run.type() + " run; it is " + verb
                    + " through CeremonyRuns, which chooses the runner for each type.");
        }
    }

    private ParsedScript reparse(RunRecord run) {
        byte[] bytes = journal.script(run.id());
        ParsedScript parsed = ScriptParser.parse(bytes, run.source());
        if (!hex(parsed.sha256()).equals(run.scriptSha256())) {
            throw new IllegalStateException("The stored script of run " + run.id() + " no longer has its recorded SHA-256;"
                    + " the store was altered. Verify the audit log.");
        }
        return parsed;
    }

    /** Runs (or, with {@code resumed} the run as it was, resumes) the steps of a run under a new quorum. */
    private RunRecord execute(String runId, ParsedScript parsed, CeremonyConsole console, RunRecord resumed) {
        CeremonyScript script = parsed.script();
        List<Step> steps = steps(runId, script);
        QuorumSession quorum = null;
        try {
            if (resumed == null) {
                journal.setState(runId, RunState.QUORUM, null);
                quorum = formQuorum(runId, script.type().yamlName(), parsed.sha256(), console);
                if (quorum == null) {
                    return journal.find(runId).orElseThrow();
                }
            } else {
                quorum = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, script.type().yamlName(), "operator");
                if (!gather(store, journal, runId, quorum, parsed.sha256(), console)) {
                    quorum.close();
                    quorum = null;
                    audit.append(new AuditEvent(resumed.operator(), "run.resume_stopped", Outcome.REFUSED, Map.of("run", runId,
                            "reason", "the quorum was not formed; the run stays " + resumed.state())));
                    return journal.find(runId).orElseThrow();
                }
            }
            quorum.openHsm(hsm);
            runQuorum = quorum;
            if (resumed != null) {
                audit.append(new AuditEvent(resumed.operator(), "run.resumed", Outcome.DONE, Map.of("run", runId)));
            }
            journal.setState(runId, RunState.STEPS, null);
            List<StepRecord> journaled = journal.steps(runId);
            try (Session s = hsm.openSession()) {
                cleanUpOrphans(s, runId);
                for (int i = 0; i < steps.size(); i++) {
                    int number = i + 1;
                    Step step = steps.get(i);
                    boolean done = journaled.stream().anyMatch(r -> r.number() == number && r.state() == StepRecord.State.DONE);
                    if (done) {
                        console.step(number, step.name(), StepRecord.State.DONE, "done in an earlier attempt");
                        continue;
                    }
                    if (!console.confirmStep(number, step.name())) {
                        journal.setState(runId, RunState.ABORTED, "the operator stopped the run before step " + number
                                + " (" + step.name() + ")");
                        return journal.find(runId).orElseThrow();
                    }
                    journal.started(runId, number, step.name());
                    console.step(number, step.name(), StepRecord.State.STARTED, null);
                    String result;
                    try {
                        result = step.action().run(s, console);
                    } catch (RuntimeException e) {
                        String why = message(e);
                        journal.failed(runId, number, why);
                        console.step(number, step.name(), StepRecord.State.FAILED, why);
                        throw e;
                    }
                    store.write(c -> {
                        journal.done(c, runId, number, result);
                        return null;
                    });
                    console.step(number, step.name(), StepRecord.State.DONE, result);
                }
            }
            journal.setState(runId, RunState.COMPLETED, null);
        } catch (RuntimeException e) {
            journal.setState(runId, RunState.FAILED, message(e));
            throw e;
        } finally {
            runQuorum = null;
            if (quorum != null) {
                quorum.close();
            }
        }
        return journal.find(runId).orElseThrow();
    }

    /** Forms the quorum; null when the operator stopped (the run is then ABORTED). */
    private QuorumSession formQuorum(String runId, String operation, byte[] plan, CeremonyConsole console) {
        QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, operation, "operator");
        if (!gather(store, journal, runId, q, plan, console)) {
            q.close();
            journal.setState(runId, RunState.ABORTED, "the quorum was not formed (" + q.approvals().size() + " of "
                    + q.required() + " cards)");
            return null;
        }
        return q;
    }

    /**
     * Asks the console for cards until {@code q} is complete: each approval (with its signature over
     * {@code plan}, when there is one) is journaled for the run, each refusal shown. False when the operator
     * stopped before the quorum was complete. Every PIN is wiped.
     */
    static boolean gather(Store store, RunJournal journal, String runId, QuorumSession q, byte[] plan, CeremonyConsole console) {
        int quorumNo = journal.nextQuorumNumber(runId);
        while (!q.isComplete()) {
            Optional<CeremonyConsole.CardAndPin> next = console.nextCard(q);
            if (next.isEmpty()) {
                return false;
            }
            char[] pin = next.get().pin();
            try {
                QuorumSession.Approval a = q.present(next.get().card(), pin, plan);
                if (plan != null) {
                    store.write(c -> {
                        journal.approval(c, runId, quorumNo, a.serial(), a.holder().id(), a.signature());
                        return null;
                    });
                }
                console.approved(a, q.approvals().size(), q.required());
            } catch (QuorumRefusal r) {
                console.refused(r);
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
        return true;
    }

    /** Destroys token objects whose CKA_ID is this run's id and that the store does not know. */
    private int cleanUpOrphans(Session s, String runId) {
        byte[] id = runId.getBytes(StandardCharsets.UTF_8);
        Set<String> known = store.read(c -> KeyRecords.masterKeys(c).stream().map(m -> m.label()).collect(Collectors.toSet()));
        int destroyed = 0;
        for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
            for (KeyHandle h : s.findKeysById(kc, id)) {
                String label = s.label(h);
                if (label == null || !known.contains(label)) {
                    s.destroy(h);
                    destroyed++;
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "hsm.orphan_destroyed", Outcome.DONE, Map.of("run", runId,
                            "label", label == null ? "" : label)));
                }
            }
        }
        return destroyed;
    }

    // ------------------------------------------------------------------ the steps of each type

    /**
     * The names of the steps a run of {@code script} will take, in order, as the run journals them (for the
     * printed script made before the ceremony). Nothing runs; initialize and restore-master-key have their
     * own ({@link InitializeCeremony#plannedSteps}).
     */
    public List<String> plannedSteps(CeremonyScript script) {
        return steps("planned", script).stream().map(Step::name).toList();
    }

    private List<Step> steps(String runId, CeremonyScript script) {
        return switch (script) {
            case GenerateMasterKeyScript s -> masterKeySteps(runId, s);
            case GenerateZoneMasterKeyScript s -> zoneMasterKeySteps(runId, s);
            case ImportZoneMasterKeyScript s -> importZoneMasterKeySteps(runId, s);
            case GenerateWorkingKeysScript s -> workingKeySteps(runId, s);
            case RotateScript s -> List.of(new Step("rotate keys due within " + s.dueWithinDays() + " days", (hsm, console) -> {
                List<WorkingKey> made = keys.rotate(hsm, s.zone(), Duration.ofDays(s.dueWithinDays()),
                        Duration.ofDays(s.overlapDays()), Duration.ofDays(s.validityDays()), runId);
                return made.size() + " new key version(s): " + made.stream().map(WorkingKey::id).limit(20).collect(Collectors.joining(", "));
            }));
            case RevokeScript s -> List.of(new Step("revoke " + (s.keys() instanceof KeySelection.All ? "zone " + s.zone()
                    : ((KeySelection.Listed) s.keys()).ids().size() + " key(s)"), (hsm, console) -> {
                boolean already = store.read(c -> {
                    try (var ps = c.prepareStatement("SELECT 1 FROM incident WHERE run_id = ?")) {
                        ps.setString(1, runId);
                        try (var rs = ps.executeQuery()) {
                            return rs.next();
                        }
                    }
                });
                if (already) {
                    return "already revoked by this run";
                }
                int n = keys.revoke(s.zone(), s.keys() instanceof KeySelection.Listed l ? l.ids() : null, s.reason(), s.incident(), runId);
                return n + " key(s) revoked, incident " + s.incident();
            }));
            case ExportBundleScript s -> ExportBundleSteps.steps(store, new BundleExporter(store, audit, clock).sessions(exportSessions), journal, runId, s,
                    scriptDirectory, (name, action) -> new Step(name, action::run));
            case InitializeScript s -> throw new IllegalArgumentException("initialize runs through InitializeCeremony");
            case RestoreMasterKeyScript s -> throw new IllegalArgumentException("restore-master-key runs through RestoreMasterKeyCeremony");
            // custody changes (issue 16): enrol-card, replace-card, revoke-card, unblock-card, change-quorum
            case org.hsmc.ceremony.script.EnrolCardScript s -> custodySteps(runId, s);
            case org.hsmc.ceremony.script.ReplaceCardScript s -> custodySteps(runId, s);
            case org.hsmc.ceremony.script.RevokeCardScript s -> custodySteps(runId, s);
            case org.hsmc.ceremony.script.UnblockCardScript s -> custodySteps(runId, s);
            case org.hsmc.ceremony.script.ChangeQuorumScript s -> custodySteps(runId, s);
        };
    }

    private List<Step> custodySteps(String runId, CeremonyScript script) {
        return new CustodySteps(store, audit, clock, () -> runQuorum, cards).steps(runId, script,
                (name, action) -> new Step(name, action::run));
    }

    private List<Step> masterKeySteps(String runId, GenerateMasterKeyScript s) {
        List<Step> steps = new ArrayList<>();
        String label = KeyIds.masterKey(s.version());
        LmkBackupSpec backup = s.backup().orElse(null);
        String how = switch (backup) {
            case LmkBackupSpec.RecoveryCards rc -> ", split " + rc.threshold() + "-of-" + rc.holders().size()
                    + " onto the recovery cards of " + String.join(", ", rc.holders());
            case LmkBackupSpec.Vendor v -> " (backed up by the vendor's procedure: " + v.procedure() + ")";
            case null -> " (NO BACKUP)";
        };
        steps.add(new Step("create " + label + " in the HSM" + how, (hsm, console) -> {
            var existing = store.read(c -> KeyRecords.masterKey(c, s.version()));
            if (existing.isPresent()) {
                return "already created by this run, KCV " + existing.get().kcv();
            }
            var k = keys.createMasterKey(hsm, s.version(), runId, lmkBackup(backup, s.operator()));
            return k.label() + " KCV " + k.kcv() + " (" + k.status().toLowerCase(Locale.ROOT) + ")" + switch (backup) {
                case LmkBackupSpec.RecoveryCards rc -> ", " + rc.threshold() + "-of-" + rc.holders().size() + " recovery shares stored";
                case LmkBackupSpec.Vendor v -> ", backup left to: " + v.procedure();
                case null -> "; NO BACKUP: if this HSM is lost, every key under " + k.label() + " is lost with it";
            };
        }));
        if (backup instanceof LmkBackupSpec.RecoveryCards rc) {
            for (String holder : rc.holders()) {
                steps.add(new Step("check " + holder + "'s recovery card opens its share of " + label, (hsm, console) -> {
                    CardSet set = recoverySet(s.version());
                    RecoveryCards.Holder h = store.read(c -> RecoveryCards.holders(c, set.id())).stream()
                            .filter(x -> x.custodian().name().equals(holder)).findFirst().orElseThrow(() -> new IllegalStateException(
                                    holder + " holds no share of " + label));
                    if (!RecoveryCards.unchecked(store, set).contains(h.card().serial())) {
                        return "card " + h.card().serial() + " already checked";
                    }
                    char[] pin = console.checkPin(holder, h.card().tokenLabel());
                    try {
                        RecoveryCards.check(store, audit, clock, set, card(h.card().tokenLabel()), pin, s.operator());
                    } finally {
                        Arrays.fill(pin, '\0');
                    }
                    return "card " + h.card().serial() + " opened its share";
                }));
            }
        }
        if (s.rotate()) {
            steps.add(new Step("re-wrap the inventory under " + KeyIds.masterKey(s.version()), (hsm, console) -> {
                var k = store.read(c -> KeyRecords.masterKey(c, s.version())).orElseThrow();
                if ("ACTIVE".equals(k.status())) {
                    return "already re-wrapped";
                }
                int n = keys.rotateMasterKey(hsm, s.version(), done -> console.progress("re-wrap", done, -1));
                return n + " key(s) re-wrapped, every KCV proved";
            }));
        }
        return steps;
    }

    /** The backup of a new LMK as the script asks: recovery cards (split here), the vendor's, or none. */
    private KeyHierarchy.LmkBackup lmkBackup(LmkBackupSpec spec, String actor) {
        return switch (spec) {
            case null -> KeyHierarchy.LmkBackup.NONE;
            case LmkBackupSpec.Vendor v -> (clear, label) -> new KeyHierarchy.Split("VENDOR", null, v.procedure(), c -> null);
            case LmkBackupSpec.RecoveryCards rc -> (clear, label) -> {
                RecoveryCards.Resolution r = store.read(c -> RecoveryCards.resolve(c, rc.holders()));
                if (!r.problems().isEmpty()) {
                    throw new CustodyException("The recovery cards cannot be used: " + String.join("; ", r.problems()) + ".");
                }
                CardSet set = RecoveryCards.split(store, audit, clock, random, clear, rc.threshold(), r.holders(), actor);
                return new KeyHierarchy.Split("RECOVERY_CARDS", set.id(), null,
                        c -> {
                            RecoveryCards.activate(c, audit, clock.instant(), set, label, actor);
                            return null;
                        });
            };
        };
    }

    private CardSet recoverySet(int lmkVersion) {
        return store.read(c -> {
            KeyRecords.Backup b = KeyRecords.backup(c, lmkVersion).orElseThrow(() -> new IllegalStateException(
                    "LMK version " + lmkVersion + " has no backup record"));
            return RecoveryCards.cardSet(c, b.cardSetId()).orElseThrow();
        });
    }

    private Token card(String label) {
        if (cards == null) {
            throw new IllegalStateException("This console was started without access to the card reader; it cannot reach"
                    + " the card '" + label + "'.");
        }
        return cards.apply(label);
    }

    private Step registerZone(String runId, String zone, String name) {
        return new Step("register zone " + zone, (hsm, console) -> {
            var z = store.read(c -> KeyRecords.zone(c, zone));
            if (z.isPresent()) {
                return "already registered";
            }
            keys.registerZone(zone, name, runId);
            return "zone " + zone + " registered";
        });
    }

    private List<Step> zoneMasterKeySteps(String runId, GenerateZoneMasterKeyScript s) {
        String zone = s.zone().id();
        Step make = switch (s.delivery()) {
            case ZmkDelivery.Components comps -> new Step("make " + KeyIds.zoneMasterKey(zone, s.version()) + " from "
                    + comps.count() + " components and hand them over", (hsm, console) -> {
                var done = store.read(c -> KeyRecords.zoneKeys(c, zone)).stream().filter(z -> z.version() == s.version()).findFirst();
                if (done.isPresent()) {
                    return "already made, KCV " + done.get().kcv();
                }
                int attempt = journal.steps(runId).stream().filter(r -> r.name().startsWith("make "))
                        .mapToInt(StepRecord::attempt).max().orElse(1);
                if (attempt > 1) {
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "zmk.components_void", Outcome.DONE, Map.of("key",
                            KeyIds.zoneMasterKey(zone, s.version()), "run", runId, "attempts_void", Integer.toString(attempt - 1),
                            "instruction", "destroy the component forms printed before this attempt; new components follow")));
                }
                List<byte[]> components = KeyHierarchy.drawComponents(hsm, comps.count(), 32);
                try {
                    byte[] combined = new byte[32];
                    for (byte[] comp : components) {
                        for (int i = 0; i < 32; i++) {
                            combined[i] ^= comp[i];
                        }
                    }
                    String combinedKcv = Kcv.ofClearAesKey(combined).hex();
                    Arrays.fill(combined, (byte) 0);
                    for (int i = 0; i < components.size(); i++) {
                        String holder = comps.holders().get(i);
                        console.deliverComponent(new CeremonyConsole.ComponentDelivery(runId, zone,
                                KeyIds.zoneMasterKey(zone, s.version()), s.version(), i + 1, components.size(), holder,
                                components.get(i), Kcv.ofClearAesKey(components.get(i)).hex(), combinedKcv));
                        audit.append(new AuditEvent(holder, "zmk.component_delivered", Outcome.DONE, Map.of("key",
                                KeyIds.zoneMasterKey(zone, s.version()), "component_no", (i + 1) + " of " + components.size(),
                                "component_kcv", Kcv.ofClearAesKey(components.get(i)).hex(), "run", runId)));
                    }
                    var stored = keys.storeZmkFromComponents(hsm, zone, s.version(), components, runId);
                    return stored.id() + " KCV " + stored.kcv() + ", " + components.size() + " components handed over";
                } finally {
                    components.forEach(b -> Arrays.fill(b, (byte) 0));
                }
            });
            case ZmkDelivery.TransportKey tk -> new Step("register the transport key of zone " + zone, (hsm, console) -> {
                var done = store.read(c -> KeyRecords.zoneKeys(c, zone)).stream().filter(z -> z.version() == s.version()).findFirst();
                if (done.isPresent()) {
                    return "already registered, fingerprint " + done.get().kcv();
                }
                var stored = keys.storeTransportKey(zone, s.version(), readRsaPem(scriptDirectory.resolve(tk.path())), runId);
                return stored.id() + " fingerprint " + stored.kcv();
            });
        };
        return List.of(registerZone(runId, zone, s.zone().name()), make);
    }

    /**
     * One step: the components are typed and checked (each against its KCV, then the combination
     * against the key's KCV) before anything is written, so a wrong component changes nothing but
     * the audit log; then the zone is registered and the ZMK stored.
     */
    private List<Step> importZoneMasterKeySteps(String runId, ImportZoneMasterKeyScript s) {
        String zone = s.zone().id();
        String keyId = KeyIds.zoneMasterKey(zone, s.version());
        Step type = new Step("type and check " + s.componentKcvs().size() + " components of " + keyId
                + ", register zone " + zone + " and store the key", (hsm, console) -> {
            var done = store.read(c -> KeyRecords.zoneKeys(c, zone)).stream().filter(z -> z.version() == s.version()).findFirst();
            if (done.isPresent()) {
                return "already imported, KCV " + done.get().kcv();
            }
            List<byte[]> components = new ArrayList<>();
            try {
                for (int i = 0; i < s.componentKcvs().size(); i++) {
                    components.add(typedComponent(console, runId, zone, keyId, i, s.componentKcvs()));
                }
                byte[] combined = new byte[32];
                for (byte[] comp : components) {
                    for (int j = 0; j < 32; j++) {
                        combined[j] ^= comp[j];
                    }
                }
                String kcv = Kcv.ofClearAesKey(combined).hex();
                Arrays.fill(combined, (byte) 0);
                if (!kcv.equals(s.kcv())) {
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "zmk.import_refused", Outcome.REFUSED, Map.of("key", keyId,
                            "expected_kcv", s.kcv(), "actual_kcv", kcv, "run", runId)));
                    throw new KeyException("The combined key has KCV " + kcv + ", not the " + s.kcv() + " the script expects."
                            + " Each component matched its own KCV, so the script's combined KCV or a component sheet is wrong."
                            + " Nothing was stored.");
                }
                if (store.read(c -> KeyRecords.zone(c, zone)).isEmpty()) {
                    keys.registerZone(zone, s.zone().name(), runId);
                }
                var stored = keys.storeZmkFromComponents(hsm, zone, s.version(), components, runId);
                return "zone " + zone + " registered, " + stored.id() + " imported, KCV " + stored.kcv();
            } finally {
                components.forEach(b -> Arrays.fill(b, (byte) 0));
            }
        });
        return List.of(type);
    }

    /** Asks for component {@code i} until it matches its KCV (3 attempts), refusing each mismatch. */
    private byte[] typedComponent(CeremonyConsole console, String runId, String zone, String keyId, int i, List<String> kcvs) {
        for (int attempt = 1; attempt <= 3; attempt++) {
            char[] typed = console.typeComponent(new CeremonyConsole.ComponentRequest(zone, keyId, i + 1, kcvs.size(),
                    kcvs.get(i), attempt));
            byte[] value = null;
            try {
                value = parseHex(typed);
                if (value == null || value.length != 32) {
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "zmk.component_refused", Outcome.REFUSED, Map.of("key", keyId,
                            "component_no", Integer.toString(i + 1), "reason", "not 64 hex digits", "run", runId)));
                    Arrays.fill(value == null ? new byte[0] : value, (byte) 0);
                    value = null;
                    continue;
                }
                String kcv = Kcv.ofClearAesKey(value).hex();
                if (kcv.equals(kcvs.get(i))) {
                    audit.append(new AuditEvent(AuditLog.CONSOLE, "zmk.component_accepted", Outcome.DONE, Map.of("key", keyId,
                            "component_no", Integer.toString(i + 1), "kcv", kcv, "run", runId)));
                    byte[] ok = value;
                    value = null;
                    return ok;
                }
                audit.append(new AuditEvent(AuditLog.CONSOLE, "zmk.component_refused", Outcome.REFUSED, Map.of("key", keyId,
                        "component_no", Integer.toString(i + 1), "reason", "KCV " + kcv + " does not match " + kcvs.get(i),
                        "run", runId)));
            } finally {
                Arrays.fill(typed, '\0');
                if (value != null) {
                    Arrays.fill(value, (byte) 0);
                }
            }
        }
        throw new KeyException("Component " + (i + 1) + " of " + keyId + " did not match its KCV " + kcvs.get(i)
                + " in 3 attempts. Check the component sheet; nothing was stored.");
    }

    /** 64 hex digits (spaces allowed) to bytes, or null. The caller wipes both. */
    static byte[] parseHex(char[] typed) {
        int digits = 0;
        for (char ch : typed) {
            if (ch != ' ') {
                if (Character.digit(ch, 16) < 0) {
                    return null;
                }
                digits++;
            }
        }
        if (digits % 2 != 0) {
            return null;
        }
        byte[] out = new byte[digits / 2];
        int n = 0;
        int hi = -1;
        for (char ch : typed) {
            if (ch == ' ') {
                continue;
            }
            int d = Character.digit(ch, 16);
            if (hi < 0) {
                hi = d;
            } else {
                out[n++] = (byte) ((hi << 4) | d);
                hi = -1;
            }
        }
        return out;
    }

    private List<Step> workingKeySteps(String runId, GenerateWorkingKeysScript s) {
        long total = s.keyCount();
        List<Step> steps = new ArrayList<>();
        for (WorkingKeyBatches.Batch b : WorkingKeyBatches.of(s, this.batch)) {
            steps.add(new Step(b.name(), (hsm, console) -> {
                List<KeyHierarchy.WorkingKeyRequest> todo = store.read(b::missing);
                List<WorkingKey> made = todo.isEmpty() ? List.of() : keys.generateWorkingKeys(hsm, b.zone(), todo, runId);
                console.progress("working keys", b.done() + b.size(), total);
                return made.size() + " key(s) made" + (made.size() < b.size()
                        ? ", " + (b.size() - made.size()) + " made in an earlier attempt" : "");
            }));
        }
        return steps;
    }

    private static RSAPublicKey readRsaPem(Path path) {
        try {
            String pem = Files.readString(path, StandardCharsets.US_ASCII);
            String b64 = pem.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(b64)));
        } catch (java.io.IOException e) {
            throw new KeyException("The transport key file " + path + " cannot be read: " + e.getMessage(), e);
        } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new KeyException("The file " + path + " is not an RSA public key in PEM (-----BEGIN PUBLIC KEY-----).", e);
        }
    }

    private static String message(RuntimeException e) {
        if (e instanceof Pkcs11Exception p) {
            return p.userMessage() + (p.ckrName().isEmpty() ? "" : "\ndetails: " + p.getMessage());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
