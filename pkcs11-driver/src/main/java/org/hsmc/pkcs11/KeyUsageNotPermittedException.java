package org.hsmc.pkcs11;

/** The key's attributes forbid this use, or the key may not leave the token. */
public final class KeyUsageNotPermittedException extends Pkcs11Exception {

    public KeyUsageNotPermittedException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
