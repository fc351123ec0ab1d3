package org.hsmc.reports;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The facts of an audit extract: the range asked for and the sequence numbers it resolved to, the
 * entries in it exactly as recorded, the signed checkpoints inside it, and the result of verifying
 * the whole log when the extract was made. {@link ReportData#auditExtract} reads it.
 *
 * @param range        what was asked for, and the entries it covers
 * @param entries      the entries, in order
 * @param checkpoints  the signed checkpoints whose entry lies in the range
 * @param verification the whole log's verification at the time of the extract
 */
public record AuditExtractData(Range range, List<Entry> entries, List<CheckpointMark> checkpoints, Verification verification) {

    public AuditExtractData {
        entries = List.copyOf(entries);
        checkpoints = List.copyOf(checkpoints);
    }

    /**
     * The range.
     *
     * @param by      SEQUENCE or DATE
     * @param from    as asked: a sequence number or a date (yyyy-mm-dd, UTC)
     * @param to      as asked, inclusive
     * @param fromSeq the first entry covered
     * @param toSeq   the last entry covered (below {@code fromSeq} when no entry falls in the range)
     */
    public record Range(String by, String from, String to, long fromSeq, long toSeq) {
    }

    /** One entry as recorded: its details as a sorted map of strings, its hash in lower-case hex. */
    public record Entry(long seq, String at, String actor, String action, String outcome, Map<String, String> details, String hash) {
        public Entry {
            details = java.util.Collections.unmodifiableMap(new TreeMap<>(details));
        }
    }

    /** A signed checkpoint: the entry it covers, when, and the audit key that signed it. */
    public record CheckpointMark(long seq, String at, String keyId) {
    }

    /**
     * The verification of the whole log.
     *
     * @param damage            NONE, CHANGED, INSERTED, DELETED, REORDERED, TRUNCATED, BAD_CHECKPOINT or UNKNOWN_SIGNER
     * @param firstBadSeq       the first bad entry, or null
     * @param head              the head read, {@code seq:hash}, or null when damaged
     * @param lastCheckpointSeq the entry the last verified checkpoint covers, or null
     * @param message           the verifier's own sentences
     */
    public record Verification(boolean intact, String damage, Long firstBadSeq, long entriesChecked, int checkpointsVerified,
                               Long lastCheckpointSeq, String head, String message) {
    }
}
