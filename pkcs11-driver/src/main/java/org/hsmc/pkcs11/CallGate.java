package org.hsmc.pkcs11;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.TokenException;

import java.util.function.Supplier;

/**
 * Every PKCS#11 call of the driver passes through here. It is the tracing decorator (each C_* call
 * at DEBUG on the logger {@code org.hsmc.pkcs11.trace}, with handles, lengths and mechanism names
 * only: never a PIN or key bytes), the calling-thread check, and the one place where a CKR code
 * becomes a {@link Pkcs11Exception}.
 */
final class CallGate {

    static final Logger TRACE = LoggerFactory.getLogger("org.hsmc.pkcs11.trace");

    /** A call into the wrapper. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws TokenException;
    }

    /** A call into the wrapper without a result. */
    @FunctionalInterface
    interface VoidCall {
        void run() throws TokenException;
    }

    private final String tokenLabel;
    private final Supplier<Ckr.PinState> pinState;

    CallGate(String tokenLabel, Supplier<Ckr.PinState> pinState) {
        this.tokenLabel = tokenLabel;
        this.pinState = pinState;
    }

    String tokenLabel() {
        return tokenLabel;
    }

    /**
     * Runs {@code call}. {@code function} is the C_* name; {@code detail} describes the arguments
     * for the trace and for error messages and must never contain secrets.
     */
    <T> T call(String function, String detail, Call<T> call) {
        CallingThreadPolicy.check(function);
        long t0 = TRACE.isDebugEnabled() ? System.nanoTime() : 0;
        try {
            T result = call.run();
            if (t0 != 0) {
                TRACE.debug("{} [{}] {} -> CKR_OK ({} us)", function, tokenLabel, detail, (System.nanoTime() - t0) / 1000);
            }
            return result;
        } catch (PKCS11Exception e) {
            throw failed(function, detail, e.getErrorCode(), e);
        } catch (TokenException e) {
            TRACE.debug("{} [{}] {} -> {}", function, tokenLabel, detail, e.getClass().getSimpleName());
            throw new Pkcs11Exception(function, Pkcs11Exception.NO_CKR, "The token '" + tokenLabel
                    + "' could not complete " + detail + ". Repeat the step; if it fails again, check the token.", e);
        }
    }

    void run(String function, String detail, VoidCall call) {
        call(function, detail, () -> {
            call.run();
            return null;
        });
    }

    /** Checks a CKR code returned by a native call. */
    void check(String function, String detail, long ckr) {
        if (ckr != Ckr.OK) {
            throw failed(function, detail, ckr, null);
        }
        if (TRACE.isDebugEnabled()) {
            TRACE.debug("{} [{}] {} -> CKR_OK", function, tokenLabel, detail);
        }
    }

    Pkcs11Exception failed(String function, String detail, long ckr, Throwable cause) {
        TRACE.debug("{} [{}] {} -> {}", function, tokenLabel, detail, Ckr.name(ckr));
        Ckr.PinState state = null;
        if (ckr == Ckr.PIN_INCORRECT && pinState != null) {
            try {
                state = pinState.get();
            } catch (RuntimeException ignored) {
                state = null; // the token's flags are advice only
            }
        }
        Pkcs11Exception ex = Ckr.toException(function, ckr, tokenLabel, detail, state);
        if (cause != null) {
            ex.addSuppressed(cause);
        }
        return ex;
    }
}
