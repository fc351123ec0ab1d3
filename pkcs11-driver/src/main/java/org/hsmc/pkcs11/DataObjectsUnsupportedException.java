package org.hsmc.pkcs11;

/**
 * The token keeps no public token data object (CKO_DATA): NSS softokn, for one, refuses every CKO_DATA
 * object that is a token object or private. A private value is kept another way (see
 * {@link Session#writeData}); a public one cannot be.
 */
public final class DataObjectsUnsupportedException extends Pkcs11Exception {

    public DataObjectsUnsupportedException(String tokenLabel, String label, Pkcs11Exception cause) {
        super(cause.function(), cause.ckr(), "The token '" + tokenLabel + "' keeps no public data objects, so '" + label
                + "' cannot be written there. What it would have held is kept only in the token's private copy.", cause);
    }
}
