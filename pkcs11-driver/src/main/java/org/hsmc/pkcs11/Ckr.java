package org.hsmc.pkcs11;

import java.util.Map;
import java.util.OptionalInt;

/**
 * The CKR return codes the driver knows by name, and the translation of a failed call into an
 * exception with a sentence a security officer can act on. Unknown codes keep their number.
 */
public final class Ckr {

    public static final long OK = 0x0;
    public static final long HOST_MEMORY = 0x2;
    public static final long GENERAL_ERROR = 0x5;
    public static final long FUNCTION_FAILED = 0x6;
    public static final long ARGUMENTS_BAD = 0x7;
    public static final long ATTRIBUTE_SENSITIVE = 0x11;
    public static final long ATTRIBUTE_TYPE_INVALID = 0x12;
    public static final long ATTRIBUTE_VALUE_INVALID = 0x13;
    public static final long DATA_INVALID = 0x20;
    public static final long DATA_LEN_RANGE = 0x21;
    public static final long DEVICE_ERROR = 0x30;
    public static final long DEVICE_MEMORY = 0x31;
    public static final long DEVICE_REMOVED = 0x32;
    public static final long ENCRYPTED_DATA_INVALID = 0x40;
    public static final long ENCRYPTED_DATA_LEN_RANGE = 0x41;
    public static final long FUNCTION_NOT_SUPPORTED = 0x54;
    public static final long KEY_HANDLE_INVALID = 0x60;
    public static final long KEY_SIZE_RANGE = 0x62;
    public static final long KEY_TYPE_INCONSISTENT = 0x63;
    public static final long KEY_FUNCTION_NOT_PERMITTED = 0x68;
    public static final long KEY_NOT_WRAPPABLE = 0x69;
    public static final long KEY_UNEXTRACTABLE = 0x6A;
    public static final long MECHANISM_INVALID = 0x70;
    public static final long MECHANISM_PARAM_INVALID = 0x71;
    public static final long OBJECT_HANDLE_INVALID = 0x82;
    public static final long OPERATION_ACTIVE = 0x90;
    public static final long OPERATION_NOT_INITIALIZED = 0x91;
    public static final long PIN_INCORRECT = 0xA0;
    public static final long PIN_INVALID = 0xA1;
    public static final long PIN_LEN_RANGE = 0xA2;
    public static final long PIN_EXPIRED = 0xA3;
    public static final long PIN_LOCKED = 0xA4;
    public static final long SESSION_CLOSED = 0xB0;
    public static final long SESSION_COUNT = 0xB1;
    public static final long SESSION_HANDLE_INVALID = 0xB3;
    public static final long SESSION_READ_ONLY = 0xB5;
    public static final long SIGNATURE_INVALID = 0xC0;
    public static final long SIGNATURE_LEN_RANGE = 0xC1;
    public static final long TEMPLATE_INCOMPLETE = 0xD0;
    public static final long TEMPLATE_INCONSISTENT = 0xD1;
    public static final long TOKEN_NOT_PRESENT = 0xE0;
    public static final long TOKEN_NOT_RECOGNIZED = 0xE1;
    public static final long TOKEN_WRITE_PROTECTED = 0xE2;
    public static final long UNWRAPPING_KEY_HANDLE_INVALID = 0xF0;
    public static final long UNWRAPPING_KEY_TYPE_INCONSISTENT = 0xF2;
    public static final long USER_ALREADY_LOGGED_IN = 0x100;
    public static final long USER_NOT_LOGGED_IN = 0x101;
    public static final long USER_PIN_NOT_INITIALIZED = 0x102;
    public static final long USER_TYPE_INVALID = 0x103;
    public static final long USER_ANOTHER_ALREADY_LOGGED_IN = 0x104;
    public static final long USER_TOO_MANY_TYPES = 0x105;
    public static final long WRAPPED_KEY_INVALID = 0x110;
    public static final long WRAPPED_KEY_LEN_RANGE = 0x112;
    public static final long WRAPPING_KEY_HANDLE_INVALID = 0x113;
    public static final long WRAPPING_KEY_TYPE_INCONSISTENT = 0x115;
    public static final long RANDOM_NO_RNG = 0x121;
    public static final long BUFFER_TOO_SMALL = 0x150;
    public static final long CRYPTOKI_NOT_INITIALIZED = 0x190;
    public static final long CRYPTOKI_ALREADY_INITIALIZED = 0x191;

    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(OK, "CKR_OK"), Map.entry(HOST_MEMORY, "CKR_HOST_MEMORY"),
            Map.entry(GENERAL_ERROR, "CKR_GENERAL_ERROR"), Map.entry(FUNCTION_FAILED, "CKR_FUNCTION_FAILED"),
            Map.entry(ARGUMENTS_BAD, "CKR_ARGUMENTS_BAD"), Map.entry(ATTRIBUTE_SENSITIVE, "CKR_ATTRIBUTE_SENSITIVE"),
            Map.entry(ATTRIBUTE_TYPE_INVALID, "CKR_ATTRIBUTE_TYPE_INVALID"),
            Map.entry(ATTRIBUTE_VALUE_INVALID, "CKR_ATTRIBUTE_VALUE_INVALID"),
            Map.entry(DATA_INVALID, "CKR_DATA_INVALID"), Map.entry(DATA_LEN_RANGE, "CKR_DATA_LEN_RANGE"),
            Map.entry(DEVICE_ERROR, "CKR_DEVICE_ERROR"), Map.entry(DEVICE_MEMORY, "CKR_DEVICE_MEMORY"),
            Map.entry(DEVICE_REMOVED, "CKR_DEVICE_REMOVED"),
            Map.entry(ENCRYPTED_DATA_INVALID, "CKR_ENCRYPTED_DATA_INVALID"),
            Map.entry(ENCRYPTED_DATA_LEN_RANGE, "CKR_ENCRYPTED_DATA_LEN_RANGE"),
            Map.entry(FUNCTION_NOT_SUPPORTED, "CKR_FUNCTION_NOT_SUPPORTED"),
            Map.entry(KEY_HANDLE_INVALID, "CKR_KEY_HANDLE_INVALID"), Map.entry(KEY_SIZE_RANGE, "CKR_KEY_SIZE_RANGE"),
            Map.entry(KEY_TYPE_INCONSISTENT, "CKR_KEY_TYPE_INCONSISTENT"),
            Map.entry(KEY_FUNCTION_NOT_PERMITTED, "CKR_KEY_FUNCTION_NOT_PERMITTED"),
            Map.entry(KEY_NOT_WRAPPABLE, "CKR_KEY_NOT_WRAPPABLE"), Map.entry(KEY_UNEXTRACTABLE, "CKR_KEY_UNEXTRACTABLE"),
            Map.entry(MECHANISM_INVALID, "CKR_MECHANISM_INVALID"),
            Map.entry(MECHANISM_PARAM_INVALID, "CKR_MECHANISM_PARAM_INVALID"),
            Map.entry(OBJECT_HANDLE_INVALID, "CKR_OBJECT_HANDLE_INVALID"),
            Map.entry(OPERATION_ACTIVE, "CKR_OPERATION_ACTIVE"),
            Map.entry(OPERATION_NOT_INITIALIZED, "CKR_OPERATION_NOT_INITIALIZED"),
            Map.entry(PIN_INCORRECT, "CKR_PIN_INCORRECT"), Map.entry(PIN_INVALID, "CKR_PIN_INVALID"),
            Map.entry(PIN_LEN_RANGE, "CKR_PIN_LEN_RANGE"), Map.entry(PIN_EXPIRED, "CKR_PIN_EXPIRED"),
            Map.entry(PIN_LOCKED, "CKR_PIN_LOCKED"), Map.entry(SESSION_CLOSED, "CKR_SESSION_CLOSED"),
            Map.entry(SESSION_COUNT, "CKR_SESSION_COUNT"), Map.entry(SESSION_HANDLE_INVALID, "CKR_SESSION_HANDLE_INVALID"),
            Map.entry(SESSION_READ_ONLY, "CKR_SESSION_READ_ONLY"), Map.entry(SIGNATURE_INVALID, "CKR_SIGNATURE_INVALID"),
            Map.entry(SIGNATURE_LEN_RANGE, "CKR_SIGNATURE_LEN_RANGE"),
            Map.entry(TEMPLATE_INCOMPLETE, "CKR_TEMPLATE_INCOMPLETE"),
            Map.entry(TEMPLATE_INCONSISTENT, "CKR_TEMPLATE_INCONSISTENT"),
            Map.entry(TOKEN_NOT_PRESENT, "CKR_TOKEN_NOT_PRESENT"), Map.entry(TOKEN_NOT_RECOGNIZED, "CKR_TOKEN_NOT_RECOGNIZED"),
            Map.entry(TOKEN_WRITE_PROTECTED, "CKR_TOKEN_WRITE_PROTECTED"),
            Map.entry(UNWRAPPING_KEY_HANDLE_INVALID, "CKR_UNWRAPPING_KEY_HANDLE_INVALID"),
            Map.entry(UNWRAPPING_KEY_TYPE_INCONSISTENT, "CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT"),
            Map.entry(USER_ALREADY_LOGGED_IN, "CKR_USER_ALREADY_LOGGED_IN"),
            Map.entry(USER_NOT_LOGGED_IN, "CKR_USER_NOT_LOGGED_IN"),
            Map.entry(USER_PIN_NOT_INITIALIZED, "CKR_USER_PIN_NOT_INITIALIZED"),
            Map.entry(USER_TYPE_INVALID, "CKR_USER_TYPE_INVALID"),
            Map.entry(USER_ANOTHER_ALREADY_LOGGED_IN, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"),
            Map.entry(USER_TOO_MANY_TYPES, "CKR_USER_TOO_MANY_TYPES"),
            Map.entry(WRAPPED_KEY_INVALID, "CKR_WRAPPED_KEY_INVALID"),
            Map.entry(WRAPPED_KEY_LEN_RANGE, "CKR_WRAPPED_KEY_LEN_RANGE"),
            Map.entry(WRAPPING_KEY_HANDLE_INVALID, "CKR_WRAPPING_KEY_HANDLE_INVALID"),
            Map.entry(WRAPPING_KEY_TYPE_INCONSISTENT, "CKR_WRAPPING_KEY_TYPE_INCONSISTENT"),
            Map.entry(RANDOM_NO_RNG, "CKR_RANDOM_NO_RNG"), Map.entry(BUFFER_TOO_SMALL, "CKR_BUFFER_TOO_SMALL"),
            Map.entry(CRYPTOKI_NOT_INITIALIZED, "CKR_CRYPTOKI_NOT_INITIALIZED"),
            Map.entry(CRYPTOKI_ALREADY_INITIALIZED, "CKR_CRYPTOKI_ALREADY_INITIALIZED"));

