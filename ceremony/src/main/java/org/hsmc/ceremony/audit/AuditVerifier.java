package org.hsmc.ceremony.audit;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Verifies an audit log from its entries, its checkpoints and its signers' public keys alone: no HSM,
 * no store. The console uses it on its store ({@link AuditLog#verify}); an auditor uses it on an export
 * file ({@link #verifyExport}).
 *
 * <p>It recomputes every entry's hash ({@link AuditFormat}) and every link, checks every checkpoint's
 * signature and that its head still matches its entry, and compares the expected head when one is
 * given. It names the first bad entry, classified as well as the evidence allows:
 * <ul>
 *   <li>a sequence number missing → {@link Damage#DELETED} at the first missing one (or
 *       {@link Damage#REORDERED} when that entry turns up later);</li>
 *   <li>a broken link where the entry's {@code prev_hash} is the hash of the entry two back →
 *       {@link Damage#INSERTED} (the entry in between);</li>
 *   <li>a broken link where {@code prev_hash} is the hash of a later entry → {@link Damage#REORDERED};</li>
 *   <li>a recomputed hash that differs → {@link Damage#CHANGED} at that entry; any other broken link
 *       behind an entry whose own hash is right → {@link Damage#CHANGED} at the entry before (it was
 *       rewritten and its hash recomputed);</li>
 *   <li>a checkpoint whose head no longer matches its entry, or whose signature fails →
 *       {@link Damage#BAD_CHECKPOINT} (the chain was rewritten up to it);</li>
 *   <li>a checkpoint, or the expected head, beyond the last entry → {@link Damage#TRUNCATED};</li>
 *   <li>the expected head's entry present with another hash → {@link Damage#CHANGED};</li>
 *   <li>a checkpoint by a key the log does not list, or (with a pinned key) not by the pinned key →
 *       {@link Damage#UNKNOWN_SIGNER}.</li>
 * </ul>
 * When several problems are found, the one at the lowest entry is reported. Entries are read once, in
 * the order given (the store gives them by {@code seq}), and not kept.
 */
public final class AuditVerifier {

    private final Map<String, PublicKey> signers;
    private final Optional<PublicKey> pinned;

    /**
     * @param signers      the signers the log lists: key id → public key
     * @param pinnedSigner the public key the auditor trusts (from the ceremony record); when given, every
     *                     checkpoint must be signed with it, and at least one must exist
     */
    public AuditVerifier(Map<String, PublicKey> signers, Optional<PublicKey> pinnedSigner) {
        this.signers = Map.copyOf(signers);
        this.pinned = pinnedSigner;
    }

    /**
     * Verifies the export file an {@link AuditLog#export} wrote, on any machine: only the file, and
     * ideally the audit public key from the ceremony record ({@code pinnedSigner}).
     *
     * @throws AuditExportFormatException when the file is not an audit export that can be read
     */
    public static AuditVerification verifyExport(Path file, Optional<AuditHead> expected, Optional<PublicKey> pinnedSigner) {
        return AuditExport.verify(file, expected, pinnedSigner);
    }

    private record Problem(Damage damage, long seq, String message, int rank) {
        OptionalLong firstBad() {
            return seq < 0 ? OptionalLong.empty() : OptionalLong.of(seq);
        }
    }

    private static final String UNTRUSTED = " Entries from %d on cannot be trusted: compare them with the last printed"
            + " ceremony report, and find out who had access to the console's store.";

    /**
     * Verifies {@code entries} (in the order the log holds them), {@code checkpoints} and, when given,
     * the expected head (from the last ceremony report).
     */
    public AuditVerification verify(Iterator<AuditEntry> entries, Collection<Checkpoint> checkpoints, Optional<AuditHead> expectedHead) {
        return verify(entries, checkpoints, expectedHead, Optional.empty());
    }

    /**
     * As {@link #verify(Iterator, Collection, Optional)}, and compares the log with the head the HSM keeps
     * ({@link HsmAuditHead}) when given: a log that ends before it is {@link Damage#TRUNCATED}, even when
     * the checkpoint rows were removed with the entries.
     */
    public AuditVerification verify(Iterator<AuditEntry> entries, Collection<Checkpoint> checkpoints, Optional<AuditHead> expectedHead,
                                    Optional<AuditHead> hsmHead) {
        List<Checkpoint> cps = new ArrayList<>(checkpoints);
        cps.sort(Comparator.comparingLong(Checkpoint::seq).thenComparing(Checkpoint::at));
        // signatures do not depend on the entries: check them first (in parallel when there are many)
        List<Problem> signatureProblems = (cps.size() > 8 ? cps.parallelStream() : cps.stream()).map(this::checkSignature).toList();

        Map<Long, byte[]> watched = new HashMap<>();
        for (Checkpoint cp : cps) {
            watched.put(cp.seq(), null);
        }
        expectedHead.ifPresent(h -> watched.put(h.seq(), null));
        hsmHead.ifPresent(h -> watched.put(h.seq(), null));

        AuditFormat.Hasher hasher = new AuditFormat.Hasher();
        byte[] genesis = AuditFormat.genesisHash();
        byte[] h1 = genesis;    // recorded hash of the previous entry
        byte[] h2 = null;       // recorded hash of the entry before that (genesis for entry 2)
        long prevSeq = 0;
        long count = 0;
        AuditEntry last = null;
        long maxSeq = 0;
        Problem chain = null;
        byte[] lookForHash = null;   // after a broken link: is prev_hash the hash of a later entry?
        long brokenAt = -1;
        long lookForSeq = -1;        // after a gap: does the missing entry turn up later?
        long gapAfter = -1;

        while (entries.hasNext()) {
            AuditEntry e = entries.next();
            count++;
            last = e;
            maxSeq = Math.max(maxSeq, e.seq());
            if (!watched.isEmpty() && watched.containsKey(e.seq()) && watched.get(e.seq()) == null) {
                watched.put(e.seq(), e.hashRef());
            }
            if (chain != null) {
                if (lookForHash != null && Arrays.equals(e.hashRef(), lookForHash)) {
                    chain = new Problem(Damage.REORDERED, brokenAt, "Entry " + brokenAt + " is out of order: it links to entry "
                            + e.seq() + ", which comes after it, instead of to entry " + (brokenAt - 1) + "."
                            + UNTRUSTED.formatted(brokenAt), 0);
                    lookForHash = null;
                }
                if (lookForSeq >= 0 && e.seq() == lookForSeq) {
                    chain = new Problem(Damage.REORDERED, lookForSeq, "Entry " + lookForSeq + " is out of order: it comes after entry "
                            + gapAfter + " instead of before it." + UNTRUSTED.formatted(lookForSeq), 0);
                    lookForSeq = -1;
                }
                continue;
            }
            long expectedSeq = prevSeq + 1;
            if (e.seq() != expectedSeq) {
                if (e.seq() > expectedSeq) {
                    long missing = e.seq() - expectedSeq;
                    chain = new Problem(Damage.DELETED, expectedSeq, "Entry " + expectedSeq + " is missing: the log "
                            + (prevSeq == 0 ? "starts at entry " + e.seq() : "goes from entry " + prevSeq + " to entry " + e.seq())
                            + ", so " + (missing == 1 ? "1 entry was" : missing + " entries were") + " deleted."
                            + UNTRUSTED.formatted(expectedSeq), 0);
                    lookForSeq = expectedSeq;
                    gapAfter = e.seq();
                } else if (e.seq() == prevSeq) {
                    chain = new Problem(Damage.INSERTED, e.seq(), "Entry " + e.seq() + " appears twice: one of the two was inserted."
                            + UNTRUSTED.formatted(e.seq()), 0);
                } else {
                    chain = new Problem(Damage.REORDERED, e.seq(), "Entry " + e.seq() + " is out of order: it comes after entry "
                            + prevSeq + "." + UNTRUSTED.formatted(e.seq()), 0);
                }
                continue;
            }
            byte[] recomputed = hasher.hash(e);
            boolean selfOk = recomputed != null && Arrays.equals(recomputed, e.hashRef());
            if (!Arrays.equals(e.prevHashRef(), h1)) {
                if (h2 != null && Arrays.equals(e.prevHashRef(), h2)) {
                    chain = new Problem(Damage.INSERTED, prevSeq, "Entry " + prevSeq + " was inserted: entry " + e.seq()
                            + " links directly to " + (prevSeq == 1 ? "the start of the log" : "entry " + (prevSeq - 1))
                            + ", so nothing was written between them." + UNTRUSTED.formatted(prevSeq), 0);
                } else {
                    if (!selfOk) {
                        chain = changed(e, recomputed, hasher.lastWasNonCanonical(), " and it no longer links to " + (prevSeq == 0 ? "the start of the log" : "entry " + prevSeq));
                    } else {
                        chain = new Problem(Damage.CHANGED, prevSeq, "Entry " + prevSeq + " was changed after it was written,"
                                + " and its hash recomputed to hide it: entry " + e.seq() + " records another hash for it."
                                + UNTRUSTED.formatted(prevSeq), 0);
                    }
                    lookForHash = e.prevHashRef();
                    brokenAt = e.seq();
                }
                continue;
            }
            if (!selfOk) {
                chain = changed(e, recomputed, hasher.lastWasNonCanonical(), "");
                continue;
            }
            h2 = h1;
            h1 = e.hashRef();
            prevSeq = e.seq();
        }

        List<Problem> problems = new ArrayList<>();
        if (chain != null) {
            problems.add(chain);
        }
        long lastSeq = last == null ? 0 : maxSeq;
        int good = 0;
        long lastGood = -1;
        boolean pinnedSeen = false;
        for (int k = 0; k < cps.size(); k++) {
            Checkpoint cp = cps.get(k);
            Problem p = signatureProblems.get(k);
            if (p == null) {
                p = checkHead(cp, lastSeq, watched.get(cp.seq()), lastGood);
            }
            if (p == null) {
                good++;
                lastGood = cp.seq();
                pinnedSeen = true;
            } else if (p.damage() != Damage.NONE) {
                problems.add(p);
            }
        }
        if (pinned.isPresent() && !pinnedSeen && problems.isEmpty()) {
            problems.add(new Problem(Damage.UNKNOWN_SIGNER, -1, "No checkpoint in this log is signed with the public key you"
                    + " trust (fingerprint " + SignerKeys.fingerprint(pinned.get()) + "): nothing ties these entries to the"
                    + " console's audit key. Ask for an export that holds a checkpoint, or check that you were given the"
                    + " right public key.", 3));
        }
        expectedHead.ifPresent(h -> {
            Problem p = checkExpected(h, lastSeq, watched.get(h.seq()));
            if (p != null) {
                problems.add(p);
            }
        });

        hsmHead.ifPresent(h -> {
            Problem p = checkHsmHead(h, lastSeq, watched.get(h.seq()));
            if (p != null) {
                problems.add(p);
            }
        });

        Optional<AuditHead> head = last == null ? Optional.of(AuditHead.empty())
                : last.hashRef().length == AuditFormat.HASH_BYTES ? Optional.of(new AuditHead(last.seq(), last.hashRef())) : Optional.empty();
        OptionalLong lastCp = lastGood < 0 ? OptionalLong.empty() : OptionalLong.of(lastGood);
        if (problems.isEmpty()) {
            return new AuditVerification(true, count, OptionalLong.empty(), Damage.NONE,
                    intactMessage(count, head.orElseThrow(), good, lastGood, lastSeq, expectedHead, hsmHead), head, good, lastCp);
        }
        Problem first = problems.stream().min(Comparator.comparingLong((Problem p) -> p.seq() < 0 ? Long.MAX_VALUE : p.seq())
                .thenComparingInt(Problem::rank)).orElseThrow();
        return new AuditVerification(false, count, first.firstBad(), first.damage(), first.message(), head, good, lastCp);
    }

    private static Problem changed(AuditEntry e, byte[] recomputed, boolean nonCanonical, String linkNote) {
        String what = nonCanonical ? "its stored details '" + e.detailsJson() + "' are not written in their canonical form"
                + " (RFC 8785: no whitespace, names sorted), as the console writes them, so the stored bytes are not the ones"
                + " that were written"
                : recomputed == null ? "its contents can no longer be read as an audit entry (details '" + e.detailsJson() + "')"
                : "its contents (" + e.action() + " by " + e.actor() + " at " + e.at() + ") no longer give the hash recorded for it";
        return new Problem(Damage.CHANGED, e.seq(), "Entry " + e.seq() + " was changed after it was written: " + what + linkNote + "."
                + UNTRUSTED.formatted(e.seq()), 0);
    }

    /** The checkpoint's signer and signature; null when both are good. */
    private Problem checkSignature(Checkpoint cp) {
        PublicKey key = signers.get(cp.keyId());
        if (key == null) {
            return new Problem(Damage.UNKNOWN_SIGNER, cp.seq(), "The checkpoint at entry " + cp.seq() + " (" + cp.at()
                    + ") names the signing key '" + cp.keyId() + "', which the log does not list: it was not made by this"
                    + " console's audit key. Entries up to " + cp.seq() + " are not vouched for by any signature.", 1);
        }
        if (pinned.isPresent() && !SignerKeys.same(pinned.get(), key)) {
            return new Problem(Damage.UNKNOWN_SIGNER, cp.seq(), "The checkpoint at entry " + cp.seq() + " (" + cp.at()
                    + ") was signed by '" + cp.keyId() + "' (fingerprint " + SignerKeys.fingerprint(key) + "), not by the"
                    + " public key you trust (fingerprint " + SignerKeys.fingerprint(pinned.get()) + "): its signature proves"
                    + " nothing about this log. The log may have been rewritten and signed with another key.", 1);
        }
        if (!SignerKeys.verify(key, cp.statement(), cp.signatureRef())) {
            return new Problem(Damage.BAD_CHECKPOINT, cp.seq(), "The signature of the checkpoint at entry " + cp.seq() + " ("
                    + cp.at() + ") does not verify with the public key of '" + cp.keyId() + "': the checkpoint was forged or"
                    + " changed, so entries up to " + cp.seq() + " are not vouched for.", 1);
        }
        return null;
    }

    /** The checkpoint against the entries; null when it matches. */
    private static Problem checkHead(Checkpoint cp, long lastSeq, byte[] recorded, long previousGood) {
        if (cp.seq() > lastSeq) {
            return new Problem(Damage.TRUNCATED, lastSeq + 1, "The log ends at entry " + lastSeq + ", but the checkpoint signed"
                    + " at " + cp.at() + " covers entry " + cp.seq() + ": entries " + (lastSeq + 1) + " to " + cp.seq()
                    + " (at least) were removed from the end of the log. Restore the log from a backup or an earlier export,"
                    + " and find out who had access to the console's store.", 1);
        }
        if (recorded == null) {
            // the entry is missing: the chain reports it (DELETED)
            return new Problem(Damage.NONE, cp.seq(), "", 9);
        }
        if (!Arrays.equals(recorded, cp.headHashRef())) {
            return new Problem(Damage.BAD_CHECKPOINT, cp.seq(), "The checkpoint signed at " + cp.at() + " by '" + cp.keyId()
                    + "' no longer matches entry " + cp.seq() + ": the log was rewritten at or before entry " + cp.seq()
                    + (previousGood > 0 ? ", after entry " + previousGood + " (the previous checkpoint that still matches)" : "")
                    + ", and its hashes recomputed. Entries up to " + cp.seq() + " cannot be trusted: compare them with the"
                    + " printed ceremony reports.", 1);
        }
        return null;
    }

    private static Problem checkExpected(AuditHead h, long lastSeq, byte[] recorded) {
        if (h.seq() > lastSeq) {
            return new Problem(Damage.TRUNCATED, lastSeq + 1, "The log ends at entry " + lastSeq + ", but the expected head names"
                    + " entry " + h.seq() + ": entries " + (lastSeq + 1) + " to " + h.seq() + " (at least) were removed from the"
                    + " end of the log. Restore the log from a backup or an earlier export, and find out who had access to"
                    + " the console's store.", 2);
        }
        if (h.seq() == 0) {
            return Arrays.equals(h.hash(), AuditFormat.genesisHash()) ? null : new Problem(Damage.CHANGED, -1,
                    "The expected head names entry 0 with a hash other than zeros; no log has such a head. Check the"
                    + " expected head you typed.", 2);
        }
        if (recorded == null) {
            return null; // the entry is missing: the chain reports it (DELETED)
        }
        if (!Arrays.equals(recorded, h.hash())) {
            return new Problem(Damage.CHANGED, h.seq(), "Entry " + h.seq() + " is not the one the expected head names: its hash"
                    + " is " + AuditFormat.hex(recorded) + " instead of " + AuditFormat.hex(h.hash()) + ". The log was changed"
                    + " at or before entry " + h.seq() + ", or the expected head belongs to another console's log.", 2);
        }
        return null;
    }

    private static Problem checkHsmHead(AuditHead h, long lastSeq, byte[] recorded) {
        if (h.seq() > lastSeq) {
            long missing = h.seq() - lastSeq;
            return new Problem(Damage.TRUNCATED, lastSeq + 1, "The log ends at entry " + lastSeq + ", but the HSM keeps the"
                    + " audit head " + h.text() + ", written when entry " + h.seq() + " was signed: entries " + (lastSeq + 1)
                    + " to " + h.seq() + " (" + missing + (missing == 1 ? " entry" : " entries") + ") were removed from the end"
                    + " of the log, with their checkpoints. Restore the log from a backup or an earlier export, and find out"
                    + " who had access to the console's store.", 1);
        }
        if (h.seq() == 0 || recorded == null) {
            return null; // nothing to compare, or the entry is missing: the chain reports it (DELETED)
        }
        if (!Arrays.equals(recorded, h.hash())) {
            return new Problem(Damage.CHANGED, h.seq(), "Entry " + h.seq() + " is not the one whose head the HSM keeps: its"
                    + " hash is " + AuditFormat.hex(recorded) + " instead of " + AuditFormat.hex(h.hash()) + ". The log was"
                    + " rewritten at or before entry " + h.seq() + ".", 1);
        }
        return null;
    }

    private String intactMessage(long count, AuditHead head, int good, long lastGood, long lastSeq, Optional<AuditHead> expected,
                                 Optional<AuditHead> hsmHead) {
        StringBuilder m = new StringBuilder();
        if (count == 0) {
            m.append("The audit log is empty.");
        } else {
            m.append("The audit log is intact: ").append(count).append(count == 1 ? " entry" : " entries")
                    .append(", head ").append(head.text()).append('.');
        }
        if (good > 0) {
            m.append(' ').append(good).append(good == 1 ? " signed checkpoint verifies" : " signed checkpoints verify")
                    .append(pinned.isPresent() ? " with the public key you trust" : "")
                    .append(", the last at entry ").append(lastGood).append('.');
        }
        long unsigned = lastSeq - Math.max(lastGood, 0);
        if (unsigned > 0) {
            m.append(' ').append(good == 0 ? "No entry is covered by a signed checkpoint."
                    : (unsigned == 1 ? "The last entry is" : "The last " + unsigned + " entries are") + " covered by no signed checkpoint.");
        }
        hsmHead.filter(h -> h.seq() > 0).ifPresent(h -> m.append(" The log holds the audit head the HSM keeps (entry ")
                .append(h.seq()).append(")."));
        if (expected.isPresent()) {
            m.append(" The log holds the expected head (entry ").append(expected.get().seq()).append(").");
        } else if (count > 0 && hsmHead.isEmpty()) {
            m.append(" Entries removed from the end after the last checkpoint would not show: give the expected head from"
                    + " the last ceremony report to rule that out.");
        }
        if (pinned.isEmpty() && good > 0) {
            m.append(" The signatures were checked with the public keys the log itself lists; give the audit public key"
                    + " from the ceremony record to rule out a log rewritten and signed with another key.");
        }
        return m.toString();
    }
}
