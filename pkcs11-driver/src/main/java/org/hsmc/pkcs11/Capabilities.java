package org.hsmc.pkcs11;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a token can do, probed from its mechanism list. The layers above read it instead of trying
 * a mechanism and catching the failure, and the driver uses it to choose a fallback (for example
 * SHA-384 in Java plus raw CKM_ECDSA when CKM_ECDSA_SHA384 is missing).
 */
public record Capabilities(Set<Long> mechanisms) {

    public Capabilities {
        mechanisms = Set.copyOf(mechanisms);
    }

    public boolean has(long mechanism) {
        return mechanisms.contains(mechanism);
    }

    public boolean aesKeyGen() {
        return has(Mech.AES_KEY_GEN);
    }

    /**
     * The token lists 0x210A. What it gives for it is another matter: see {@link Rfc5649Probe} and
     * {@link Token#rfc5649Mechanism()}.
     */
    public boolean aesKeyWrapPad() {
        return has(Mech.AES_KEY_WRAP_PAD);
    }

    public boolean aesCmac() {
        return has(Mech.AES_CMAC);
    }

    public boolean ecKeyPairGen() {
        return has(Mech.EC_KEY_PAIR_GEN);
    }

    public boolean ecdsa() {
        return has(Mech.ECDSA);
    }

    /** The token hashes and signs in one mechanism for this hash. */
    public boolean ecdsaCombined(EcdsaHash hash) {
        return has(hash.combinedMechanism);
    }

    public boolean ecdh() {
        return has(Mech.ECDH1_DERIVE);
    }

    public boolean rsaKeyPairGen() {
        return has(Mech.RSA_PKCS_KEY_PAIR_GEN);
    }

    public boolean rsaOaep() {
        return has(Mech.RSA_PKCS_OAEP);
    }

    public boolean genericSecretKeyGen() {
        return has(Mech.GENERIC_SECRET_KEY_GEN);
    }

    /**
     * Mechanisms an HSM token must offer for the console, with the ones it lacks named. Whether one of
     * its wrap mechanisms gives RFC 5649 is a question for the token itself ({@link Token#missingForHsm()}).
     */
    public List<String> missingForHsm() {
        return missing(Mech.AES_KEY_GEN, Mech.AES_CMAC, Mech.EC_KEY_PAIR_GEN, Mech.ECDSA, Mech.RSA_PKCS_OAEP);
    }

    /** Mechanisms an admin card must offer, with the ones it lacks named. */
    public List<String> missingForCard() {
        return missing(Mech.EC_KEY_PAIR_GEN, Mech.ECDH1_DERIVE, Mech.ECDSA);
    }

    private List<String> missing(long... required) {
        List<String> out = new ArrayList<>();
        for (long m : required) {
            if (!has(m)) {
                out.add(Mech.name(m));
            }
        }
        return out;
    }
}
