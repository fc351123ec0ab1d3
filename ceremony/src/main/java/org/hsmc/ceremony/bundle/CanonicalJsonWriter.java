package org.hsmc.ceremony.bundle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes RFC 8785 (JCS) JSON directly, for the shapes a bundle manifest has: objects whose members the
 * caller writes in RFC 8785 order (by UTF-16 code units; every member name here is ASCII, so plain
 * {@code String} order), arrays, strings, {@code null} and non-negative safe integers. No whitespace.
 * Written by hand so that a manifest of 10,000 keys costs no parse and re-serialisation;
 * {@code BundleManifestTest} proves the output byte-identical to a general RFC 8785 implementation.
 *
 * <p>Strings per RFC 8785 §3.2.2.2: {@code "} and {@code \} escaped with a backslash; U+0008, U+0009,
 * U+000A, U+000C, U+000D as {@code \b \t \n \f \r}; the other controls below U+0020 as <code>&#92;u00xx</code>
 * (lower-case hex); everything else as itself in UTF-8. A lone surrogate is refused.
 */
final class CanonicalJsonWriter {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** The largest integer RFC 8785 (IEEE 754 double) represents exactly: 2^53 - 1. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private byte[] buf;
    private int len;
    /** Per nesting level: whether the next value or member needs a comma before it. */
    private final boolean[] comma = new boolean[16];
    private int depth;

    CanonicalJsonWriter(int capacity) {
        buf = new byte[Math.max(64, capacity)];
    }

    byte[] toBytes() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed object or array");
        }
        return Arrays.copyOf(buf, len);
    }

    CanonicalJsonWriter beginObject() {
        separate();
        put((byte) '{');
        comma[++depth] = false;
        return this;
    }

    CanonicalJsonWriter endObject() {
        put((byte) '}');
        depth--;
        return this;
    }

    CanonicalJsonWriter beginArray() {
        separate();
        put((byte) '[');
        comma[++depth] = false;
        return this;
    }

    CanonicalJsonWriter endArray() {
        put((byte) ']');
        depth--;
        return this;
    }

    /** A member name; the caller writes members in RFC 8785 order. */
    CanonicalJsonWriter name(String name) {
        separate();
        writeString(name);
        put((byte) ':');
        comma[depth] = false; // the value follows the colon directly
        return this;
    }

    CanonicalJsonWriter value(String s) {
        separate();
        if (s == null) {
            ascii("null");
        } else {
            writeString(s);
        }
        return this;
    }

    CanonicalJsonWriter value(long n) {
        if (n < 0 || n > MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("not a safe non-negative integer: " + n);
        }
        separate();
        ascii(Long.toString(n));
        return this;
    }

    /** A member whose value is a string (or {@code null}). */
    CanonicalJsonWriter member(String name, String value) {
        return name(name).value(value);
    }

    CanonicalJsonWriter member(String name, long value) {
        return name(name).value(value);
    }

    private void separate() {
        if (comma[depth]) {
            put((byte) ',');
        }
        comma[depth] = true;
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void writeString(String s) {
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
    }
}
