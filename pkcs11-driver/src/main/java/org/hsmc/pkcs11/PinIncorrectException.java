package org.hsmc.pkcs11;

import java.util.OptionalInt;

/** The token did not accept the PIN. Says how many tries are left when the token tells. */
public final class PinIncorrectException extends Pkcs11Exception {

    private final OptionalInt triesLeft;
    private final boolean countLow;

    public PinIncorrectException(String function, long ckr, String tokenLabel, OptionalInt triesLeft, boolean countLow) {
        super(function, ckr, sentence(tokenLabel, triesLeft, countLow));
        this.triesLeft = triesLeft;
        this.countLow = countLow;
    }

    private static String sentence(String tokenLabel, OptionalInt triesLeft, boolean countLow) {
        String base = "The PIN for '" + tokenLabel + "' was not accepted. Check it and type it again";
        if (triesLeft.isPresent() && triesLeft.getAsInt() == 1) {
            return base + ": this is the last try before the PIN locks.";
        }
        if (triesLeft.isPresent()) {
            return base + ": " + triesLeft.getAsInt() + " tries left before the PIN locks.";
        }
        if (countLow) {
            return base + ": the token warns that few tries are left before the PIN locks.";
        }
        return base + ".";
    }

    /** The tries left before the PIN locks, when the token says (PKCS#11 only reports "final try"). */
    public OptionalInt triesLeft() {
        return triesLeft;
    }

    /** The token reports CKF_USER_PIN_COUNT_LOW: at least one wrong PIN since the last good one. */
    public boolean countLow() {
        return countLow;
    }
}
