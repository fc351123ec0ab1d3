package org.hsmc.ceremony.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact bytes the audit log hashes and signs (see {@code docs/audit-log-format.md}).
 *
 * <h2>Entry hash</h2>
 * {@code hash = SHA-256(JCS(entry))}, where JCS is the JSON Canonicalization Scheme of RFC 8785 and
 * {@code entry} is the JSON object
 * <pre>{"seq": n, "at": "…", "actor": "…", "action": "…", "outcome": "DONE|REFUSED|FAILED",
 *  "details": {"name": "value", …}, "prev_hash": "64 lowercase hex digits"}</pre>
 * {@code seq} starts at 1 and grows by one; {@code at} is UTC, ISO-8601 with milliseconds
 * ({@code 2025-03-01T09:30:00.000Z}); {@code details} is a flat object of strings; {@code prev_hash} is
 * the previous entry's hash, and 32 zero bytes for entry 1. RFC 8785 sorts the keys, so the bytes hashed
 * are {@code {"action":…,"actor":…,"at":…,"details":{…},"outcome":…,"prev_hash":…,"seq":n}} with no
 * whitespace, in UTF-8.
 *
 * <h2>Checkpoint signature</h2>
 * ECDSA P-384 with SHA-384 (r‖s) over {@code JCS({"type":"hsmc-audit-checkpoint/v1","seq":n,
 * "head_hash":"hex","at":"…","key_id":"…"})}, that is
 * {@code {"at":…,"head_hash":…,"key_id":…,"seq":n,"type":"hsmc-audit-checkpoint/v1"}}.
 */
public final class AuditFormat {

    /** SHA-256 hashes are 32 bytes. */
    public static final int HASH_BYTES = 32;
    /** The largest sequence number RFC 8785 writes exactly (2^53 - 1). */
    public static final long MAX_SEQ = (1L << 53) - 1;
    /** The {@code type} of a checkpoint statement. */
    public static final String CHECKPOINT_TYPE = "hsmc-audit-checkpoint/v1";

    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private AuditFormat() {
    }

    /** The {@code prev_hash} of entry 1: 32 zero bytes. */
    public static byte[] genesisHash() {
        return new byte[HASH_BYTES];
    }

    /** The {@code at} text of an instant: UTC, milliseconds, e.g. {@code 2025-03-01T09:30:00.000Z}. */
    public static String timestamp(Instant instant) {
        return AT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** RFC 8785 text of a details map (a flat object of strings), as stored in {@code audit_entry.details}. */
    public static String canonicalDetails(Map<String, String> details) {
        CanonicalJson j = new CanonicalJson();
        j.sortedObject(details instanceof TreeMap<String, String> t && t.comparator() == null ? t : new TreeMap<>(details));
        return new String(j.buffer(), 0, j.length(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The canonical bytes of an entry (what is hashed). */
    public static byte[] canonicalEntry(long seq, String at, String actor, String action, String outcome,
                                        Map<String, String> details, byte[] prevHash) {
        CanonicalJson j = new CanonicalJson();
        writeEntry(j, seq, at, actor, action, outcome, details instanceof TreeMap<String, String> t && t.comparator() == null
                ? t : new TreeMap<>(details), prevHash);
        return j.toBytes();
    }

    /** SHA-256 of {@link #canonicalEntry}. */
    public static byte[] entryHash(long seq, String at, String actor, String action, String outcome,
                                   Map<String, String> details, byte[] prevHash) {
        return sha256().digest(canonicalEntry(seq, at, actor, action, outcome, details, prevHash));
    }

    /** The bytes a checkpoint signature covers. */
    public static byte[] checkpointStatement(long seq, byte[] headHash, String at, String keyId) {
        CanonicalJson j = new CanonicalJson();
        j.ascii("{\"at\":").string(at)
                .ascii(",\"head_hash\":").hexString(headHash)
                .ascii(",\"key_id\":").string(keyId)
                .ascii(",\"seq\":").number(seq)
                .ascii(",\"type\":").string(CHECKPOINT_TYPE)
                .ascii("}");
        return j.toBytes();
    }

    static void writeEntry(CanonicalJson j, long seq, String at, String actor, String action, String outcome,
                           TreeMap<String, String> details, byte[] prevHash) {
        j.ascii("{\"action\":").string(action)
                .ascii(",\"actor\":").string(actor)
                .ascii(",\"at\":").string(at)
                .ascii(",\"details\":").sortedObject(details)
                .ascii(",\"outcome\":").string(outcome)
                .ascii(",\"prev_hash\":").hexString(prevHash)
                .ascii(",\"seq\":").number(seq)
                .ascii("}");
    }

    /** Refuses text that RFC 8785 cannot write (a lone UTF-16 surrogate). */
    static void requireWellFormed(String s, String what) {
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("The audit " + what + " holds a broken Unicode character (a lone surrogate).");
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** True when {@code s} in UTF-8 is exactly {@code b[0..n)}. */
    static boolean sameUtf8(String s, byte[] b, int n) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (k >= n || b[k++] != (byte) c) {
                    return false;
                }
            } else {
                // rare: compare the rest through a real encoder
                byte[] rest = s.substring(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                return n - k == rest.length && java.util.Arrays.equals(b, k, n, rest, 0, rest.length);
            }
        }
        return k == n;
    }

    /**
     * Recomputes entry hashes with one reused buffer and digest (verification's hot path). Not
     * thread-safe.
     */
    static final class Hasher {
        private final CanonicalJson json = new CanonicalJson();
        private final CanonicalJson detailsJson = new CanonicalJson();
        private final MessageDigest sha = sha256();
        private final byte[] out = new byte[HASH_BYTES];
        private boolean nonCanonical;

        /** True when the last entry hashed read, but its stored details were not byte for byte their canonical form. */
        boolean lastWasNonCanonical() {
            return nonCanonical;
        }

        /**
         * The hash {@code e} should have, in a buffer reused by the next call; null when the entry cannot
         * be hashed at all (unreadable details, a lone surrogate, a sequence number out of range): such an
         * entry was changed.
         */
        byte[] hash(AuditEntry e) {
            nonCanonical = false;
            try {
                TreeMap<String, String> details = DetailsJson.parse(e.detailsJson());
                // the stored text must be its own canonical form, byte for byte: any other spelling is a change
                detailsJson.reset();
                detailsJson.sortedObject(details);
                if (!sameUtf8(e.detailsJson(), detailsJson.buffer(), detailsJson.length())) {
                    nonCanonical = true;
                    return null;
                }
                json.reset();
                writeEntry(json, e.seq(), e.at(), e.actor(), e.action(), e.outcome(), details, e.prevHashRef());
                sha.update(json.buffer(), 0, json.length());
                sha.digest(out, 0, HASH_BYTES);
                return out;
            } catch (DetailsJson.Unreadable | IllegalArgumentException | java.security.DigestException x) {
                sha.reset();
                return null;
            }
        }
    }
}
