package org.hsmc.pkcs11;

/** The token does not offer a mechanism the operation needs. */
public final class MechanismNotSupportedException extends Pkcs11Exception {

    public MechanismNotSupportedException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
