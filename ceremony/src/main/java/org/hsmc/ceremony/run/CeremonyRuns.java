package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.script.CeremonyType;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Token;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Run, resume and abort a ceremony of any type: the one place that decides which runner handles which type
 * (initialize and restore-master-key have their own; every other type runs through {@link CeremonyEngine}).
 * The command line and the window both call this, so a FAILED or interrupted run of every type has the same
 * way forward in both.
 */
public final class CeremonyRuns {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Supplier<Token> hsm;
    private final Function<String, Token> cards;
    private final String site;
    private final RunJournal journal;
    private LmkBackupPolicy lmkBackupPolicy = LmkBackupPolicy.ANY;
    private Path scriptDirectory;
    private int exportSessions = org.hsmc.ceremony.bundle.BundleExporter.DEFAULT_SESSIONS;

    /** {@code hsm} is asked for the HSM token only when a run needs it. */
    public CeremonyRuns(Store store, AuditLog audit, Clock clock, SecureRandom random, Supplier<Token> hsm,
                        Function<String, Token> cardsByLabel, String site) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.hsm = hsm;
        this.cards = cardsByLabel;
        this.site = site;
        this.journal = new RunJournal(store, audit, clock);
    }

    /** The site's rule for LMK backups (site profile {@code lmk.backup}). */
    public CeremonyRuns lmkBackupPolicy(LmkBackupPolicy policy) {
        this.lmkBackupPolicy = policy;
        return this;
    }

    /** Where relative paths in a script are resolved: the folder the script was read from. */
    public CeremonyRuns scriptDirectory(Path dir) {
        this.scriptDirectory = dir;
        return this;
    }

    /** How many HSM sessions an export translates on (site setting {@code export.hsm_sessions}). */
    public CeremonyRuns exportSessions(int sessions) {
        this.exportSessions = sessions;
        return this;
    }

    public RunJournal journal() {
        return journal;
    }

    /** Checks {@code parsed} against the store and runs it with the runner of its type. */
    public RunRecord run(ParsedScript parsed, byte[] scriptBytes, CeremonyConsole console, boolean rehearsalPins) {
        return switch (parsed.script()) {
            case InitializeScript s -> initialize().run(parsed, scriptBytes, console, rehearsalPins);
            case RestoreMasterKeyScript s -> new RestoreMasterKeyCeremony(store, audit, clock, random, hsm.get(), cards, site)
                    .run(parsed, scriptBytes, console, rehearsalPins);
            default -> engine().run(parsed, scriptBytes, console, rehearsalPins);
        };
    }

    /** Runs left FAILED or interrupted and not resolved since: each can be resumed or aborted. */
    public List<RunRecord> unresolved() {
        return unresolved(journal);
    }

    /** Runs left FAILED or interrupted in {@code journal}'s store: interrupted ones first, then failed ones, newest first. */
    public static List<RunRecord> unresolved(RunJournal journal) {
        List<RunRecord> out = new ArrayList<>(journal.interrupted());
        journal.recent(1000).stream().filter(r -> r.state() == RunState.FAILED).forEach(out::add);
        return out;
    }

    /** Resumes a FAILED or interrupted run of any type from its first step not done. */
    public RunRecord resume(String runId, CeremonyConsole console) {
        RunRecord run = find(runId);
        return switch (type(run)) {
            case INITIALIZE -> initialize().resume(runId, console);
            case RESTORE_MASTER_KEY -> throw new RunException("A restore-master-key run does not resume: when it failed before"
                    + " its new credential was split, it destroyed what it had made in the HSM. Abort it (hsmc ceremony abort "
                    + runId + "), then run its script again.");
            default -> engine().resume(runId, console);
        };
    }

    /**
     * Aborts a FAILED or interrupted run of any type, putting back what it did where that can be done, and
     * naming what could not be. Initialize needs no quorum (no credential exists yet); the others need one
     * of the admin cards to open the HSM.
     */
    public RunResolution abort(String runId, CeremonyConsole console, String reason) {
        RunRecord run = find(runId);
        return switch (type(run)) {
            case INITIALIZE -> initialize().abort(runId, console, reason);
            case RESTORE_MASTER_KEY -> abortRestore(run, reason);
            default -> engine().abortRun(runId, console, reason);
        };
    }

    /**
     * A restore-master-key run destroys its own HSM objects when it fails before the split; after the split
     * the replacement HSM is the console's. Either way there is nothing to put back: the abort records it, and
     * names the steps that were done and stay.
     */
    private RunResolution abortRestore(RunRecord run, String reason) {
        if (!run.state().isOpen() && run.state() != RunState.FAILED) {
            throw new RunException("The run " + run.id() + " is " + run.state() + "; it cannot be aborted.");
        }
        List<String> left = journal.steps(run.id()).stream().filter(s -> s.state() == StepRecord.State.DONE)
                .map(s -> "step " + s.number() + " (" + s.name() + ") was done and stays").toList();
        audit.append(new AuditEvent(run.operator(), "restore.aborted", Outcome.DONE, Map.of("run", run.id(), "reason", reason)));
        journal.setState(run.id(), RunState.ABORTED, reason + (left.isEmpty() ? "" : "; not put back: " + String.join("; ", left)));
        return new RunResolution(journal.find(run.id()).orElseThrow(), List.of(), left);
    }

    private RunRecord find(String runId) {
        return journal.find(runId).orElseThrow(() -> new RunException("There is no run " + runId
                + ". 'hsmc ceremony list' shows the runs of this console."));
    }

    private static CeremonyType type(RunRecord run) {
        Optional<CeremonyType> t = CeremonyType.fromYamlName(run.type());
        return t.orElseThrow(() -> new RunException("The run " + run.id() + " has the unknown type '" + run.type() + "'."));
    }

    private InitializeCeremony initialize() {
        return new InitializeCeremony(store, audit, clock, random, hsm.get(), cards, site);
    }

    private CeremonyEngine engine() {
        return new CeremonyEngine(store, audit, clock, hsm.get(), site).cards(cards).lmkBackupPolicy(lmkBackupPolicy)
                .scriptDirectory(scriptDirectory).exportSessions(exportSessions);
    }
}
