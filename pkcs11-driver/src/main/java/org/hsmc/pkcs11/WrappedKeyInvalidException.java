package org.hsmc.pkcs11;

/** A wrapped key does not unwrap under the given key: damaged, or made for another key. */
public final class WrappedKeyInvalidException extends Pkcs11Exception {

    public WrappedKeyInvalidException(String function, long ckr, String userMessage) {
        super(function, ckr, userMessage);
    }
}
