package org.hsmc.ceremony.audit;

import java.util.Map;
import java.util.TreeMap;

/**
 * A strict reader for the one JSON shape stored in {@code audit_entry.details}: a flat object whose
 * values are strings. Whitespace is allowed; duplicate names, other value types, raw control
 * characters, bad escapes and lone surrogates are not. The result is a {@link TreeMap}, whose order is
 * the RFC 8785 key order (UTF-16 code units).
 */
final class DetailsJson {

    /** The details text cannot be read as a flat object of strings. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    private final String s;
    private int i;

    private DetailsJson(String s) {
        this.s = s;
    }

    static TreeMap<String, String> parse(String text) throws Unreadable {
        if (text == null) {
            throw new Unreadable("no details");
        }
        return new DetailsJson(text).object();
    }

    /** Parses, or throws an unchecked exception (for callers that read a log that verified). */
    static Map<String, String> parseOrThrow(String text) {
        try {
            return java.util.Collections.unmodifiableMap(parse(text));
        } catch (Unreadable e) {
            throw new IllegalStateException("The audit details '" + text + "' are not a JSON object of strings: " + e.getMessage());
        }
    }

    private TreeMap<String, String> object() throws Unreadable {
        TreeMap<String, String> out = new TreeMap<>();
        ws();
        expect('{');
        ws();
        if (peek() == '}') {
            i++;
        } else {
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                ws();
                String v = string();
                if (out.put(k, v) != null) {
                    throw new Unreadable("the name '" + k + "' appears twice");
                }
                ws();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw new Unreadable("expected ',' or '}' at " + (i - 1));
                }
            }
        }
        ws();
        if (i != s.length()) {
            throw new Unreadable("text after the object at " + i);
        }
        return out;
    }

    private String string() throws Unreadable {
        expect('"');
        StringBuilder sb = null;
        int start = i;
        boolean surrogates = false;
        while (true) {
            if (i >= s.length()) {
                throw new Unreadable("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                String r = sb == null ? s.substring(start, i - 1) : sb.toString();
                if (surrogates) {
                    checkSurrogates(r);
                }
                return r;
            }
            surrogates |= Character.isSurrogate(c);
            if (c < 0x20) {
                throw new Unreadable("raw control character at " + (i - 1));
            }
            if (c == '\\') {
                if (sb == null) {
                    sb = new StringBuilder(s.length()).append(s, start, i - 1);
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw new Unreadable("short \\u escape");
                        }
                        int v = 0;
                        for (int k = 0; k < 4; k++) {
                            int d = Character.digit(s.charAt(i++), 16);
                            if (d < 0) {
                                throw new Unreadable("bad \\u escape");
                            }
                            v = v * 16 + d;
                        }
                        sb.append((char) v);
                        surrogates |= Character.isSurrogate((char) v);
                    }
                    default -> throw new Unreadable("bad escape \\" + e);
                }
            } else if (sb != null) {
                sb.append(c);
            }
        }
    }

    private static void checkSurrogates(String r) throws Unreadable {
        for (int k = 0; k < r.length(); k++) {
            char c = r.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < r.length() && Character.isLowSurrogate(r.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                throw new Unreadable("lone surrogate");
            }
        }
    }

    private void ws() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else {
                return;
            }
        }
    }

    private char peek() throws Unreadable {
        if (i >= s.length()) {
            throw new Unreadable("unexpected end");
        }
        return s.charAt(i);
    }

    private char next() throws Unreadable {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) throws Unreadable {
        if (next() != c) {
            throw new Unreadable("expected '" + c + "' at " + (i - 1));
        }
    }
}
