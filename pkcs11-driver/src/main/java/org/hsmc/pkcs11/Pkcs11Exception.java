package org.hsmc.pkcs11;

import java.util.HexFormat;

/**
 * A PKCS#11 call failed, or the driver refused to make it. Carries the function, the CKR code and
 * name (when the token answered), and a sentence a security officer can act on
 * ({@link #userMessage()}), kept apart from the technical {@link #getMessage()}.
 *
 * <p>Never carries a PIN, a share or key bytes.
 */
public class Pkcs11Exception extends RuntimeException {

    /** Used for {@link #ckr()} when the failure did not come from the token. */
    public static final long NO_CKR = -1;

    private final String function;
    private final long ckr;
    private final String userMessage;

    public Pkcs11Exception(String function, long ckr, String userMessage) {
        this(function, ckr, userMessage, null);
    }

    public Pkcs11Exception(String function, long ckr, String userMessage, Throwable cause) {
        super(technical(function, ckr), cause);
        this.function = function;
        this.ckr = ckr;
        this.userMessage = userMessage;
    }

    private static String technical(String function, long ckr) {
        if (ckr == NO_CKR) {
            return function + " failed";
        }
        return function + " returned " + Ckr.name(ckr) + " (0x" + HexFormat.of().toHexDigits((int) ckr).replaceFirst("^0+(?=.)", "") + ")";
    }

    /** The PKCS#11 function, e.g. {@code C_Login}, or a driver operation name. */
    public String function() {
        return function;
    }

    /** The CKR code, or {@link #NO_CKR}. */
    public long ckr() {
        return ckr;
    }

    /** The CKR name, e.g. {@code CKR_PIN_INCORRECT}, or an empty string. */
    public String ckrName() {
        return ckr == NO_CKR ? "" : Ckr.name(ckr);
    }

    /** What happened and what to do, in words for the person at the console. */
    public String userMessage() {
        return userMessage;
    }
}
