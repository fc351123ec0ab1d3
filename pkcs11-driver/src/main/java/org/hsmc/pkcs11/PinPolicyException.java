package org.hsmc.pkcs11;

/** A new PIN does not meet the token's rules (length, characters). */
public final class PinPolicyException extends Pkcs11Exception {

    public PinPolicyException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
