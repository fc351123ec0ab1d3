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

    /**
     * The head of the log {@code logId} ({@link AuditLog#logId}) the signer's HSM keeps ({@link HsmAuditHead}); empty when it keeps none (a software signer,
     * or an HSM before its first checkpoint). {@link AuditLog#checkpoint} refuses a log behind it.
     */
    default java.util.Optional<AuditHead> keptHead(String logId) {
        return java.util.Optional.empty();
    }

    /** Keeps {@code head} of the log {@code logId} ({@link AuditLog#logId}), just signed, in the signer's HSM; a software signer keeps nothing. */
    default void keepHead(String logId, AuditHead head) {
    }
}
