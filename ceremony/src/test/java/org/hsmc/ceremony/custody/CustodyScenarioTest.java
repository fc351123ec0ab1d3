package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.Bytes;
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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The custody life cycle on real SoftHSM2 tokens (the HSM and eight cards): initialisation 3-of-5,
 * every quorum refusal, any 3 of 5 cards open the HSM and no 2 do, a re-share that rotates the
 * credential, and a scan of the store and the logs for the credential and the shares.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustodyScenarioTest {

    private static final String HSM = SoftHsmStore.HSM_SPARE;

    @TempDir
    static Path home;

    private SoftHsmStore tokens;
    private Pkcs11Module module;
    private Store store;
    private AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, char[]> pins = new HashMap<>();
    private final Map<String, Custodian> holders = new HashMap<>();
    private CardAdministration admin;
    private Token hsm;

    @BeforeAll
    void open() {
        tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        store = Store.open(home.resolve("console.db"));
        audit = new AuditLog(store, clock);
        admin = new CardAdministration(store, audit, clock);
        hsm = module.token(HSM);
    }

    @AfterAll
    void close() {
        store.close();
        module.close();
    }

    private Token card(int i) {
        return module.token(SoftHsmStore.cardLabel(i));
    }

    private char[] pin(int i) {
        return pins.get(SoftHsmStore.cardLabel(i)).clone();
    }

    private QuorumSession.Approval present(QuorumSession q, int card) {
        return q.present(card(card), pin(card));
    }

    private QuorumSession quorum(String operation, int... cards) {
        QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, operation, "officer");
        for (int c : cards) {
            present(q, c);
        }
        return q;
    }

    private QuorumRefusal.Kind refusal(Runnable r) {
        try {
            r.run();
        } catch (QuorumRefusal e) {
            return e.kind();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    @Order(1)
    void initializationAdoptsTheHsmEnrolsTheCardsAndChecksEveryOne() {
        Initialization init = Initialization.begin(store, audit, clock, random, hsm, tokens.userPin(HSM), "officer");
        String[][] people = {{"Alice", "SECURITY_OFFICER"}, {"Bob", "KEY_CUSTODIAN"}, {"Carol", "KEY_CUSTODIAN"},
                {"Dave", "KEY_CUSTODIAN"}, {"Erin", "KEY_CUSTODIAN"}, {"Frank", "KEY_CUSTODIAN"}};
        for (String[] p : people) {
            holders.put(p[0], init.addCustodian(p[0], Role.valueOf(p[1])));
        }
        List<Card> set = new ArrayList<>();
        int[] cardOf = {1, 2, 3, 4, 5, 7};
        for (int i = 0; i < people.length; i++) {
            int c = cardOf[i];
            pins.put(SoftHsmStore.cardLabel(c), ("pin-" + people[i][0].toLowerCase() + "-" + c).toCharArray());
            Card enrolled = init.enrol(holders.get(people[i][0]), card(c), tokens.userPin(SoftHsmStore.cardLabel(c)), pin(c));
            assertThat(enrolled.serial()).isEqualTo(card(c).description().serialNumber());
            if (c <= 5) {
                set.add(enrolled);
            }
        }
        // a card is enrolled once
        assertThatThrownBy(() -> init.enrol(holders.get("Bob"), card(2), pin(2), pin(2)))
                .isInstanceOf(CustodyException.class).hasMessageContaining("already enrolled");
        // the custodian's own PIN is now the card's PIN
        assertThatThrownBy(() -> card(2).login(tokens.userPin(SoftHsmStore.cardLabel(2)))).isInstanceOf(PinIncorrectException.class);

        CardSet cardSet = init.split(3, set, tokens.userPin(HSM));
        assertThat(cardSet.threshold()).isEqualTo(3);
        assertThat(cardSet.shareCount()).isEqualTo(5);
        assertThat(init.unchecked()).hasSize(5);
        assertThatThrownBy(init::finish).isInstanceOf(CustodyException.class).hasMessageContaining("have not been checked");
        assertThatThrownBy(() -> init.check(card(1), "wrong-pin".toCharArray())).isInstanceOf(CustodyException.class)
                .hasMessageContaining("was not accepted");
        for (int c = 1; c <= 5; c++) {
            init.check(card(c), pin(c));
        }
        assertThat(init.unchecked()).isEmpty();
        init.finish();

        assertThat(hsm.isLoggedIn()).isFalse();
        // the HSM's old user PIN no longer opens it
        assertThatThrownBy(() -> hsm.login(tokens.userPin(HSM))).isInstanceOf(PinIncorrectException.class);
        assertThatThrownBy(() -> Initialization.begin(store, audit, clock, random, hsm, tokens.userPin(HSM), "officer"))
                .isInstanceOf(CustodyException.class).hasMessageContaining("already initialised");
        assertThat(audit.verify(java.util.Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(2)
    void anyThreeOfTheFiveCardsOpenTheHsmAndNoTwoDo() {
        for (int a = 1; a <= 5; a++) {
            for (int b = a + 1; b <= 5; b++) {
                try (QuorumSession two = quorum("open-hsm", a, b)) {
                    assertThat(two.isComplete()).isFalse();
                    assertThat(refusal(() -> two.openHsm(hsm))).isEqualTo(QuorumRefusal.Kind.TOO_FEW_CARDS);
                    assertThat(hsm.isLoggedIn()).isFalse();
                }
                for (int c = b + 1; c <= 5; c++) {
                    try (QuorumSession three = quorum("open-hsm", a, b, c)) {
                        three.openHsm(hsm);
                        assertThat(hsm.isLoggedIn()).as("cards %d, %d, %d", a, b, c).isTrue();
                        try (Session s = hsm.openSession()) {
                            assertThat(AuditKeys.find(s)).isPresent();
                        }
                    }
                    assertThat(hsm.isLoggedIn()).as("closing the quorum logs the HSM out").isFalse();
                }
            }
        }
    }

    @Test
    @Order(3)
    void eachRefusalHasItsOwnMessageAndItsOwnAuditEntry() {
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "open-hsm", "officer")) {
            QuorumRefusal wrong = (QuorumRefusal) catchThrowable(() -> q.present(card(2), "not-bobs-pin".toCharArray()));
            assertThat(wrong.kind()).isEqualTo(QuorumRefusal.Kind.WRONG_PIN);
            assertThat(wrong.triesLeft()).hasValue(2);
            assertThat(wrong.getMessage()).contains("Bob").contains("2 tries are left");

            QuorumRefusal unknown = (QuorumRefusal) catchThrowable(() -> q.present(card(8), "whatever".toCharArray()));
            assertThat(unknown.kind()).isEqualTo(QuorumRefusal.Kind.UNKNOWN_CARD);
            assertThat(unknown.getMessage()).contains("is not enrolled at this console");

            QuorumRefusal otherSet = (QuorumRefusal) catchThrowable(() -> q.present(card(7), pin(7)));
            assertThat(otherSet.kind()).isEqualTo(QuorumRefusal.Kind.OTHER_CARD_SET);
            assertThat(otherSet.getMessage()).contains("Frank").contains("belongs to another card set");

            present(q, 2); // the right PIN clears the count
            assertThat(admin.card(card(2).description().serialNumber()).failedPins()).isZero();
            QuorumRefusal twice = (QuorumRefusal) catchThrowable(() -> present(q, 2));
            assertThat(twice.kind()).isEqualTo(QuorumRefusal.Kind.SAME_CARD_TWICE);
            assertThat(refusal(() -> q.openHsm(hsm))).isEqualTo(QuorumRefusal.Kind.TOO_FEW_CARDS);
        }

        // locked: three wrong PINs, then even the right one is refused until a quorum unblocks the card
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "open-hsm", "officer")) {
            assertThat(refusal(() -> q.present(card(5), "x-1234".toCharArray()))).isEqualTo(QuorumRefusal.Kind.WRONG_PIN);
            QuorumRefusal last = (QuorumRefusal) catchThrowable(() -> q.present(card(5), "x-1234".toCharArray()));
            assertThat(last.triesLeft()).hasValue(1);
            assertThat(last.getMessage()).contains("1 try is left");
            QuorumRefusal locked = (QuorumRefusal) catchThrowable(() -> q.present(card(5), "x-1234".toCharArray()));
            assertThat(locked.kind()).isEqualTo(QuorumRefusal.Kind.LOCKED_CARD);
            assertThat(locked.getMessage()).contains("is locked after 3 wrong PINs");
            assertThat(refusal(() -> present(q, 5))).isEqualTo(QuorumRefusal.Kind.LOCKED_CARD);
        }
        String erinsCard = card(5).description().serialNumber();
        try (QuorumSession q = quorum("unblock-card", 1, 2, 3)) {
            admin.unblock(q, erinsCard);
        }
        try (QuorumSession q = quorum("open-hsm", 5, 4, 3)) {
            q.openHsm(hsm);
        }

        // role rules: this operation needs a security officer among its three approvals
        try (QuorumSession q = quorum("set-policy", 1, 2, 3)) {
            admin.setPolicy(q, "sensitive-operation", QuorumPolicy.DEFAULT.requiring(Role.SECURITY_OFFICER, 1));
        }
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "sensitive-operation", "officer")) {
            present(q, 2);
            present(q, 3);
            QuorumRefusal role = (QuorumRefusal) catchThrowable(() -> present(q, 4));
            assertThat(role.kind()).isEqualTo(QuorumRefusal.Kind.ROLE_NOT_ALLOWED);
            assertThat(role.getMessage()).contains("must come from a security officer").contains("Dave is a key custodian");
            present(q, 1);
            assertThat(q.isComplete()).isTrue();
        }

        // revoked
        String davesCard = card(4).description().serialNumber();
        try (QuorumSession q = quorum("revoke-card", 1, 2, 3)) {
            admin.revoke(q, davesCard, "reported lost");
        }
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "open-hsm", "officer")) {
            QuorumRefusal revoked = (QuorumRefusal) catchThrowable(() -> present(q, 4));
            assertThat(revoked.kind()).isEqualTo(QuorumRefusal.Kind.REVOKED_CARD);
            assertThat(revoked.getMessage()).contains("has been revoked");
        }

        // every kind left its own audit entry
        List<String> kinds = store.read(c -> {
            List<String> out = new ArrayList<>();
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT details FROM audit_entry WHERE action = 'quorum.refused' ORDER BY seq")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
        for (QuorumRefusal.Kind k : List.of(QuorumRefusal.Kind.WRONG_PIN, QuorumRefusal.Kind.UNKNOWN_CARD,
                QuorumRefusal.Kind.OTHER_CARD_SET, QuorumRefusal.Kind.SAME_CARD_TWICE, QuorumRefusal.Kind.TOO_FEW_CARDS,
                QuorumRefusal.Kind.LOCKED_CARD, QuorumRefusal.Kind.ROLE_NOT_ALLOWED, QuorumRefusal.Kind.REVOKED_CARD)) {
            assertThat(kinds).as("an audit entry for %s", k).anyMatch(d -> d.contains("\"" + k.name() + "\""));
        }
        assertThat(String.join("\n", kinds)).doesNotContain("not-bobs-pin", "x-1234");
        assertThat(audit.verify(java.util.Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(4)
    void aReshareRotatesTheCredentialSoOldSharesOpenNothing() {
        String oldSet;
        CardSet newSet;
        try (QuorumSession q = quorum("reshare", 1, 2, 3)) {
            oldSet = q.cardSet().id();
            q.openHsm(hsm);
            pins.put(SoftHsmStore.cardLabel(6), "pin-bob-spare-6".toCharArray());
            pins.put(SoftHsmStore.cardLabel(8), "pin-grace-8".toCharArray());
            Card bobsSpare = admin.enrol(q, holders.get("Bob"), card(6), tokens.userPin(SoftHsmStore.cardLabel(6)), pin(6));
            Custodian grace = admin.addCustodian(q, "Grace", Role.KEY_CUSTODIAN);
            Card gracesCard = admin.enrol(q, grace, card(8), tokens.userPin(SoftHsmStore.cardLabel(8)), pin(8));
            List<Card> cards = List.of(admin.card(card(1).description().serialNumber()),
                    admin.card(card(2).description().serialNumber()), admin.card(card(3).description().serialNumber()),
                    bobsSpare, gracesCard);
            newSet = admin.reshare(q, 3, cards, random);
        }
        assertThat(newSet.id()).isNotEqualTo(oldSet);
        for (int c : new int[] {1, 2, 3, 6, 8}) {
            admin.check(newSet, card(c), pin(c), "officer");
        }
        assertThat(admin.unchecked(newSet)).isEmpty();

        // the retired shares rebuild the old credential, which the HSM no longer accepts
        try (QuorumSession old = QuorumSession.beginFor(store, audit, clock, oldSet, "prove-rotation", "officer")) {
            present(old, 1);
            present(old, 2);
            present(old, 3);
            assertThat(refusal(() -> old.openHsm(hsm))).isEqualTo(QuorumRefusal.Kind.CREDENTIAL_REJECTED);
            assertThat(hsm.isLoggedIn()).isFalse();
        }
        // the new set opens it; one holder with two cards still counts once
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "open-hsm", "officer")) {
            present(q, 2);
            QuorumRefusal sameHolder = (QuorumRefusal) catchThrowable(() -> present(q, 6));
            assertThat(sameHolder.kind()).isEqualTo(QuorumRefusal.Kind.SAME_HOLDER_TWICE);
            assertThat(sameHolder.getMessage()).contains("Bob has already approved");
            present(q, 8);
            present(q, 1);
            q.openHsm(hsm);
            assertThat(hsm.isLoggedIn()).isTrue();
        }
        // Erin's card (not in the new set) now belongs to another card set
        try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "open-hsm", "officer")) {
            assertThat(refusal(() -> present(q, 5))).isEqualTo(QuorumRefusal.Kind.OTHER_CARD_SET);
        }
    }

    @Test
    @Order(5)
    void neitherTheCredentialNorAnyShareIsInTheStoreOrTheLogs() throws IOException {
        // act as someone holding every card and PIN: open every share of the active set, rebuild the credential
        CardSet active = store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).orElseThrow();
        List<CustodyRecords.StoredShare> stored = store.read(c -> CustodyRecords.shares(c, active.id()));
        List<SecretSharing.Share> shares = new ArrayList<>();
        Map<String, Integer> cardBySerial = new HashMap<>();
        for (int i = 1; i <= 8; i++) {
            cardBySerial.put(card(i).description().serialNumber(), i);
        }
        for (CustodyRecords.StoredShare s : stored) {
            int i = cardBySerial.get(s.serial());
            card(i).login(pin(i));
            try (Session session = card(i).openSession()) {
                shares.add(new SecretSharing.Share(s.index(), ShareCipher.decryptOnCard(session,
                        CardEnrolment.privateKey(session, admin.card(s.serial())), s.encrypted(), active.id(), s.serial(), s.index())));
            } finally {
                card(i).logout();
            }
        }
        byte[] credential = SecretSharing.combine(shares.subList(0, 3));
        char[] credentialPin = Credential.toPin(credential, hsm.description().maxPinLength());
        hsm.login(credentialPin); // it really is the HSM's credential
        hsm.logout();

        List<byte[]> needles = new ArrayList<>();
        needles.add(credential);
        shares.forEach(s -> needles.add(s.value()));
        String pinText = new String(credentialPin);
        needles.add(pinText.getBytes(StandardCharsets.US_ASCII));
        needles.add(pinText.getBytes(StandardCharsets.UTF_16LE));
        needles.add(pinText.getBytes(StandardCharsets.UTF_16BE));
        pins.values().forEach(p -> needles.add(new String(p).getBytes(StandardCharsets.UTF_8)));

        List<Path> haystacks = new ArrayList<>();
        try (var files = Files.list(home)) {
            files.filter(p -> p.getFileName().toString().startsWith("console.db")).forEach(haystacks::add);
        }
        Path log = Path.of(System.getProperty("hsmc.test.log", "target/test-logs/ceremony-tests.log"));
        haystacks.add(log);
        assertThat(haystacks).anyMatch(p -> p.getFileName().toString().equals("console.db"));
        assertThat(Files.size(log)).as("the log holds the PKCS#11 trace of this run").isPositive();
        assertThat(Files.readString(log)).contains("C_Login").contains("C_DeriveKey");
        for (Path p : haystacks) {
            byte[] bytes = Files.readAllBytes(p);
            for (byte[] needle : needles) {
                assertThat(Bytes.indexOf(bytes, needle)).as("a secret of %d bytes in %s", needle.length, p.getFileName()).isEqualTo(-1);
            }
        }
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            return t;
        }
        throw new AssertionError("expected a refusal");
    }
}
