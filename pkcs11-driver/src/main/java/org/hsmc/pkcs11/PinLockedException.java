package org.hsmc.pkcs11;

/** The PIN is locked after too many wrong tries; the token refuses every login until it is unblocked. */
public final class PinLockedException extends Pkcs11Exception {

    public PinLockedException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
