package org.hsmc.ceremony.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The result of verifying an audit log.
 *
 * @param intact              true when nothing is wrong
 * @param entriesChecked      how many entries were read
 * @param firstBadSeq         the first entry found bad (for {@link Damage#TRUNCATED}: the first missing
 *                            entry); empty when intact, or when the damage concerns no single entry
 * @param damage              what is wrong, classified as well as the evidence allows
 * @param message             sentences for the auditor: what was found, at which entry, and what to do
 * @param head                the log's head as read (empty log: {@code 0:000…}); empty when the last
 *                            entry's recorded hash is not even 32 bytes
 * @param checkpointsVerified how many signed checkpoints verified
 * @param lastCheckpointSeq   the entry the last verified checkpoint covers
 */
public record AuditVerification(boolean intact, long entriesChecked, OptionalLong firstBadSeq, Damage damage, String message,
                                Optional<AuditHead> head, int checkpointsVerified, OptionalLong lastCheckpointSeq) {

    public AuditVerification {
        if (intact != (damage == Damage.NONE)) {
            throw new IllegalArgumentException("a log is intact exactly when there is no damage");
        }
    }

    /** The result as a JSON object (for {@code hsmc audit verify --json}). */
    public String toJson() {
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("intact", intact);
        n.put("damage", damage.name());
        if (firstBadSeq.isPresent()) {
            n.put("first_bad_seq", firstBadSeq.getAsLong());
        } else {
            n.putNull("first_bad_seq");
        }
        n.put("entries_checked", entriesChecked);
        n.put("head", head.map(AuditHead::text).orElse(null));
        n.put("checkpoints_verified", checkpointsVerified);
        if (lastCheckpointSeq.isPresent()) {
            n.put("last_checkpoint_seq", lastCheckpointSeq.getAsLong());
        } else {
            n.putNull("last_checkpoint_seq");
        }
        n.put("message", message);
        return n.toString();
    }
}
