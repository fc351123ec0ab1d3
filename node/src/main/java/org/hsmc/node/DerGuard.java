package org.hsmc.node;

/**
 * A first look at a bundle's bytes before any ASN.1 library reads them: one DER element that fills the input
 * exactly, definite minimal lengths only, each element inside its parent, low-number tags, and constructed
 * elements nested at most {@link #MAX_DEPTH} deep. Iterative, so no input can exhaust the stack, and linear in
 * the input's size. Contents of primitive elements (the manifest in its OCTET STRING) are not looked into.
 */
final class DerGuard {

    /** A bundle nests 8 deep (certificate extensions); anything far deeper is not a bundle. */
    static final int MAX_DEPTH = 24;

    private DerGuard() {
    }

    /** Null when {@code der} passes, otherwise what is wrong (for the refusal message). */
    static String check(byte[] der) {
        int[] ends = new int[MAX_DEPTH + 1];
        int depth = 0;
        ends[0] = der.length;
        int pos = 0;
        boolean first = true;
        while (true) {
            while (depth > 0 && pos == ends[depth]) {
                depth--;
            }
            if (depth == 0 && !first) {
                return pos == der.length ? null : "there are " + (der.length - pos) + " bytes after the end of the bundle";
            }
            first = false;
            if (pos >= ends[depth]) {
                return "an element at byte " + pos + " runs past the end of the one around it";
            }
            int tag = der[pos++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                return "the element at byte " + (pos - 1) + " has a high tag number, which a bundle never uses";
            }
            if (pos >= ends[depth]) {
                return "the element at byte " + (pos - 1) + " has no length";
            }
            int first8 = der[pos++] & 0xFF;
            long length;
            if (first8 < 0x80) {
                length = first8;
            } else if (first8 == 0x80) {
                return "the element at byte " + (pos - 2) + " has an indefinite length (BER, not DER)";
            } else {
                int n = first8 & 0x7F;
                if (n > 4) {
                    return "the element at byte " + (pos - 2) + " claims a length of " + n + " bytes";
                }
                if (pos + n > ends[depth]) {
                    return "the length of the element at byte " + (pos - 2) + " runs past the end";
                }
                if ((der[pos] & 0xFF) == 0) {
                    return "the length of the element at byte " + (pos - 2) + " is not minimal (not DER)";
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (der[pos++] & 0xFF);
                }
                if (length < 0x80) {
                    return "the length of the element at byte " + (pos - n - 2) + " is not minimal (not DER)";
                }
            }
            if (length > ends[depth] - pos) {
                return "the element at byte " + pos + " is " + length + " bytes long, more than there is";
            }
            int end = (int) (pos + length);
            if ((tag & 0x20) != 0) {
                if (depth == MAX_DEPTH) {
                    return "elements are nested more than " + MAX_DEPTH + " deep";
                }
                ends[++depth] = end;
            } else {
                pos = end;
            }
        }
    }
}
