package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A re-share that stops between C_SetPIN (the HSM has the new credential) and the activation of the new
 * card set (the store still names the old one as active): the next quorum of the old set finishes it through
 * the credential rollover, after which the old shares open nothing and no rollover is left in the store.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CredentialRolloverTest {

    @TempDir
    static Path home;

    private static final String HSM = SoftHsmStore.HSM_ROLLOVER;
    private SoftHsmStore tokens;
    private Pkcs11Module module;
    private Store store;
    private AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private final SecureRandom random = new SecureRandom();
    private Token hsm;

    /** Cards 29–32 of the shared token store. */
    private static String card(int i) {
        return SoftHsmStore.cardLabel(28 + i);
    }

    private static char[] pin(int i) {
        return ("custodian-" + i + "-pin").toCharArray();
    }

    @BeforeAll
    void open() {
        tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        store = Store.open(home.resolve("console.db"));
        audit = new AuditLog(store, clock);
        hsm = module.token(HSM);
        Initialization init = Initialization.begin(store, audit, clock, random, hsm, tokens.userPin(HSM), "officer");
        List<Card> cards = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Custodian p = init.addCustodian("Custodian " + i, i == 1 ? Role.SECURITY_OFFICER : Role.KEY_CUSTODIAN);
            cards.add(init.enrol(p, module.token(card(i)), tokens.userPin(card(i)), pin(i)));
        }
        init.split(2, cards, tokens.userPin(HSM));
        for (int i = 1; i <= 4; i++) {
            init.check(module.token(card(i)), pin(i));
        }
        init.finish();
    }

    @AfterAll
    void close() {
        store.close();
        module.close();
    }

    private QuorumSession quorum(int... cards) {
        QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "test", "officer");
        for (int c : cards) {
            q.present(module.token(card(c)), pin(c));
        }
        return q;
    }

    private int count(String sql) {
        return store.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    @Test
    void aReshareStoppedAfterSetPinIsFinishedByTheOldQuorumAndOldSharesThenOpenNothing() {
        CardSet old = store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).orElseThrow();
        List<Card> next = store.read(c -> List.of(CustodyRecords.card(c, serial(1)).orElseThrow(),
                CustodyRecords.card(c, serial(2)).orElseThrow(), CustodyRecords.card(c, serial(3)).orElseThrow()));
        QuorumSession later = quorum(3, 4); // shares of the old set, gathered now, used at the end

        // what CustodyChange.reshare does, up to C_SetPIN, then the process "dies" (no activation)
        try (QuorumSession q = quorum(1, 2)) {
            q.openHsm(hsm);
            byte[] credential;
            try (Session s = hsm.openSession()) {
                credential = s.random(Credential.BYTES);
            }
            char[] newPin = Credential.toPin(credential, hsm.description().maxPinLength());
            ShareDistribution.storePending(store, audit, clock, random, CardSetPurpose.ADMIN, credential, 2, next, "officer",
                    (c, set) -> CredentialRollover.write(c, clock, random, "run-x", old, set, q.credentialPin(), newPin));
            q.changeCredential(newPin);
            Secrets.wipe(credential);
            Secrets.wipe(newPin);
        }
        assertThat(count("SELECT COUNT(*) FROM credential_rollover")).isEqualTo(1);
        assertThat(store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).orElseThrow().id()).isEqualTo(old.id());

        // the next quorum is of the old set: the HSM refuses its credential, the rollover finishes the change
        try (QuorumSession q = quorum(1, 4)) {
            q.openHsm(hsm);
            assertThat(hsm.isLoggedIn()).isTrue();
        }
        CardSet now = store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).orElseThrow();
        assertThat(now.id()).isNotEqualTo(old.id());
        assertThat(now.shareCount()).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM credential_rollover")).isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_entry WHERE action = 'hsm.credential_rollover_finished'")).isEqualTo(1);

        // the new set opens the HSM; the old shares open nothing now
        try (QuorumSession q = quorum(2, 3)) {
            q.openHsm(hsm);
        }
        try (later) {
            assertThatThrownBy(() -> later.openHsm(hsm)).isInstanceOfSatisfying(QuorumRefusal.class,
                    r -> assertThat(r.kind()).isEqualTo(QuorumRefusal.Kind.CREDENTIAL_REJECTED));
        }
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();
    }

    private String serial(int i) {
        return module.token(card(i)).description().serialNumber();
    }
}
