package org.hsmc.ceremony.audit;

import java.util.Arrays;
import java.util.Map;

/**
 * A reusable UTF-8 byte buffer that writes the RFC 8785 (JCS) serialisation of the few shapes the audit
 * log hashes and signs: objects with fixed, already sorted keys, whose values are strings, safe
 * integers, hex strings and flat objects of strings. Written by hand for speed (verification hashes a
 * million entries in seconds); {@code CanonicalJsonTest} proves it byte-identical to a general RFC 8785
 * implementation. The bundle manifest's writer ({@code bundle.CanonicalJsonWriter}) puts its objects and
 * arrays on this buffer, so that both hash the same strings the same way.
 *
 * <p>Strings per RFC 8785 §3.2.2.2: {@code "} and {@code \} escaped with a backslash; U+0008, U+0009,
 * U+000A, U+000C, U+000D as {@code \b \t \n \f \r}; the other controls below U+0020 as <code>&#92;u00xx</code>
 * (lowercase hex); everything else as itself in UTF-8. A lone surrogate is an error.
 */
public final class CanonicalJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] buf;
    private int len;

    /** A buffer for the audit log's small objects. */
    CanonicalJson() {
        this(512);
    }

    /** A buffer that starts with room for {@code capacity} bytes (it grows as needed). */
    public CanonicalJson(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    void reset() {
        len = 0;
    }

    int length() {
        return len;
    }

    byte[] buffer() {
        return buf;
    }

    /** The bytes written so far. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    /** Appends ASCII text as it is (punctuation and keys, which need no escaping). */
    public CanonicalJson ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Appends a JSON string. */
    public CanonicalJson string(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        buf[len++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80) {
                if (c == '"' || c == '\\') {
                    ensure(2 + (n - i) * 3);
                    buf[len++] = '\\';
                }
                buf[len++] = (byte) c;
            } else if (c < 0x20) {
                ensure(6 + (n - i) * 3);
                buf[len++] = '\\';
                switch (c) {
                    case '\b' -> buf[len++] = 'b';
                    case '\t' -> buf[len++] = 't';
                    case '\n' -> buf[len++] = 'n';
                    case '\f' -> buf[len++] = 'f';
                    case '\r' -> buf[len++] = 'r';
                    default -> {
                        buf[len++] = 'u';
                        buf[len++] = '0';
                        buf[len++] = '0';
                        buf[len++] = HEX[c >> 4];
                        buf[len++] = HEX[c & 0xF];
                    }
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    throw new IllegalArgumentException("lone surrogate at index " + i);
                }
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        buf[len++] = '"';
        return this;
    }

    /** Appends a non-negative integer (RFC 8785 numbers: plain decimal up to 2^53 - 1). */
    CanonicalJson number(long n) {
        if (n < 0 || n > AuditFormat.MAX_SEQ) {
            throw new IllegalArgumentException("not a safe non-negative integer: " + n);
        }
        return ascii(Long.toString(n));
    }

    /** Appends bytes as a JSON string of lowercase hex. */
    CanonicalJson hexString(byte[] b) {
        ensure(b.length * 2 + 2);
        buf[len++] = '"';
        for (byte x : b) {
            buf[len++] = HEX[(x >> 4) & 0xF];
            buf[len++] = HEX[x & 0xF];
        }
        buf[len++] = '"';
        return this;
    }

    /** Appends a flat object of strings whose keys are already in RFC 8785 order (a {@code TreeMap} is). */
    CanonicalJson sortedObject(Map<String, String> sorted) {
        ensure(2);
        buf[len++] = '{';
        boolean first = true;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            if (!first) {
                ensure(1);
                buf[len++] = ',';
            }
            first = false;
            string(e.getKey());
            ensure(1);
            buf[len++] = ':';
            string(e.getValue());
        }
        ensure(1);
        buf[len++] = '}';
        return this;
    }
}
