package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEntry;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleRecord;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.custody.UnfinishedInitialization;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.RunKeys;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every failure leaves a way forward (issue 13, finding 1), on real SoftHSM2 cards: a wrong PIN at each kind
 * of prompt keeps its step open and is asked again with the tries left; a locked card stops the run with
 * what to do; an initialize that failed is resumed, or aborted without a quorum (cards, store and HSM put
 * back) and run again; a resume is audited only once it starts; keys of an aborted run are withdrawn and no
 * bundle carries them. Three consoles, each with its own store, HSM token and five cards.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WayForwardTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "ceremonies");
    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin"};

    @TempDir
    static Path home;

    private SoftHsmStore tokens;
    private Pkcs11Module module;
    private final Clock clock = Clock.systemUTC();
    private final List<Store> stores = new ArrayList<>();

    /** One console home: its store, audit log, HSM token, five cards and the people in the room. */
    private final class Room {
        final int n;
        final Store store;
        final AuditLog audit;
        final Token hsm;
        final RoomConsole console;
        final CeremonyRuns runs;

        Room(int n) {
            this.n = n;
            this.store = Store.open(home.resolve("console-" + n + ".db"));
            stores.add(store);
            this.audit = new AuditLog(store, clock);
            this.hsm = module.token("hsm-wf-" + n);
            this.console = new RoomConsole(this::card);
            console.hsmPin = new String(tokens.userPin(hsm.label()));
            for (int i = 1; i <= 5; i++) {
                console.transportPins.put("demo-card-" + i, new String(tokens.userPin(cardLabel(i))));
                console.pins.put("demo-card-" + i, NAMES[i - 1] + "-" + String.valueOf(i).repeat(4));
                console.pins.put(cardLabel(i), NAMES[i - 1] + "-" + String.valueOf(i).repeat(4));
                console.transportPins.put(cardLabel(i), new String(tokens.userPin(cardLabel(i))));
            }
            this.runs = new CeremonyRuns(store, audit, clock, new SecureRandom(), () -> hsm, this::card, "test site");
        }

        String cardLabel(int i) {
            return "wf-card-%02d".formatted(5 * (n - 1) + i);
        }

        Token card(String label) {
            return label.startsWith("demo-card-") ? module.token(cardLabel(Integer.parseInt(label.substring(10)))) : module.token(label);
        }

        RunRecord run(String file) throws Exception {
            byte[] bytes = Files.readAllBytes(EXAMPLES.resolve(file));
            ParsedScript p = ScriptParser.parse(bytes, file);
            console.quorum("demo-card-1", "demo-card-2", "demo-card-3");
            return runs.run(p, bytes, console, false);
        }

        List<AuditEntry> entries(String action) {
            return audit.entries(1, audit.head().seq()).stream().filter(e -> e.action().equals(action)).toList();
        }
    }

    private Room a;
    private Room b;
    private Room c;
    private Room d;

    @BeforeAll
    void open() {
        tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        a = new Room(1);
        b = new Room(2);
        c = new Room(3);
        d = new Room(4);
    }

    @AfterAll
    void close() {
        stores.forEach(Store::close);
        module.close();
    }

    // ------------------------------------------------------------------ wrong PINs are asked again

    @Test
    @Order(1)
    void aWrongPinAtEveryInitializePromptIsAskedAgainAndTheRunCompletes() throws Exception {
        a.console.hsmPins.add("not-the-hsm-pin");
        a.console.transportAttempts.put("demo-card-3", new ArrayDeque<>(List.of("999999")));
        a.console.secondNewPin.put("demo-card-4", new ArrayDeque<>(List.of("dave-4445")));
        a.console.checkAttempts.put("demo-card-5", new ArrayDeque<>(List.of("erin-0000")));

        RunRecord r = a.run("01-initialize.yaml");

        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(a.console.pinRefusals).extracting(PinRefusal::prompt)
                .containsExactly(PinPrompt.HSM_USER_PIN, PinPrompt.TRANSPORT_PIN, PinPrompt.NEW_PIN, PinPrompt.CARD_PIN);
        PinRefusal transport = a.console.pinRefusals.get(1);
        assertThat(transport.token()).isEqualTo("demo-card-3");
        assertThat(transport.person()).isEqualTo("Carol");
        assertThat(transport.triesLeft()).hasValue(2);
        assertThat(transport.mayRetry()).isTrue();
        assertThat(transport.message()).contains("transport PIN", "2 tries").doesNotContain("CKR_", "0xa0");
        assertThat(transport.details()).contains("CKR_PIN_INCORRECT");
        assertThat(a.console.pinRefusals.get(2).message()).contains("differ");
        assertThat(a.console.pinRefusals.get(3).triesLeft()).hasValue(2);
        // every refused attempt is in the audit log, with its prompt and the tries left
        List<AuditEntry> refused = a.entries("pin.refused");
        assertThat(refused).hasSize(4);
        assertThat(refused.get(1).detailsJson()).contains("\"prompt\":\"TRANSPORT_PIN\"", "\"tries_left\":\"2\"", r.id());
        assertThat(refused.get(2).detailsJson()).contains("\"prompt\":\"NEW_PIN\"");
        // the new PIN that counts is the one typed the same twice
        Token dave = a.card("demo-card-4");
        dave.login("dave-4444".toCharArray());
        dave.logout();
        assertThat(a.audit.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(2)
    void aWrongQuorumPinIsRefusedWithTheTriesLeftAndTheNextTryApproves() throws Exception {
        a.console.presentations.add(new String[] {"demo-card-1", "alice-0000"});
        a.console.quorum("demo-card-1", "demo-card-2", "demo-card-3");

        RunRecord r = a.run("02-generate-master-key.yaml");

        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(a.console.refusals).hasSize(1);
        QuorumRefusal wrong = a.console.refusals.getFirst();
        assertThat(wrong.kind()).isEqualTo(QuorumRefusal.Kind.WRONG_PIN);
        assertThat(wrong.triesLeft()).hasValue(QuorumSession.MAX_PIN_TRIES - 1);
        assertThat(wrong.getMessage()).doesNotContain("CKR_");
        assertThat(a.entries("quorum.refused")).anySatisfy(e -> assertThat(e.detailsJson()).contains("WRONG_PIN", "\"tries_left\":\"2\""));
    }

    // ------------------------------------------------------------------ keys of an aborted run

    @Test
    @Order(3)
    void keysOfAnAbortedRunAreWithdrawnAndNoBundleCarriesThem() throws Exception {
        assertThat(a.run("03-generate-zone-master-key.yaml").state()).isEqualTo(RunState.COMPLETED);
        a.console.failWhen = s -> s.startsWith("DONE generate working keys");
        assertThatThrownBy(() -> a.run("04-generate-working-keys.yaml")).hasMessageContaining("pulled");
        a.console.failWhen = s -> false;
        RunRecord failed = a.runs.journal().recent(1).getFirst();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        List<WorkingKey> made = a.store.read(x -> KeyRecords.workingKeys(x, InventoryFilter.ALL)).stream()
                .filter(k -> k.runId().equals(failed.id())).toList();
        assertThat(made).isNotEmpty().allMatch(k -> k.status().equals("ACTIVE"));

        // a resume whose quorum is not formed does not start, and is not audited as resumed
        RunRecord still = a.runs.resume(failed.id(), a.console.quorum());
        assertThat(still.state()).isEqualTo(RunState.FAILED);
        assertThat(a.entries("run.resumed")).isEmpty();
        assertThat(a.entries("run.resume_stopped")).hasSize(1);

        RunResolution res = a.runs.abort(failed.id(), a.console.quorum("demo-card-1", "demo-card-2", "demo-card-3"),
                "the wrong validity was planned");

        assertThat(res.run().state()).isEqualTo(RunState.ABORTED);
        assertThat(res.undone()).anySatisfy(u -> assertThat(u).contains(made.size() + " working key(s) withdrawn"));
        assertThat(res.notUndone()).noneMatch(u -> u.contains("wk/"));
        assertThat(a.store.read(x -> KeyRecords.workingKeys(x, InventoryFilter.ALL)).stream()
                .filter(k -> k.runId().equals(failed.id()))).hasSize(made.size()).allMatch(k -> k.status().equals(RunKeys.WITHDRAWN));
        List<WorkingKey> active = a.store.read(x -> KeyRecords.workingKeys(x, InventoryFilter.ALL.status("ACTIVE")));
        assertThat(active).isEmpty();
        assertThat(a.entries("key.withdrawn")).hasSize(made.size());

        // the next bundle of the zone carries none of them
        Path dir = Files.createDirectories(home.resolve("export-a"));
        Files.copy(EXAMPLES.resolve("08-export-bundle.yaml"), dir.resolve("08-export-bundle.yaml"));
        byte[] bytes = Files.readAllBytes(dir.resolve("08-export-bundle.yaml"));
        RunRecord export = a.runs.scriptDirectory(dir).run(ScriptParser.parse(bytes, "08-export-bundle.yaml"), bytes,
                a.console.quorum("demo-card-1", "demo-card-2", "demo-card-3"), false);
        assertThat(export.state()).as(export.failure() + " " + a.console.refusals).isEqualTo(RunState.COMPLETED);
        List<BundleRecord> bundles = a.store.read(x -> BundleRecords.ofRun(x, export.id()));
        assertThat(bundles).hasSize(1);
        assertThat(bundles.getFirst().keyCount()).isZero();
        // every step these runs journaled is one the message catalogue says in words, in English and Chinese
        for (RunRecord run : a.runs.journal().recent(100)) {
            for (StepRecord step : a.runs.journal().steps(run.id())) {
                assertThat(org.hsmc.ceremony.i18n.Words.stepKeyOf(step.name())).as(step.name()).isPresent();
            }
        }
    }

    // ------------------------------------------------------------------ finding 1: resume

    @Test
    @Order(4)
    void aWrongTransportPinStopsTheRunAndTheResumeFinishesIt() throws Exception {
        b.console.retry = false;
        b.console.transportAttempts.put("demo-card-3", new ArrayDeque<>(List.of("999999")));

        assertThatThrownBy(() -> b.run("01-initialize.yaml")).isInstanceOf(CeremonyStoppedException.class)
                .hasMessageContaining("transport PIN").hasMessageContaining("Resume");
        RunRecord failed = b.runs.journal().recent(1).getFirst();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(b.runs.unresolved()).extracting(RunRecord::id).contains(failed.id());
        // running 01 again is refused, naming the run and both ways forward
        assertThatThrownBy(() -> b.run("01-initialize.yaml")).isInstanceOf(CeremonyRefusedException.class)
                .hasMessageContaining(failed.id()).hasMessageContaining("resume").hasMessageContaining("abort");

        RunRecord resumed = b.runs.resume(failed.id(), b.console);

        assertThat(resumed.state()).isEqualTo(RunState.COMPLETED);
        assertThat(b.entries("run.resumed")).hasSize(1);
        assertThat(UnfinishedInitialization.initialised(b.store)).isTrue();
        assertThat(b.runs.journal().steps(failed.id())).allMatch(s -> s.state() == StepRecord.State.DONE);
        assertThat(b.runs.unresolved()).isEmpty();
        // Alice and Bob enrolled once: the resume kept their cards and did not ask for their transport PINs again
        assertThat(b.entries("card.enrolled")).hasSize(5);
    }

    // ------------------------------------------------------------------ finding 1: abort, then 01 again

    @Test
    @Order(5)
    void aLockedCardStopsTheRunAndTheAbortPutsTheCardsBackWithoutAQuorum() throws Exception {
        c.console.transportAttempts.put("demo-card-3", new ArrayDeque<>(List.of("999991", "999992", "999993", "999994")));

        assertThatThrownBy(() -> c.run("01-initialize.yaml")).isInstanceOf(CeremonyStoppedException.class);
        assertThat(c.console.pinRefusals).as(c.console.pinRefusals.toString()).hasSize(3);
        PinRefusal last = c.console.pinRefusals.getLast();
        assertThat(last.locked()).isTrue();
        assertThat(last.mayRetry()).isFalse();
        assertThat(last.message()).contains("Unblock", "replace");
        assertThat(c.console.transportAttempts.get("demo-card-3")).hasSize(1); // never asked a fourth time
        RunRecord failed = c.runs.journal().recent(1).getFirst();

        RunResolution res = c.runs.abort(failed.id(), c.console, "Carol's transport PIN letter was lost");

        assertThat(res.run().state()).isEqualTo(RunState.ABORTED);
        assertThat(res.notUndone()).isEmpty();
        assertThat(res.undone()).anySatisfy(u -> assertThat(u).contains(c.cardLabel(1), "Alice", "transport PIN set back"));
        assertThat(UnfinishedInitialization.all(c.store)).isEmpty();
        for (int i = 1; i <= 2; i++) {
            Token card = c.card("demo-card-" + i);
            card.login(tokens.userPin(c.cardLabel(i))); // the transport PIN opens it again
            try (Session s = card.openSession()) {
                assertThat(s.findKeysByLabel("hsmc-admin-key")).isEmpty();
            } finally {
                card.logout();
            }
        }
        assertThat(c.entries("initialize.aborted")).hasSize(1);
        assertThat(c.entries("pin.refused")).hasSize(3);
    }

    @Test
    @Order(6)
    void anInitializeInterruptedAfterItsSigningKeyIsAbortedAndRunAgainOnTheSameHome() throws Exception {
        c.console.pinRefusals.clear();
        c.console.failWhen = s -> s.startsWith("STARTED split the HSM credential");
        assertThatThrownBy(() -> c.run("01-initialize.yaml")).hasMessageContaining("pulled");
        c.console.failWhen = s -> false;
        RunRecord failed = c.runs.journal().recent(1).getFirst();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(runObjects(c, failed.id())).isNotEmpty();

        RunResolution res = c.runs.abort(failed.id(), c.console, "the cable was pulled");

        assertThat(res.run().state()).isEqualTo(RunState.ABORTED);
        assertThat(res.undone()).anySatisfy(u -> assertThat(u).contains("bundle-signer/v1"));
        assertThat(res.undone()).anySatisfy(u -> assertThat(u).contains("console certificate"));
        assertThat(runObjects(c, failed.id())).isEmpty();
        Optional<BundleRecords.StoredCertificate> cert = c.store.read(BundleRecords::consoleCertificate);
        assertThat(cert).isEmpty();

        RunRecord again = c.run("01-initialize.yaml");

        assertThat(again.state()).isEqualTo(RunState.COMPLETED);
        assertThat(c.runs.unresolved()).isEmpty();
        assertThat(c.audit.verify(Optional.empty()).intact()).isTrue();
        assertThat(c.run("02-generate-master-key.yaml").state()).isEqualTo(RunState.COMPLETED);
    }

    @Test
    @Order(7)
    void anInitializeStoppedInItsCheckPassIsResumedToTheEnd() throws Exception {
        d.console.checkAttempts.put("demo-card-5", new ArrayDeque<>(List.of("erin-0001", "erin-0002", "erin-0003")));

        assertThatThrownBy(() -> d.run("01-initialize.yaml")).isInstanceOf(CeremonyStoppedException.class);
        RunRecord failed = d.runs.journal().recent(1).getFirst();
        assertThat(failed.state()).isEqualTo(RunState.FAILED);
        assertThat(UnfinishedInitialization.initialised(d.store)).isTrue();
        // the split is in force: no abort, and the refusal says what to do instead
        assertThatThrownBy(() -> d.runs.abort(failed.id(), d.console, "no")).hasMessageContaining("resume");

        RunRecord resumed = d.runs.resume(failed.id(), d.console);

        assertThat(resumed.state()).isEqualTo(RunState.COMPLETED);
        List<StepRecord> steps = d.runs.journal().steps(failed.id());
        assertThat(steps).allMatch(st -> st.state() == StepRecord.State.DONE);
        assertThat(steps.getLast().name()).isEqualTo("check Erin's card opens its share");
        assertThat(steps.getLast().attempt()).isEqualTo(2);
        assertThat(d.entries("initialize.done")).hasSize(1);
        assertThat(d.runs.unresolved()).isEmpty();
        assertThat(d.run("02-generate-master-key.yaml").state()).isEqualTo(RunState.COMPLETED);
        assertThat(d.audit.verify(Optional.empty()).intact()).isTrue();
    }

    /** Labels of the HSM objects whose CKA_ID is the run's id (logged in with the HSM's user PIN). */
    private List<String> runObjects(Room room, String runId) {
        room.hsm.login(tokens.userPin(room.hsm.label()));
        try (Session s = room.hsm.openSession()) {
            List<String> out = new ArrayList<>();
            for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
                for (KeyHandle h : s.findKeysById(kc, runId.getBytes(StandardCharsets.UTF_8))) {
                    out.add(s.label(h));
                }
            }
            return out;
        } finally {
            room.hsm.logout();
        }
    }

    /** The people in the room, with mistakes: PINs typed wrong first, per prompt, then the right ones. */
    static final class RoomConsole extends ScriptedConsole {
        final Deque<String> hsmPins = new ArrayDeque<>();
        final Map<String, Deque<String>> transportAttempts = new HashMap<>();
        final Map<String, Deque<String>> secondNewPin = new HashMap<>();
        final Map<String, Deque<String>> checkAttempts = new HashMap<>();
        final Deque<String[]> presentations = new ArrayDeque<>();
        final List<PinRefusal> pinRefusals = new ArrayList<>();
        boolean retry = true;
        /** "STATE step name": a step event at which the cable is pulled. */
        Predicate<String> failWhen = s -> false;

        RoomConsole(java.util.function.Function<String, Token> cards) {
            super(cards);
        }

        @Override
        public Optional<CardAndPin> nextCard(QuorumSession quorum) {
            String[] next = presentations.poll();
            return next != null ? Optional.of(new CardAndPin(cards.apply(next[0]), next[1].toCharArray())) : super.nextCard(quorum);
        }

        @Override
        public char[] hsmUserPin(String tokenLabel) {
            String wrong = hsmPins.poll();
            return wrong != null ? wrong.toCharArray() : super.hsmUserPin(tokenLabel);
        }

        @Override
        public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
            String transport = poll(transportAttempts, cardLabel, transportPins.get(cardLabel));
            String again = poll(secondNewPin, cardLabel, pins.get(cardLabel));
            return new EnrolmentPins(transport.toCharArray(), pins.get(cardLabel).toCharArray(), again.toCharArray());
        }

        @Override
        public char[] checkPin(String custodian, String cardLabel) {
            return poll(checkAttempts, cardLabel, pins.get(cardLabel)).toCharArray();
        }

        @Override
        public boolean pinRefused(PinRefusal refusal) {
            pinRefusals.add(refusal);
            return retry;
        }

        @Override
        public Optional<CardReset> cardReset(String custodian, String cardLabel) {
            return Optional.of(new CardReset(pins.get(cardLabel).toCharArray(), transportPins.get(cardLabel).toCharArray()));
        }

        @Override
        public void step(int number, String name, StepRecord.State state, String result) {
            super.step(number, name, state, result);
            if (failWhen.test(state + " " + name)) {
                throw new IllegalStateException("the cable was pulled at " + state + " " + name);
            }
        }

        private static String poll(Map<String, Deque<String>> attempts, String key, String otherwise) {
            Deque<String> d = attempts.get(key);
            String v = d == null ? null : d.poll();
            return v != null ? v : otherwise;
        }
    }
}
