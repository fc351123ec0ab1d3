package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.custody.Card;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.Custodian;
import org.hsmc.ceremony.custody.AuditKeys;
import org.hsmc.ceremony.custody.CustodyException;
import org.hsmc.ceremony.custody.Initialization;
import org.hsmc.ceremony.custody.UnfinishedInitialization;
import org.hsmc.ceremony.script.CeremonyType;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.ceremony.custody.Role;
import org.hsmc.ceremony.script.CustodianSpec;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * The initialize ceremony from its script: adopt the HSM token (its current user PIN, typed once),
 * name the custodians and enrol their cards (each sets their own PIN), create the audit and bundle
 * signing keys and the self-signed console certificate, split a fresh credential M-of-N over the
 * cards and set it as the HSM user PIN, then check every card once. Journaled step by step like every
 * run; it has no quorum (there are no shares yet), the HSM's current PIN takes its place.
 */
public final class InitializeCeremony {

    /** Label of the first bundle signing key pair. */
    public static final String BUNDLE_SIGNER = "bundle-signer/v1";

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Token hsm;
    private final Function<String, Token> cards;
    private final String site;
    private final RunJournal journal;

    public InitializeCeremony(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm,
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

    public RunRecord run(ParsedScript parsed, byte[] scriptBytes, CeremonyConsole console, boolean rehearsalPins) {
        InitializeScript s = (InitializeScript) parsed.script();
        List<String> problems = new ArrayList<>(store.read(c -> Preconditions.check(c, s)));
        unresolved().ifPresent(r -> problems.add("ceremony: the initialize run " + r.id() + " is " + r.state()
                + " and not resolved; resume it (hsmc ceremony resume " + r.id() + ") or abort it (hsmc ceremony abort "
                + r.id() + ") first"));
        if (!problems.isEmpty()) {
            audit.append(new AuditEvent(s.operator(), "run.refused", Outcome.REFUSED, Map.of("source", parsed.sourceName(),
                    "problems", String.join("; ", problems))));
            throw new CeremonyRefusedException(parsed.sourceName(), problems);
        }
        String runId = UUID.randomUUID().toString();
        journal.create(runId, s.type().yamlName(), s.title(), parsed.sourceName(), scriptBytes,
                CeremonyEngine.hex(parsed.sha256()), site, s.operator(), rehearsalPins);
        journal.setState(runId, RunState.STEPS, null);
        return execute(runId, s, console);
    }

    /** An initialize run left FAILED or interrupted, that neither a resume nor an abort has resolved. */
    public Optional<RunRecord> unresolved() {
        return journal.recent(1000).stream().filter(r -> r.type().equals(CeremonyType.INITIALIZE.yamlName()))
                .filter(r -> r.state().isOpen() || r.state() == RunState.FAILED).findFirst();
    }

    /**
     * Resumes an initialize run that failed or was interrupted before its credential split: the HSM's
     * current PIN is typed again, custodians and cards enrolled by an earlier attempt stay, and the run goes on
     * from the first step not done. The resume is audited only once it starts.
     */
    public RunRecord resume(String runId, CeremonyConsole console) {
        RunRecord run = resolvable(runId, "resumed");
        InitializeScript s = (InitializeScript) reparse(run).script();
        if (UnfinishedInitialization.initialised(store)) {
            return resumeCheckPass(run, s, console);
        }
        audit.append(new AuditEvent(run.operator(), "run.resumed", Outcome.DONE, Map.of("run", runId)));
        journal.setState(runId, RunState.STEPS, null);
        return execute(runId, s, console);
    }

    /**
     * The resume of an initialize that stopped in its check pass, after the split was in force: the cards not
     * yet checked are checked (no HSM is needed for that), then the run completes. The audit checkpoint that
     * initialize signs at its end is left to the next quorum, which signs one when it closes.
     */
    private RunRecord resumeCheckPass(RunRecord run, InitializeScript s, CeremonyConsole console) {
        String runId = run.id();
        CardSet set = UnfinishedInitialization.activeAdminSet(store).orElseThrow();
        audit.append(new AuditEvent(run.operator(), "run.resumed", Outcome.DONE, Map.of("run", runId, "from", "the check pass")));
        journal.setState(runId, RunState.STEPS, null);
        JournaledSteps steps = new JournaledSteps(store, journal, runId, console);
        steps.continueAt(s.custodians().size() + 4); // adopt, the enrolments, the signing key, the split
        PinAttempts pins = new PinAttempts(audit, console, runId);
        try {
            for (CustodianSpec spec : s.custodians()) {
                if (spec.role() == Role.AUDITOR) {
                    continue;
                }
                Token card = cards.apply(spec.card());
                boolean open = UnfinishedInitialization.unchecked(store, set).contains(card.description().serialNumber());
                steps.step("check " + spec.name() + "'s card opens its share", () -> !open ? Boolean.FALSE
                        : pins.until(PinPrompt.CARD_PIN, spec.name(), spec.card(), attempt -> {
                            char[] pin = console.checkPin(spec.name(), spec.card());
                            try {
                                UnfinishedInitialization.check(store, audit, clock, set, card, pin, s.operator());
                            } finally {
                                Arrays.fill(pin, '\0');
                            }
                            return Boolean.TRUE;
                        }), ok -> ok ? "share opened" : "checked in an earlier attempt");
            }
            audit.append(new AuditEvent(s.operator(), "initialize.done", Outcome.DONE, Map.of("card_set", set.id(),
                    "threshold", Integer.toString(set.threshold()), "cards", Integer.toString(set.shareCount()),
                    "checkpoint", "signed by the next quorum")));
            journal.setState(runId, RunState.COMPLETED, null);
            return journal.find(runId).orElseThrow();
        } catch (RuntimeException e) {
            journal.setState(runId, RunState.FAILED, JournaledSteps.reason(e));
            throw e;
        }
    }

    private RunRecord execute(String runId, InitializeScript s, CeremonyConsole console) {
        JournaledSteps steps = new JournaledSteps(store, journal, runId, console);
        PinAttempts pins = new PinAttempts(audit, console, runId);
        char[][] current = new char[1][];
        Initialization init = null;
        try {
            try {
                init = steps.step("adopt HSM token '" + hsm.label() + "'",
                        () -> pins.until(PinPrompt.HSM_USER_PIN, s.operator(), hsm.label(), attempt -> {
                            char[] pin = console.hsmUserPin(hsm.label());
                            try {
                                Initialization i = Initialization.begin(store, audit, clock, random, hsm, pin, s.operator());
                                current[0] = pin;
                                return i;
                            } catch (RuntimeException e) {
                                Arrays.fill(pin, '\0');
                                throw e;
                            }
                        }), x -> "logged in with the token's current user PIN");
                List<Card> holders = new ArrayList<>();
                for (CustodianSpec spec : s.custodians()) {
                    Card card = enrol(steps, pins, init, spec, console);
                    if (spec.role() != Role.AUDITOR) {
                        holders.add(card);
                    }
                }
                Initialization in = init;
                steps.step("create the bundle signing key and the console certificate", () -> signerOnce(runId, s), cert ->
                        cert == null ? "made in an earlier attempt" : "certificate " + cert.getSubjectX500Principal()
                                + ", valid until " + cert.getNotAfter().toInstant());
                CardSet set = steps.step("split the HSM credential " + s.threshold() + "-of-" + holders.size()
                        + " over the cards", () -> in.split(s.threshold(), holders, current[0]),
                        cs -> "card set " + cs.id() + ", the HSM's old user PIN no longer works");
                for (CustodianSpec spec : s.custodians()) {
                    if (spec.role() == Role.AUDITOR) {
                        continue;
                    }
                    steps.step("check " + spec.name() + "'s card opens its share", () ->
                            pins.until(PinPrompt.CARD_PIN, spec.name(), spec.card(), attempt -> {
                                char[] pin = console.checkPin(spec.name(), spec.card());
                                try {
                                    in.check(cards.apply(spec.card()), pin);
                                } finally {
                                    Arrays.fill(pin, '\0');
                                }
                                return Boolean.TRUE;
                            }), ok -> "share opened");
                }
                in.finish(() -> journal.setState(runId, RunState.COMPLETED, null)); // signed when the run ends
                return journal.find(runId).orElseThrow();
            } finally {
                if (current[0] != null) {
                    Arrays.fill(current[0], '\0');
                }
            }
        } catch (RuntimeException e) {
            String why = JournaledSteps.reason(e);
            if (init != null && hsm.isLoggedIn()) {
                hsm.logout();
            }
            journal.setState(runId, RunState.FAILED, why);
            throw e;
        }
    }

    /** The names of the steps a run of {@code s} on the HSM token {@code hsmLabel} will take, in order (the printed script). */
    public static List<String> plannedSteps(InitializeScript s, String hsmLabel) {
        List<String> out = new ArrayList<>();
        out.add("adopt HSM token '" + hsmLabel + "'");
        int holders = 0;
        for (CustodianSpec spec : s.custodians()) {
            out.add("enrol " + spec.name() + " (" + spec.role() + ") with card '" + spec.card() + "'");
            holders += spec.role() == Role.AUDITOR ? 0 : 1;
        }
        out.add("create the bundle signing key and the console certificate");
        out.add("split the HSM credential " + s.threshold() + "-of-" + holders + " over the cards");
        for (CustodianSpec spec : s.custodians()) {
            if (spec.role() != Role.AUDITOR) {
                out.add("check " + spec.name() + "'s card opens its share");
            }
        }
        return out;
    }

    /** SHA-256 over the certificate's DER, lower-case hex: the value a node compares before pinning it. */
    public static String certificateSha256(X509Certificate cert) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (CertificateEncodingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One custodian's enrolment step: named once (a resume reuses the name), then the holder types the card's
     * transport PIN and a new PIN twice, until the card takes them or the officer stops.
     */
    private Card enrol(JournaledSteps steps, PinAttempts pins, Initialization in, CustodianSpec spec, CeremonyConsole console) {
        boolean[] earlierAttempt = {false};
        return steps.step("enrol " + spec.name() + " (" + roleWords(spec.role()) + ") with card '" + spec.card() + "'", () -> {
            Optional<UnfinishedInitialization.Named> earlier = UnfinishedInitialization.named(store, spec.name());
            Token token = cards.apply(spec.card());
            if (earlier.isPresent() && earlier.get().card().isPresent()) {
                Card c = earlier.get().card().get();
                if (c.serial().equals(token.description().serialNumber())) {
                    earlierAttempt[0] = true;
                    return c;
                }
            }
            Custodian p = earlier.map(UnfinishedInitialization.Named::custodian)
                    .orElseGet(() -> in.addCustodian(spec.name(), spec.role()));
            return pins.until(PinPrompt.TRANSPORT_PIN, spec.name(), spec.card(), attempt -> {
                CeremonyConsole.EnrolmentPins typed = console.enrolmentPins(spec.name(), spec.card());
                try {
                    if (typed.newPinAgain() != null && !Arrays.equals(typed.newPin(), typed.newPinAgain())) {
                        throw new PinAttempts.Refused(PinPrompt.NEW_PIN, PinRefusal.Reason.NEW_PINS_DIFFER, "The two new PINs " + spec.name() + " typed differ."
                                + " Type the transport PIN, then the new PIN twice, again.");
                    }
                    var d = token.description();
                    long min = Math.max(4, d.minPinLength());
                    if (typed.newPin().length < min || typed.newPin().length > d.maxPinLength()) {
                        throw new PinAttempts.Refused(PinPrompt.NEW_PIN, PinRefusal.Reason.NEW_PIN_RULE, "The new PIN must be " + min + " to "
                                + d.maxPinLength() + " characters long. Choose another and type it twice.");
                    }
                    return in.enrol(p, token, typed.transportPin(), typed.newPin());
                } finally {
                    Arrays.fill(typed.transportPin(), '\0');
                    Arrays.fill(typed.newPin(), '\0');
                    if (typed.newPinAgain() != null) {
                        Arrays.fill(typed.newPinAgain(), '\0');
                    }
                }
            });
        }, c -> (earlierAttempt[0] ? "enrolled in an earlier attempt, " : "") + "card serial " + c.serial());
    }

    /** A role as the step names say it (English; {@code org.hsmc.ceremony.i18n.Words} translates step names). */
    static String roleWords(Role role) {
        return switch (role) {
            case SECURITY_OFFICER -> "security officer";
            case KEY_CUSTODIAN -> "key custodian";
            case AUDITOR -> "auditor";
        };
    }

    /** The bundle signer of this run: made once (a resume finds it), or made now after clearing a half-made one. */
    private X509Certificate signerOnce(String runId, InitializeScript s) {
        if (certificateOf(runId)) {
            return null;
        }
        try (Session session = hsm.openSession()) {
            destroyObjectsOf(session, runId);
        }
        return bundleSigner(store, audit, clock, random, hsm, BUNDLE_SIGNER, runId, s.bundleSigner().subject());
    }

    private boolean certificateOf(String runId) {
        return store.read(c -> {
            try (var ps = c.prepareStatement("SELECT 1 FROM console_certificate WHERE run_id = ?")) {
                ps.setString(1, runId);
                try (var rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Destroys the HSM objects whose CKA_ID is the run's id (the bundle signing key pair); returns their labels. */
    private List<String> destroyObjectsOf(Session session, String runId) {
        byte[] id = runId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        List<String> labels = new ArrayList<>();
        for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
            for (KeyHandle h : session.findKeysById(kc, id)) {
                String label = session.label(h);
                session.destroy(h);
                labels.add((label == null ? "(no label)" : label) + " (" + kc.name().toLowerCase(java.util.Locale.ROOT) + " key)");
                audit.append(new AuditEvent(AuditLog.CONSOLE, "hsm.object_destroyed", Outcome.DONE, Map.of("run", runId,
                        "label", label == null ? "" : label)));
            }
        }
        return labels;
    }

    /**
     * Aborts an initialize run that never finished (FAILED or interrupted before its credential split was in
     * force). No quorum is needed: no credential exists yet. Puts back what the run did: each enrolled card is
     * reset by its holder (admin key destroyed, transport PIN set back), the custodians and cards are withdrawn
     * from the store, and the HSM objects the run made (the bundle signing key pair) are destroyed with the
     * HSM's current PIN, the console certificate withdrawn. What could not be put back is named exactly. Audited.
     */
    public RunResolution abort(String runId, CeremonyConsole console, String reason) {
        RunRecord run = resolvable(runId, "aborted");
        if (UnfinishedInitialization.initialised(store)) {
            throw new CustodyException("The credential split of run " + runId + " is already in force: the HSM opens only"
                    + " with a quorum of its cards now, so this initialize cannot be undone. Only its check pass was left:"
                    + " resume it (hsmc ceremony resume " + runId + ") to check the remaining cards.");
        }
        PinAttempts pins = new PinAttempts(audit, console, runId);
        List<String> undone = new ArrayList<>();
        List<String> left = new ArrayList<>();
        List<UnfinishedInitialization.Named> named = UnfinishedInitialization.all(store);
        for (UnfinishedInitialization.Named n : named) {
            if (n.card().isEmpty()) {
                continue;
            }
            Card card = n.card().get();
            String what = "card '" + card.tokenLabel() + "' (serial " + card.serial() + ") of " + n.custodian().name();
            try {
                Token token = cards.apply(card.tokenLabel());
                boolean reset = pins.until(PinPrompt.CARD_PIN, n.custodian().name(), card.tokenLabel(), attempt -> {
                    Optional<CeremonyConsole.CardReset> typed = console.cardReset(n.custodian().name(), card.tokenLabel());
                    if (typed.isEmpty()) {
                        return false;
                    }
                    try {
                        UnfinishedInitialization.resetCard(token, card, typed.get().pin(), typed.get().transportPin());
                        return true;
                    } finally {
                        Arrays.fill(typed.get().pin(), '\0');
                        Arrays.fill(typed.get().transportPin(), '\0');
                    }
                });
                if (reset) {
                    undone.add(what + ": admin key destroyed, transport PIN set back");
                    audit.append(new AuditEvent(n.custodian().name(), "card.reset", Outcome.DONE, Map.of("card", card.serial(),
                            "run", runId)));
                } else {
                    left.add(what + " still carries " + n.custodian().name() + "'s PIN and its admin key: its holder did not"
                            + " reset it; reset it with the card's security officer PIN before it is enrolled again");
                }
            } catch (RuntimeException e) {
                left.add(what + " still carries " + n.custodian().name() + "'s PIN and its admin key ("
                        + JournaledSteps.reason(e) + "); reset it with the card's security officer PIN before it is enrolled again");
            }
        }
        if (!named.isEmpty()) {
            UnfinishedInitialization.withdraw(store, audit, clock, run.operator(), runId, named);
            undone.add(named.size() + " custodian(s) and " + named.stream().filter(n -> n.card().isPresent()).count()
                    + " card(s) withdrawn from the store");
        }
        boolean signerStarted = journal.steps(runId).stream().anyMatch(st -> st.name().startsWith("create the bundle signing key"));
        if (signerStarted) {
            undoHsm(runId, run.operator(), pins, console, undone, left);
        }
        String summary = reason + (left.isEmpty() ? "; everything the run did was put back"
                : "; not put back: " + String.join("; ", left));
        Map<String, String> d = new LinkedHashMap<>();
        d.put("run", runId);
        d.put("reason", reason);
        d.put("undone", String.join("; ", undone));
        d.put("not_undone", String.join("; ", left));
        audit.append(new AuditEvent(run.operator(), "initialize.aborted", Outcome.DONE, d));
        journal.setState(runId, RunState.ABORTED, summary);
        return new RunResolution(journal.find(runId).orElseThrow(), undone, left);
    }

    private void undoHsm(String runId, String operator, PinAttempts pins, CeremonyConsole console, List<String> undone,
                         List<String> left) {
        boolean in;
        try {
            in = pins.until(PinPrompt.HSM_USER_PIN, operator, hsm.label(), attempt -> {
                char[] pin = console.hsmUserPin(hsm.label());
                try {
                    hsm.login(pin);
                    return true;
                } finally {
                    Arrays.fill(pin, '\0');
                }
            });
        } catch (RuntimeException e) {
            left.add("the HSM token '" + hsm.label() + "' still holds the key pair '" + BUNDLE_SIGNER + "' this run made ("
                    + JournaledSteps.reason(e) + "); abort again with the HSM's user PIN to destroy it");
            return;
        }
        try (Session session = hsm.openSession()) {
            List<String> destroyed = destroyObjectsOf(session, runId);
            if (!destroyed.isEmpty()) {
                undone.add("HSM token '" + hsm.label() + "': destroyed " + String.join(", ", destroyed));
            }
            if (AuditKeys.find(session).isPresent() && audit.signers().containsKey(AuditKeys.LABEL)) {
                left.add("the HSM token '" + hsm.label() + "' keeps the audit signing key '" + AuditKeys.LABEL + "': the audit"
                        + " log registered it and never forgets a signer; the next initialize uses it again");
            }
        } finally {
            if (in) {
                hsm.logout();
            }
        }
        int removed = store.write(c -> {
            int n;
            try (var ps = c.prepareStatement("DELETE FROM console_certificate WHERE run_id = ?")) {
                ps.setString(1, runId);
                n = ps.executeUpdate();
            }
            if (n > 0) {
                audit.append(c, new AuditEvent(operator, "console_certificate.withdrawn", Outcome.DONE, Map.of("key", BUNDLE_SIGNER,
                        "run", runId)));
            }
            return n;
        });
        if (removed > 0) {
            undone.add("console certificate of '" + BUNDLE_SIGNER + "' withdrawn from the store");
        }
    }

    private RunRecord resolvable(String runId, String verb) {
        RunRecord run = journal.find(runId).orElseThrow(() -> new CustodyException("There is no run " + runId + "."));
        if (!run.type().equals(CeremonyType.INITIALIZE.yamlName())) {
            throw new IllegalArgumentException("run " + runId + " is a " + run.type() + " run, not an initialize run");
        }
        if (!run.state().isOpen() && run.state() != RunState.FAILED) {
            throw new CustodyException("The run " + runId + " is " + run.state() + "; only a failed or interrupted run can be "
                    + verb + ".");
        }
        return run;
    }

    private ParsedScript reparse(RunRecord run) {
        ParsedScript parsed = ScriptParser.parse(journal.script(run.id()), run.source());
        if (!CeremonyEngine.hex(parsed.sha256()).equals(run.scriptSha256())) {
            throw new IllegalStateException("The stored script of run " + run.id() + " no longer has its recorded SHA-256;"
                    + " the store was altered. Verify the audit log.");
        }
        return parsed;
    }

    /**
     * Makes the bundle signing key pair {@code label} (EC P-384, in the HSM, never extractable) and the
     * self-signed console certificate, and records the certificate: initialize makes v1, adopting a
     * replacement HSM the next version (the store keeps every earlier certificate, so old bundles still verify).
     */
    static X509Certificate bundleSigner(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm, String label,
                                        String runId, String subject) {
        try (Session s = hsm.openSession()) {
            if (!s.findKeysByLabel(label).isEmpty()) {
                throw new IllegalStateException("The HSM already holds a key labelled '" + label + "'; the console refuses"
                        + " to make a second one.");
            }
            KeyPairHandles kp = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of(label,
                    runId.getBytes(java.nio.charset.StandardCharsets.UTF_8), true, false, KeyUsage.SIGN));
            var a = s.attributes(kp.privateKey());
            if (!a.sensitive() || a.extractable() || a.curve() != EcCurve.P384) {
                s.destroy(kp.privateKey());
                s.destroy(kp.publicKey());
                throw new IllegalStateException("The HSM did not make the bundle signing key that was asked for (" + a + ").");
            }
            X509Certificate cert = ConsoleCertificate.create(s, kp, subject, clock.instant(), Duration.ofDays(3650),
                    new BigInteger(64, random).add(BigInteger.ONE));
            store.write(c -> {
                try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                        + " created_at, run_id) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setString(1, label);
                    ps.setBytes(2, cert.getEncoded());
                    ps.setString(3, cert.getSubjectX500Principal().getName());
                    ps.setString(4, cert.getNotBefore().toInstant().toString());
                    ps.setString(5, cert.getNotAfter().toInstant().toString());
                    ps.setString(6, clock.instant().toString());
                    ps.setString(7, runId);
                    ps.executeUpdate();
                } catch (CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "console_certificate.created", Outcome.DONE, Map.of(
                        "key", label, "subject", cert.getSubjectX500Principal().getName(),
                        "serial", cert.getSerialNumber().toString(16), "not_after", cert.getNotAfter().toInstant().toString(),
                        "certificate_sha256", certificateSha256(cert))));
                return null;
            });
            return cert;
        }
    }
}
