package org.hsmc.ceremony.bundle;

import org.hsmc.ceremony.audit.CanonicalJson;

/**
 * Writes RFC 8785 (JCS) JSON directly, for the shapes a bundle manifest has: objects whose members the
 * caller writes in RFC 8785 order (by UTF-16 code units; every member name here is ASCII, so plain
 * {@code String} order), arrays, strings, {@code null} and non-negative safe integers. No whitespace.
 * Written by hand so that a manifest of 10,000 keys costs no parse and re-serialisation;
 * {@code BundleManifestTest} proves the output byte-identical to a general RFC 8785 implementation. The
 * bytes and the strings (RFC 8785 §3.2.2.2, a lone surrogate refused) are the audit log's {@link CanonicalJson};
 * this class adds the nesting and the commas.
 */
final class CanonicalJsonWriter {

    /** The largest integer RFC 8785 (IEEE 754 double) represents exactly: 2^53 - 1. */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    private final CanonicalJson out;
    /** Per nesting level: whether the next value or member needs a comma before it. */
    private final boolean[] comma = new boolean[16];
    private int depth;

    CanonicalJsonWriter(int capacity) {
        out = new CanonicalJson(capacity);
    }

    byte[] toBytes() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed object or array");
        }
        return out.toBytes();
    }

    /** The bytes so far, objects or arrays still open (the head of a manifest whose keys are written elsewhere). */
    byte[] partialBytes() {
        return out.toBytes();
    }

    /**
     * Starts a writer that continues a document inside an array (at depth 2: the top-level object, then the array),
     * after its items: the next call is {@link #endArray()}, then members of the top-level object follow with a comma.
     */
    CanonicalJsonWriter continueAfterArray() {
        if (depth != 0) {
            throw new IllegalStateException("only a fresh writer continues a document");
        }
        depth = 2;
        comma[1] = true; // the member "keys" came before
        comma[2] = true;
        return this;
    }

    CanonicalJsonWriter beginObject() {
        separate();
        out.ascii("{");
        comma[++depth] = false;
        return this;
    }

    CanonicalJsonWriter endObject() {
        out.ascii("}");
        depth--;
        return this;
    }

    CanonicalJsonWriter beginArray() {
        separate();
        out.ascii("[");
        comma[++depth] = false;
        return this;
    }

    CanonicalJsonWriter endArray() {
        out.ascii("]");
        depth--;
        return this;
    }

    /** A member name; the caller writes members in RFC 8785 order. */
    CanonicalJsonWriter name(String name) {
        separate();
        out.string(name);
        out.ascii(":");
        comma[depth] = false; // the value follows the colon directly
        return this;
    }

    CanonicalJsonWriter value(String s) {
        separate();
        if (s == null) {
            out.ascii("null");
        } else {
            out.string(s);
        }
        return this;
    }

    CanonicalJsonWriter value(long n) {
        if (n < 0 || n > MAX_SAFE_INTEGER) {
            throw new IllegalArgumentException("not a safe non-negative integer: " + n);
        }
        separate();
        out.ascii(Long.toString(n));
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
            out.ascii(",");
        }
        comma[depth] = true;
    }
}
