package org.hsmc.ceremony.audit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The head of the audit log: the sequence number of the last entry and its hash. An empty log's head
 * is {@code 0} with 32 zero bytes. Written as {@code seq:hex} (lowercase hex of the SHA-256 hash); every
 * ceremony report prints it, so that an auditor can later detect entries removed from the end.
 */
public record AuditHead(long seq, byte[] hash) {

    public AuditHead {
        if (seq < 0) {
            throw new IllegalArgumentException("An audit head's sequence number is never negative: " + seq);
        }
        if (hash == null || hash.length != AuditFormat.HASH_BYTES) {
            throw new IllegalArgumentException("An audit head's hash is " + AuditFormat.HASH_BYTES + " bytes (SHA-256).");
        }
        hash = hash.clone();
    }

    /** The head of an empty log. */
    public static AuditHead empty() {
        return new AuditHead(0, AuditFormat.genesisHash());
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** {@code seq:hex}, for example {@code 42:9f86d081…} (64 hex digits). */
    public String text() {
        return seq + ":" + HexFormat.of().formatHex(hash);
    }

    /** Reads {@code seq:hex} as printed by {@link #text()}; refuses anything else with a sentence. */
    public static AuditHead parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.indexOf(':');
        String hex = colon < 0 ? "" : t.substring(colon + 1);
        long seq;
        try {
            seq = Long.parseLong(colon < 0 ? "" : t.substring(0, colon));
        } catch (NumberFormatException e) {
            seq = -1;
        }
        if (seq < 0 || hex.length() != 2 * AuditFormat.HASH_BYTES || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("'" + text + "' is not an audit head. An audit head is the entry number, a"
                    + " colon and the 64 hex digits of its hash, as printed in the ceremony report (e.g. 42:9f86d081…).");
        }
        return new AuditHead(seq, HexFormat.of().parseHex(hex));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AuditHead h && h.seq == seq && Arrays.equals(h.hash, hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(seq) * 31 + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return text();
    }
}
