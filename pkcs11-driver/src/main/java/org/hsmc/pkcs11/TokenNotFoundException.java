package org.hsmc.pkcs11;

/** No token with the wanted label is present in any slot of the module. */
public final class TokenNotFoundException extends Pkcs11Exception {

    public TokenNotFoundException(String userMessage) {
        super("find token", NO_CKR, userMessage);
    }
}
