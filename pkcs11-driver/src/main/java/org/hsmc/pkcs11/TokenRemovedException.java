package org.hsmc.pkcs11;

/** The token, its reader or the HSM connection went away during the work. */
public final class TokenRemovedException extends Pkcs11Exception {

    public TokenRemovedException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
