package org.hsmc.pkcs11;

/** The operation needs a logged-in user and nobody is logged in. */
public final class NotLoggedInException extends Pkcs11Exception {

    public NotLoggedInException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
