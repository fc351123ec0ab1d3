package org.hsmc.ceremony.audit;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One audit entry as recorded: the fields are kept exactly as they were read (from the store or an
 * export file), so that verification sees what an attacker may have changed. {@code detailsJson} is the
 * stored text of the details (RFC 8785 JSON); {@link #details()} reads it. {@code outcome} is the stored
 * text; {@link #outcomeValue()} reads it.
 */
public record AuditEntry(long seq, String at, String actor, String action, String outcome, String detailsJson,
                         byte[] prevHash, byte[] hash) {

    public AuditEntry {
        at = Objects.requireNonNullElse(at, "");
        actor = Objects.requireNonNullElse(actor, "");
        action = Objects.requireNonNullElse(action, "");
        outcome = Objects.requireNonNullElse(outcome, "");
        detailsJson = Objects.requireNonNullElse(detailsJson, "");
        prevHash = prevHash == null ? new byte[0] : prevHash.clone();
        hash = hash == null ? new byte[0] : hash.clone();
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    byte[] prevHashRef() {
        return prevHash;
    }

    byte[] hashRef() {
        return hash;
    }

    /** The details as a map (sorted by name); throws when the stored text is not a JSON object of strings. */
    public Map<String, String> details() {
        return DetailsJson.parseOrThrow(detailsJson);
    }

    /** The outcome; throws when the stored text is not one of {@link Outcome}'s names. */
    public Outcome outcomeValue() {
        return Outcome.valueOf(outcome);
    }

    /** This entry as a head ({@code seq:hash}). */
    public AuditHead head() {
        return new AuditHead(seq, hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditEntry e && e.seq == seq && e.at.equals(at) && e.actor.equals(actor) && e.action.equals(action)
                && e.outcome.equals(outcome) && e.detailsJson.equals(detailsJson) && Arrays.equals(e.prevHash, prevHash)
                && Arrays.equals(e.hash, hash);
    }

    @Override
    public int hashCode() {
        return Objects.hash(seq, at, actor, action, outcome, detailsJson, Arrays.hashCode(prevHash), Arrays.hashCode(hash));
    }

    @Override
    public String toString() {
        return "AuditEntry[" + seq + " " + at + " " + actor + " " + action + " " + outcome + " " + detailsJson + " hash "
                + AuditFormat.hex(hash) + "]";
    }
}
