package org.hsmc.pkcs11;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Login, logout, C_SetPIN and C_InitPIN against real SoftHSM2 tokens, and their refusals. */
@RequiresSoftHsm
class PinAndLoginTest extends DriverTestBase {

    private static Pkcs11Module module;

    @BeforeAll
    static void open() {
        module = module();
    }

    @AfterAll
    static void close() {
        module.close();
    }

    @Test
    void logsInAndOut(SoftHsmStore store) {
        Token t = module.token(SoftHsmStore.HSM_SPARE);
        assertThat(t.isLoggedIn()).isFalse();
        t.login(store.userPin(SoftHsmStore.HSM_SPARE));
        assertThat(t.isLoggedIn()).isTrue();
        t.logout();
        assertThat(t.isLoggedIn()).isFalse();
        t.logout(); // harmless when nobody is logged in
        assertThat(t.isLoggedIn()).isFalse();
    }

    @Test
    void aWrongPinIsRefusedWithTheTokensWarning(SoftHsmStore store) {
        Token t = module.token(SoftHsmStore.cardLabel(7));
        assertThatThrownBy(() -> t.login("not-the-pin".toCharArray()))
                .isInstanceOfSatisfying(PinIncorrectException.class, e -> {
                    assertThat(e.ckrName()).isEqualTo("CKR_PIN_INCORRECT");
                    assertThat(e.function()).isEqualTo("C_Login");
                    assertThat(e.userMessage()).contains("The PIN for 'card-07' was not accepted");
                    // SoftHSM raises CKF_USER_PIN_COUNT_LOW after a wrong PIN; it never locks
                    assertThat(e.countLow()).isTrue();
                    assertThat(e.userMessage()).contains("few tries are left");
                    assertThat(e.getMessage()).doesNotContain("not-the-pin");
                });
        assertThat(t.isLoggedIn()).isFalse();
        assertThat(t.description().userPinCountLow()).isTrue();
        t.login(store.userPin(SoftHsmStore.cardLabel(7)));
        assertThat(t.description().userPinCountLow()).isFalse();
        t.logout();
    }

    @Test
    void loggingInTwiceIsRefused(SoftHsmStore store) {
        Token t = module.token(SoftHsmStore.cardLabel(6));
        t.login(store.userPin(SoftHsmStore.cardLabel(6)));
        try {
            assertThatThrownBy(() -> t.login(store.userPin(SoftHsmStore.cardLabel(6))))
                    .isInstanceOfSatisfying(Pkcs11Exception.class, e -> {
                        assertThat(e.ckrName()).isEqualTo("CKR_USER_ALREADY_LOGGED_IN");
                        assertThat(e.userMessage()).contains("already logged in");
                    });
        } finally {
            t.logout();
        }
    }

    @Test
    void aCustodianChangesTheCardPinAndOnlyTheNewPinWorks(SoftHsmStore store) {
        Token card = module.token(SoftHsmStore.cardLabel(8));
        char[] transport = store.userPin(SoftHsmStore.cardLabel(8));
        char[] own = "custodian-ÿ-7391".toCharArray(); // non-ASCII: PINs travel as UTF-8
        card.setPin(transport, own);
        assertThatThrownBy(() -> card.login(store.userPin(SoftHsmStore.cardLabel(8))))
                .isInstanceOf(PinIncorrectException.class);
        card.login(own);
        assertThat(card.isLoggedIn()).isTrue();
        card.logout();
        // a security officer resets the user PIN (as for a locked card)
        card.initUserPin(store.soPin(), store.userPin(SoftHsmStore.cardLabel(8)));
        card.login(store.userPin(SoftHsmStore.cardLabel(8)));
        card.logout();
        assertThatThrownBy(() -> card.login(own)).isInstanceOf(PinIncorrectException.class);
    }

    @Test
    void aNewPinOutsideTheTokensRulesIsRefused(SoftHsmStore store) {
        Token card = module.token(SoftHsmStore.cardLabel(8));
        assertThatThrownBy(() -> card.setPin(store.userPin(SoftHsmStore.cardLabel(8)), "12".toCharArray()))
                .isInstanceOfSatisfying(PinPolicyException.class, e -> {
                    assertThat(e.ckrName()).isEqualTo("CKR_PIN_LEN_RANGE");
                    assertThat(e.userMessage()).contains("does not meet the rules of 'card-08'").contains("4 to 255 characters");
                });
        // nothing changed
        card.login(store.userPin(SoftHsmStore.cardLabel(8)));
        card.logout();
    }

    @Test
    void setPinWithTheWrongOldPinIsRefused(SoftHsmStore store) {
        Token card = module.token(SoftHsmStore.cardLabel(5));
        assertThatThrownBy(() -> card.setPin("wrong-old".toCharArray(), "whatever-new".toCharArray()))
                .isInstanceOfSatisfying(PinIncorrectException.class, e -> assertThat(e.function()).isEqualTo("C_SetPIN"));
        card.login(store.userPin(SoftHsmStore.cardLabel(5)));
        card.logout();
    }

    @Test
    void aWrongSecurityOfficerPinIsRefused() {
        Token card = module.token(SoftHsmStore.cardLabel(5));
        assertThatThrownBy(() -> card.initUserPin("not-the-so-pin".toCharArray(), "new-pin-1234".toCharArray()))
                .isInstanceOf(PinIncorrectException.class);
        assertThat(card.isLoggedIn()).isFalse();
    }

    @Test
    void privateWorkWithoutLoginIsRefused() {
        Token t = module.token(SoftHsmStore.cardLabel(4));
        try (Session s = t.openSession()) {
            KeyTemplate tokenKey = KeyTemplate.aes(32).label("needs-login").token(true).sensitive(true)
                    .extractable(false).usages(KeyUsage.WRAP).build();
            assertThatThrownBy(() -> s.generateSecretKey(tokenKey))
                    .isInstanceOfSatisfying(NotLoggedInException.class, e -> {
                        assertThat(e.ckrName()).isEqualTo("CKR_USER_NOT_LOGGED_IN");
                        assertThat(e.userMessage()).contains("is not logged in").contains("Form the quorum");
                    });
        }
    }
}
