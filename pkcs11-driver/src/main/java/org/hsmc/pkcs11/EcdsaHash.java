package org.hsmc.pkcs11;

/** The hash of an ECDSA signature, with the combined mechanism a token may offer. */
public enum EcdsaHash {
    SHA256("SHA-256", Mech.ECDSA_SHA256),
    SHA384("SHA-384", Mech.ECDSA_SHA384);

    final String jcaName;
    final long combinedMechanism;

    EcdsaHash(String jcaName, long combinedMechanism) {
        this.jcaName = jcaName;
        this.combinedMechanism = combinedMechanism;
    }

    public String jcaName() {
        return jcaName;
    }
}
