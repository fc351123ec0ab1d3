package org.hsmc.ceremony.keys;

import java.util.Locale;

/** The names of keys, the same in the HSM, the store, bundles and reports. */
public final class KeyIds {

    private KeyIds() {
    }

    /** {@code lmk/vN}, the LMK token object's label. */
    public static String masterKey(int version) {
        return "lmk/v" + version;
    }

    /** {@code zmk/<zone>/vN}. */
    public static String zoneMasterKey(String zone, int version) {
        return "zmk/" + zone + "/v" + version;
    }

    /** {@code tk/<zone>/vN}, a zone transport (RSA public) key. */
    public static String transportKey(String zone, int version) {
        return "tk/" + zone + "/v" + version;
    }

    /** {@code wk/<zone>/<purpose>/vN}, e.g. {@code wk/sh-01/dek/v3}. */
    public static String workingKey(String zone, KeyPurposeName purpose, int version) {
        return "wk/" + zone + "/" + purpose.name().toLowerCase(Locale.ROOT) + "/v" + version;
    }

    /** Purposes of working keys, as the store and the ids spell them. */
    public enum KeyPurposeName { DEK, KEK, MAC }
}
