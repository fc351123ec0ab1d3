package org.hsmc.ceremony.audit;

import java.util.Arrays;
import java.util.Objects;

/**
 * A signed checkpoint: the audit signing key's ECDSA P-384 signature over the head ({@code seq},
 * {@code headHash}) at a time {@code at}. The bytes signed are {@link #statement()}.
 */
public record Checkpoint(long seq, byte[] headHash, String at, String keyId, byte[] signature) {

    public Checkpoint {
        headHash = headHash == null ? new byte[0] : headHash.clone();
        at = Objects.requireNonNullElse(at, "");
        keyId = Objects.requireNonNullElse(keyId, "");
        signature = signature == null ? new byte[0] : signature.clone();
    }

    @Override
    public byte[] headHash() {
        return headHash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The bytes the signature covers ({@link AuditFormat#checkpointStatement}). */
    public byte[] statement() {
        return AuditFormat.checkpointStatement(seq, headHash, at, keyId);
    }

    byte[] headHashRef() {
        return headHash;
    }

    byte[] signatureRef() {
        return signature;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.seq == seq && Arrays.equals(c.headHash, headHash) && c.at.equals(at)
                && c.keyId.equals(keyId) && Arrays.equals(c.signature, signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, Arrays.hashCode(headHash), at, keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "Checkpoint[" + seq + ":" + AuditFormat.hex(headHash) + " at " + at + " by '" + keyId + "']";
    }
}
