package org.hsmc.ceremony.audit;

/**
 * The key that signs audit checkpoints: ECDSA on P-384 with SHA-384. In the console it is the audit
 * signing key in the HSM ({@link HsmAuditSigner}); tests and benchmarks use a software key.
 */
public interface AuditSigner {

    /** The name the log records for this key, e.g. {@code "audit-signer/v1"}. */
    String keyId();

    /** The public key as an X.509 SubjectPublicKeyInfo (DER), EC P-384. */
    byte[] publicKeyInfo();

    /** ECDSA P-384 over SHA-384 of {@code data}, as r‖s (96 bytes, IEEE P1363). */
    byte[] sign(byte[] data);
}
