package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.custody.Card;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.CardSetPurpose;
import org.hsmc.ceremony.custody.CustodyChange;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The custody ceremonies end to end on SoftHSM2 (one token per card): replace-card, enrol-card,
 * unblock-card, revoke-card and change-quorum. After every re-share, shares gathered before it cannot log
 * in to the HSM; a revoked card's approval is refused with its own message; refusals change nothing and
 * are audited.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustodyCeremonyTest {

    @TempDir
    static Path home;

    private static final String HSM = SoftHsmStore.HSM_CUSTODY;
    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin", "spare", "frank"};
    private SoftHsmStore tokens;
    private Pkcs11Module module;
    private Store store;
    private AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private Token hsm;
    private CeremonyEngine engine;
    private ScriptedConsole console;

    /** Cards 22–28 of the shared token store (a second store cannot be loaded in the same JVM). */
    static String card(int i) {
        return SoftHsmStore.cardLabel(21 + i);
    }

    @BeforeAll
    void open() {
        tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        store = Store.open(home.resolve("console.db"));
        audit = new AuditLog(store, clock);
        hsm = module.token(HSM);
        engine = new CeremonyEngine(store, audit, clock, hsm, "test site").cards(module::token);
        console = new ScriptedConsole(module::token);
        console.hsmPin = new String(tokens.userPin(HSM));
        for (int i = 1; i <= 7; i++) {
            console.transportPins.put(card(i), new String(tokens.userPin(card(i))));
            console.pins.put(card(i), NAMES[i - 1] + "-" + String.valueOf(i).repeat(4));
        }
        byte[] init = ("""
                ceremony: initialize
                format: 1
                title: Custody test console
                operator: Alice
                threshold: 3
                custodians:
                  - {name: Alice, role: SECURITY_OFFICER, card: %s}
                  - {name: Bob, role: KEY_CUSTODIAN, card: %s}
                  - {name: Carol, role: KEY_CUSTODIAN, card: %s}
                  - {name: Dave, role: KEY_CUSTODIAN, card: %s}
                  - {name: Erin, role: KEY_CUSTODIAN, card: %s}
                bundle_signer:
                  subject: CN=Custody test
                """).formatted(card(1), card(2), card(3), card(4), card(5)).getBytes(StandardCharsets.UTF_8);
        RunRecord r = new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, module::token, "test site")
                .run(ScriptParser.parse(init, "init.yaml"), init, console, true);
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
    }

    @AfterAll
    void close() {
        store.close();
        module.close();
    }

    /** Runs a script whose cards are written cu-card-N (card N of this test). */
    private RunRecord run(String yaml, String... quorum) {
        for (int i = 7; i >= 1; i--) {
            yaml = yaml.replace("cu-card-" + i, card(i));
        }
        byte[] bytes = yaml.getBytes(StandardCharsets.UTF_8);
        ParsedScript p = ScriptParser.parse(bytes, "custody.yaml");
        return engine.run(p, bytes, console.quorum(quorum.length == 0 ? new String[]{card(1), card(2), card(3)} : quorum), true);
    }

    /** A quorum of the active set whose shares are gathered now and used later (the HSM is not opened yet). */
    private QuorumSession gatherShares(String... labels) {
        QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "test-old-shares", "test");
        for (String l : labels) {
            q.present(module.token(l), console.pins.get(l).toCharArray());
        }
        return q;
    }

    /** The shares gathered before a re-share rebuild a credential the HSM no longer accepts. */
    private void oldSharesOpenNothing(QuorumSession before) {
        try (before) {
            assertThatThrownBy(() -> before.openHsm(hsm)).isInstanceOfSatisfying(QuorumRefusal.class,
                    r -> assertThat(r.kind()).isEqualTo(QuorumRefusal.Kind.CREDENTIAL_REJECTED));
        }
        assertThat(hsm.isLoggedIn()).isFalse();
    }

    private CardSet activeSet() {
        return store.read(CustodyChange::adminSet).orElseThrow();
    }

    private List<String> activeLabels() {
        return store.read(CustodyChange::adminCards).stream().map(Card::tokenLabel).toList();
    }

    private int rollovers() {
        return store.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM credential_rollover")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    @Order(1)
    void replaceCardRevokesTheOldCardEnrolsTheNewOneAndRotatesTheCredential() {
        QuorumSession before = gatherShares(card(1), card(2), card(5));
        RunRecord r = run("""
                ceremony: replace-card
                format: 1
                title: Erin's card is damaged
                operator: Alice
                card: cu-card-5
                new_card: cu-card-6
                reason: the card cracked
                """);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).hasSize(4).allMatch(s -> s.state() == StepRecord.State.DONE);
        assertThat(activeLabels()).containsExactlyInAnyOrder(card(1), card(2), card(3), card(4), card(6));
        assertThat(activeSet().threshold()).isEqualTo(3);
        Card old = store.read(c -> CustodyChange.cardByLabel(c, card(5))).orElseThrow();
        assertThat(old.revoked()).isTrue();
        Card fresh = store.read(c -> CustodyChange.cardByLabel(c, card(6))).orElseThrow();
        String erin = store.read(c -> CustodyChange.custodianByName(c, "Erin")).orElseThrow().id();
        assertThat(fresh.custodianId()).isEqualTo(erin);
        List<String> unchecked = new CustodyChange(store, audit, clock, new SecureRandom()).unchecked(activeSet());
        assertThat(unchecked).as("the new card was checked").doesNotContain(fresh.serial());
        assertThat(rollovers()).isZero();
        oldSharesOpenNothing(before);

        // the revoked card is refused with its own message
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "test", "test")) {
            assertThatThrownBy(() -> q.present(module.token(card(5)), console.pins.get(card(5)).toCharArray()))
                    .isInstanceOfSatisfying(QuorumRefusal.class, e -> {
                        assertThat(e.kind()).isEqualTo(QuorumRefusal.Kind.REVOKED_CARD);
                        assertThat(e.getMessage()).contains("has been revoked");
                    });
            // the new card approves, and the new set opens the HSM
            q.present(module.token(card(6)), console.pins.get(card(6)).toCharArray());
            q.present(module.token(card(1)), console.pins.get(card(1)).toCharArray());
            q.present(module.token(card(2)), console.pins.get(card(2)).toCharArray());
            q.openHsm(hsm);
        }
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(2)
    void enrolCardAddsANewCustodianWhoseCardHoldsAShare() {
        QuorumSession before = gatherShares(card(1), card(2), card(3));
        RunRecord r = run("""
                ceremony: enrol-card
                format: 1
                title: Frank joins
                operator: Alice
                holder: Frank
                role: KEY_CUSTODIAN
                card: cu-card-7
                """);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        assertThat(activeLabels()).hasSize(6).contains(card(7));
        assertThat(activeSet().shareCount()).isEqualTo(6);
        oldSharesOpenNothing(before);
        try (QuorumSession q = gatherShares(card(7), card(3), card(4))) {
            q.openHsm(hsm);
        }
    }

    @Test
    @Order(3)
    void unblockCardResetsALockedCardThroughItsSecurityOfficerPath() {
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "test", "test")) {
            for (int i = 0; i < QuorumSession.MAX_PIN_TRIES; i++) {
                assertThatThrownBy(() -> q.present(module.token(card(2)), "wrong-pin".toCharArray()))
                        .isInstanceOf(QuorumRefusal.class);
            }
            assertThatThrownBy(() -> q.present(module.token(card(2)), console.pins.get(card(2)).toCharArray()))
                    .isInstanceOfSatisfying(QuorumRefusal.class, e -> assertThat(e.kind()).isEqualTo(QuorumRefusal.Kind.LOCKED_CARD));
        }
        String newPin = "bob-new-pin-22";
        ScriptedConsole unblocking = new ScriptedConsole(module::token) {
            @Override
            public EnrolmentPins unblockPins(String custodian, String cardLabel) {
                assertThat(custodian).isEqualTo("Bob");
                return new EnrolmentPins(tokens.soPin(), newPin.toCharArray());
            }
        };
        unblocking.pins.putAll(console.pins);
        byte[] bytes = """
                ceremony: unblock-card
                format: 1
                title: Bob's card is locked
                operator: Alice
                card: %s
                reason: three wrong PINs on Monday
                """.formatted(card(2)).getBytes(StandardCharsets.UTF_8);
        RunRecord r = engine.run(ScriptParser.parse(bytes, "unblock.yaml"), bytes, unblocking.quorum(card(1), card(3), card(4)), true);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        console.pins.put(card(2), newPin);
        try (QuorumSession q = gatherShares(card(2), card(1), card(3))) {
            q.openHsm(hsm);
        }
        assertThat(store.read(c -> CustodyChange.cardByLabel(c, card(2))).orElseThrow().failedPins()).isZero();
    }

    @Test
    @Order(4)
    void revokeCardTakesTheCardOutOfTheSetAndRotatesTheCredential() {
        QuorumSession before = gatherShares(card(4), card(2), card(3));
        RunRecord r = run("""
                ceremony: revoke-card
                format: 1
                title: Dave leaves
                operator: Alice
                card: cu-card-4
                reason: Dave left the company
                """);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        assertThat(activeLabels()).containsExactlyInAnyOrder(card(1), card(2), card(3), card(6), card(7));
        oldSharesOpenNothing(before);
    }

    @Test
    @Order(5)
    void changeQuorumSetsANewThresholdCardsAndRoleRuleEveryCardChecked() {
        QuorumSession before = gatherShares(card(1), card(2), card(3));
        RunRecord r = run("""
                ceremony: change-quorum
                format: 1
                title: Two of four, one of them a security officer
                operator: Alice
                threshold: 2
                cards: [cu-card-1, cu-card-2, cu-card-3, cu-card-7]
                rule:
                  roles: [SECURITY_OFFICER, KEY_CUSTODIAN]
                  minimum:
                    - {role: SECURITY_OFFICER, count: 1}
                """);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).hasSize(6);
        CardSet set = activeSet();
        assertThat(set.threshold()).isEqualTo(2);
        assertThat(set.shareCount()).isEqualTo(4);
        assertThat(new CustodyChange(store, audit, clock, new SecureRandom()).unchecked(set)).isEmpty();
        oldSharesOpenNothing(before);
        // the role rule: two key custodians are not a quorum
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "test", "test")) {
            q.present(module.token(card(2)), console.pins.get(card(2)).toCharArray());
            assertThatThrownBy(() -> q.present(module.token(card(3)), console.pins.get(card(3)).toCharArray()))
                    .isInstanceOfSatisfying(QuorumRefusal.class, e -> assertThat(e.kind()).isEqualTo(QuorumRefusal.Kind.ROLE_NOT_ALLOWED));
            q.present(module.token(card(1)), console.pins.get(card(1)).toCharArray());
            q.openHsm(hsm);
        }
    }

    @Test
    @Order(6)
    void refusalsChangeNothingAndAreAudited() {
        String setBefore = activeSet().id();
        List<String> refused = List.of(
                // an unknown card
                """
                        ceremony: replace-card
                        format: 1
                        title: Unknown card
                        operator: Alice
                        card: no-such-card
                        new_card: cu-card-5
                        reason: test
                        """,
                // M > N
                """
                        ceremony: change-quorum
                        format: 1
                        title: Five of four
                        operator: Alice
                        threshold: 5
                        """,
                // a role rule no set of these cards can satisfy: two security officers, one exists
                """
                        ceremony: change-quorum
                        format: 1
                        title: Two officers
                        operator: Alice
                        threshold: 2
                        rule:
                          roles: [SECURITY_OFFICER, KEY_CUSTODIAN]
                          minimum:
                            - {role: SECURITY_OFFICER, count: 2}
                        """,
                // revoking would leave fewer usable cards than M... of a 2-of-4 set, revoke until 2 remain is fine;
                // a revoked card cannot be revoked again
                """
                        ceremony: revoke-card
                        format: 1
                        title: Again
                        operator: Alice
                        card: cu-card-4
                        reason: test
                        """,
                // an unknown custodian for a spare card
                """
                        ceremony: enrol-card
                        format: 1
                        title: Nobody
                        operator: Alice
                        holder: Mallory
                        card: cu-card-5
                        """);
        for (String yaml : refused) {
            long entries = audit.verify(Optional.empty()).entriesChecked();
            assertThatThrownBy(() -> run(yaml, card(1), card(2))).isInstanceOf(CeremonyRefusedException.class);
            assertThat(activeSet().id()).isEqualTo(setBefore);
            assertThat(audit.verify(Optional.empty()).entriesChecked()).isEqualTo(entries + 1);
            String last = store.read(c -> {
                try (var st = c.createStatement(); var rs = st.executeQuery(
                        "SELECT action || ' ' || outcome FROM audit_entry ORDER BY seq DESC LIMIT 1")) {
                    rs.next();
                    return rs.getString(1);
                }
            });
            assertThat(last).isEqualTo("run.refused REFUSED");
        }
        assertThat(engine.journal().interrupted()).isEmpty();
    }

    @Test
    @Order(7)
    void aRevokedCardThatStillHoldsAShareIsTakenOutByRevokeCard() {
        // the state an aborted replace-card leaves after its revoke step: revoked, but still in the active set
        Card frank = store.read(c -> CustodyChange.cardByLabel(c, card(7))).orElseThrow();
        assertThat(new CustodyChange(store, audit, clock, new SecureRandom()).revoke("test", frank.serial(), "lost", "test-run"))
                .isTrue();
        assertThat(activeLabels()).contains(card(7));
        RunRecord r = run("""
                ceremony: revoke-card
                format: 1
                title: Frank's card, revoked before, still holds a share
                operator: Alice
                card: cu-card-7
                reason: finish the revocation
                """);
        assertThat(r.state()).as(r.failure()).isEqualTo(RunState.COMPLETED);
        assertThat(activeLabels()).containsExactlyInAnyOrder(card(1), card(2), card(3));
    }
}
