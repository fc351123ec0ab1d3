package org.hsmc.pkcs11;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The translation of every CKR code the console acts on into its exception and sentence. SoftHSM2
 * cannot produce some of them (it never locks a PIN, and it has no removable token), so those paths
 * are covered here; the ones SoftHSM can produce are also covered against the real token elsewhere.
 */
class CkrTranslationTest {

    static Stream<Arguments> codes() {
        return Stream.of(
                Arguments.of(Ckr.PIN_INCORRECT, PinIncorrectException.class, "was not accepted"),
                Arguments.of(Ckr.PIN_LOCKED, PinLockedException.class, "is locked after too many wrong tries"),
                Arguments.of(Ckr.PIN_INVALID, PinPolicyException.class, "does not meet the rules"),
                Arguments.of(Ckr.PIN_LEN_RANGE, PinPolicyException.class, "does not meet the rules"),
                Arguments.of(Ckr.PIN_EXPIRED, PinPolicyException.class, "has expired"),
                Arguments.of(Ckr.TOKEN_NOT_PRESENT, TokenRemovedException.class, "was removed or cannot be reached"),
                Arguments.of(Ckr.DEVICE_REMOVED, TokenRemovedException.class, "Put the card back in the reader"),
                Arguments.of(Ckr.SESSION_HANDLE_INVALID, TokenRemovedException.class, "connection to"),
                Arguments.of(Ckr.SESSION_CLOSED, TokenRemovedException.class, "Reconnect it"),
                Arguments.of(Ckr.MECHANISM_INVALID, MechanismNotSupportedException.class, "does not support"),
                Arguments.of(Ckr.FUNCTION_NOT_SUPPORTED, MechanismNotSupportedException.class, "site profile"),
                Arguments.of(Ckr.USER_NOT_LOGGED_IN, NotLoggedInException.class, "Form the quorum"),
                Arguments.of(Ckr.WRAPPED_KEY_INVALID, WrappedKeyInvalidException.class, "does not unwrap"),
                Arguments.of(Ckr.ENCRYPTED_DATA_INVALID, WrappedKeyInvalidException.class, "damaged"),
                Arguments.of(Ckr.KEY_FUNCTION_NOT_PERMITTED, KeyUsageNotPermittedException.class, "attributes do not allow"),
                Arguments.of(Ckr.KEY_UNEXTRACTABLE, KeyUsageNotPermittedException.class, "wrong key"),
                Arguments.of(Ckr.USER_ALREADY_LOGGED_IN, Pkcs11Exception.class, "already logged in"),
                Arguments.of(Ckr.KEY_HANDLE_INVALID, Pkcs11Exception.class, "no longer exists"),
                Arguments.of(Ckr.DEVICE_ERROR, Pkcs11Exception.class, "internal error"),
                Arguments.of(Ckr.SESSION_COUNT, Pkcs11Exception.class, "no free sessions"),
                Arguments.of(Ckr.TEMPLATE_INCONSISTENT, Pkcs11Exception.class, "refused the key attributes"),
                Arguments.of(0x80000123L, Pkcs11Exception.class, "note the code"));
    }

    @ParameterizedTest
    @MethodSource("codes")
    void eachCodeBecomesItsExceptionWithASentenceNamingTheToken(long ckr, Class<? extends Pkcs11Exception> type, String phrase) {
        Pkcs11Exception e = Ckr.toException("C_Test", ckr, "card-03", "", null);
        assertThat(e).isExactlyInstanceOf(type);
        assertThat(e.ckr()).isEqualTo(ckr);
        assertThat(e.function()).isEqualTo("C_Test");
        assertThat(e.userMessage()).contains(phrase).contains("card-03");
        assertThat(e.getMessage()).startsWith("C_Test returned " + Ckr.name(ckr));
    }

    @Test
    void vendorCodesKeepTheirNumber() {
        assertThat(Ckr.name(0x80000123L)).isEqualTo("CKR_0x80000123");
        assertThat(Ckr.toException("C_Sign", 0x80000123L, "hsm", "", null).getMessage()).contains("0x80000123");
    }

    @Test
    void aWrongPinSaysHowManyTriesAreLeftWhenTheTokenTells() {
        PinIncorrectException last = (PinIncorrectException) Ckr.toException("C_Login", Ckr.PIN_INCORRECT, "card-01", "",
                new Ckr.PinState(true, true, false));
        assertThat(last.triesLeft()).hasValue(1);
        assertThat(last.userMessage()).contains("this is the last try before the PIN locks");

        PinIncorrectException low = (PinIncorrectException) Ckr.toException("C_Login", Ckr.PIN_INCORRECT, "card-01", "",
                new Ckr.PinState(true, false, false));
        assertThat(low.triesLeft()).isEmpty();
        assertThat(low.userMessage()).contains("few tries are left");

        PinIncorrectException plain = (PinIncorrectException) Ckr.toException("C_Login", Ckr.PIN_INCORRECT, "card-01", "", null);
        assertThat(plain.userMessage()).endsWith("type it again.");
    }

    @Test
    void aWrongPinThatLockedTheCardSaysItIsLocked() {
        assertThat(Ckr.toException("C_Login", Ckr.PIN_INCORRECT, "card-01", "", new Ckr.PinState(true, false, true)))
                .isInstanceOf(PinLockedException.class);
    }

    @Test
    void theKcvRuleIsFiveBytesOfCmacOverAZeroBlock() {
        // AES-128 key of zeros: CMAC(0^16, 0^16) = 763cbcde81df9131bf897712c088edad (computed independently with OpenSSL)
        Kcv kcv = Kcv.ofClearAesKey(new byte[16]);
        assertThat(kcv.hex()).isEqualTo("763CBCDE81");
        assertThat(kcv.shortHex()).isEqualTo("763CBC");
    }
}