    private Ckr() {
    }

    /** The CKR name, or {@code CKR_0x…} for a code the driver does not know (vendor codes). */
    public static String name(long ckr) {
        String n = NAMES.get(ckr);
        return n != null ? n : "CKR_0x" + Long.toHexString(ckr).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * What the failure of {@code function} with {@code ckr} means, as an exception. {@code what}
     * names the token (its label) and, where useful, the object or mechanism involved.
     * {@code pinState} is read from the token's flags after a PIN failure; it may be null.
     */
    static Pkcs11Exception toException(String function, long ckr, String tokenLabel, String what, PinState pinState) {
        String token = "'" + tokenLabel + "'";
        if (ckr == PIN_INCORRECT) {
            PinState s = pinState == null ? PinState.UNKNOWN : pinState;
            if (s.locked()) {
                return new PinLockedException(function, ckr, lockedSentence(token));
            }
            return new PinIncorrectException(function, ckr, tokenLabel,
                    s.finalTry() ? OptionalInt.of(1) : OptionalInt.empty(), s.countLow());
        }
        if (ckr == PIN_LOCKED) {
            return new PinLockedException(function, ckr, lockedSentence(token));
        }
        if (ckr == PIN_INVALID || ckr == PIN_LEN_RANGE) {
            return new PinPolicyException(function, ckr, "The new PIN does not meet the rules of " + token
                    + (what == null || what.isEmpty() ? "" : " (" + what + ")")
                    + ". Choose another PIN and type it again.");
        }
        if (ckr == PIN_EXPIRED) {
            return new PinPolicyException(function, ckr, "The PIN of " + token
                    + " has expired. Change it before the token can be used.");
        }
        if (ckr == TOKEN_NOT_PRESENT || ckr == DEVICE_REMOVED || ckr == TOKEN_NOT_RECOGNIZED) {
            return new TokenRemovedException(function, ckr, "The token " + token
                    + " was removed or cannot be reached. Put the card back in the reader, or check the HSM's"
                    + " cable and power, then repeat this step; nothing of this step was kept.");
        }
        if (ckr == SESSION_HANDLE_INVALID || ckr == SESSION_CLOSED) {
            return new TokenRemovedException(function, ckr, "The connection to " + token
                    + " was lost (the token may have been removed or restarted). Reconnect it and repeat this step.");
        }
        if (ckr == MECHANISM_INVALID || ckr == MECHANISM_PARAM_INVALID || ckr == FUNCTION_NOT_SUPPORTED) {
            return new MechanismNotSupportedException(function, ckr, "The token " + token + " does not support "
                    + (what == null || what.isEmpty() ? "this operation" : what)
                    + ". Check that the site profile names the right PKCS#11 library and token.");
        }
        if (ckr == USER_NOT_LOGGED_IN) {
            return new NotLoggedInException(function, ckr, "The token " + token
                    + " is not logged in. Form the quorum (or type the card PIN) first, then repeat this step.");
        }
        if (ckr == WRAPPED_KEY_INVALID || ckr == WRAPPED_KEY_LEN_RANGE || ckr == ENCRYPTED_DATA_INVALID
                || ckr == ENCRYPTED_DATA_LEN_RANGE) {
            return new WrappedKeyInvalidException(function, ckr, "A wrapped key"
                    + (what == null || what.isEmpty() ? "" : " (" + what + ")")
                    + " does not unwrap on " + token + ": it is damaged, or it was wrapped under another key."
                    + " Check the file or record it came from; nothing was changed.");
        }
        if (ckr == KEY_FUNCTION_NOT_PERMITTED || ckr == KEY_UNEXTRACTABLE || ckr == KEY_NOT_WRAPPABLE) {
            return new KeyUsageNotPermittedException(function, ckr, "The token " + token + " refuses this use of "
                    + (what == null || what.isEmpty() ? "the key" : what)
                    + ": the key's attributes do not allow it. This usually means the wrong key was chosen.");
        }
        return new Pkcs11Exception(function, ckr, generic(ckr, token, what));
    }

    private static String lockedSentence(String token) {
        return "The PIN of " + token + " is locked after too many wrong tries. The token refuses every login"
                + " until a security officer unblocks it or the card is replaced.";
    }

    private static String generic(long ckr, String token, String what) {
        String subject = what == null || what.isEmpty() ? "the operation" : what;
        return switch ((int) ckr) {
            case (int) USER_ALREADY_LOGGED_IN, (int) USER_ANOTHER_ALREADY_LOGGED_IN ->
                    "The token " + token + " is already logged in. Log it out, then repeat this step.";
            case (int) USER_PIN_NOT_INITIALIZED ->
                    "The token " + token + " has no user PIN yet. Initialise the token before using it.";
            case (int) TOKEN_WRITE_PROTECTED -> "The token " + token + " is write-protected; it cannot store keys.";
            case (int) KEY_HANDLE_INVALID, (int) OBJECT_HANDLE_INVALID, (int) WRAPPING_KEY_HANDLE_INVALID,
                 (int) UNWRAPPING_KEY_HANDLE_INVALID ->
                    "A key used by " + subject + " no longer exists on " + token + " (destroyed, or its session closed).";
            case (int) ATTRIBUTE_SENSITIVE ->
                    "The token " + token + " will not reveal a secret attribute of " + subject + ".";
            case (int) TEMPLATE_INCONSISTENT, (int) TEMPLATE_INCOMPLETE, (int) ATTRIBUTE_VALUE_INVALID,
                 (int) ATTRIBUTE_TYPE_INVALID, (int) KEY_SIZE_RANGE ->
                    "The token " + token + " refused the key attributes asked for " + subject
                            + ". This token may not allow such a key; check its vendor's limits.";
            case (int) SESSION_COUNT -> "The token " + token + " has no free sessions. Close other programs using it.";
            case (int) DEVICE_MEMORY, (int) HOST_MEMORY -> "The token " + token + " is out of memory.";
            case (int) DEVICE_ERROR, (int) GENERAL_ERROR, (int) FUNCTION_FAILED ->
                    "The token " + token + " reported an internal error during " + subject
                            + ". Repeat the step; if it fails again, note the code and check the HSM's own log.";
            default -> "The token " + token + " refused " + subject
                    + ". Repeat the step; if it fails again, note the code shown and check the HSM's own log.";
        };
    }

    /** The user-PIN flags of a token, read after a failed login. */
    record PinState(boolean countLow, boolean finalTry, boolean locked) {
        static final PinState UNKNOWN = new PinState(false, false, false);
    }
}
