package org.hsmc.node;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader for manifests (RFC 8259): objects (as {@link Map}s in file order, a repeated member
 * refused), arrays, strings, integers (as {@link Long}; no fractions or exponents, which a manifest never has),
 * {@code true}, {@code false} and {@code null} (as {@link #NULL}). Nesting is limited to {@link #MAX_DEPTH}.
 * Throws {@link IllegalArgumentException} with the position for anything else.
 */
final class Json {

    /** JSON's {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    static final int MAX_DEPTH = 8;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** Parses UTF-8 JSON text. */
    static Object parse(byte[] utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the manifest is not UTF-8");
        }
        Json p = new Json(text);
        p.space();
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) {
            throw p.error("text after the end of the JSON value");
        }
        return v;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + i);
    }

    private void space() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                i++;
            } else {
                break;
            }
        }
    }

    private Object value(int depth) {
        if (i >= s.length()) {
            throw error("the JSON ends too early");
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Object word(String w, Object v) {
        if (!s.startsWith(w, i)) {
            throw error("unexpected text");
        }
        i += w.length();
        return v;
    }

    private Map<String, Object> object(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep");
        }
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        space();
        if (i < s.length() && s.charAt(i) == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (i >= s.length() || s.charAt(i) != '"') {
                throw error("expected a member name");
            }
            String name = string();
            space();
            expect(':');
            space();
            Object v = value(depth);
            if (m.put(name, v) != null) {
                throw error("the member '" + name + "' is given twice");
            }
            space();
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested more than " + MAX_DEPTH + " deep");
        }
        i++;
        List<Object> l = new ArrayList<>();
        space();
        if (i < s.length() && s.charAt(i) == ']') {
            i++;
            return l;
        }
        while (true) {
            space();
            l.add(value(depth));
            space();
            if (i < s.length() && s.charAt(i) == ',') {
                i++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private void expect(char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private Long number() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        int digits = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == digits) {
            throw error("a number without digits");
        }
        if (s.charAt(digits) == '0' && i - digits > 1) {
            throw error("a number with a leading zero");
        }
        if (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            throw error("a number that is not a whole number");
        }
        if (i - digits > 16) {
            throw error("a number too large");
        }
        return Long.parseLong(s, start, i, 10);
    }

    private String string() {
        i++; // the opening quote
        StringBuilder b = null;
        int runStart = i;
        while (true) {
            if (i >= s.length()) {
                throw error("a string without its closing quote");
            }
            char c = s.charAt(i);
            if (c == '"') {
                String out = b == null ? s.substring(runStart, i) : b.append(s, runStart, i).toString();
                i++;
                return out;
            }
            if (c < 0x20) {
                throw error("a control character in a string");
            }
            if (c != '\\') {
                i++;
                continue;
            }
            if (b == null) {
                b = new StringBuilder();
            }
            b.append(s, runStart, i);
            i++;
            if (i >= s.length()) {
                throw error("a string ends in a backslash");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("a \\u escape without four hex digits");
                    }
                    int cp = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = Character.digit(s.charAt(i + k), 16);
                        if (d < 0) {
                            throw error("a \\u escape without four hex digits");
                        }
                        cp = (cp << 4) | d;
                    }
                    i += 4;
                    b.append((char) cp);
                }
                default -> throw error("an unknown escape \\" + e);
            }
            runStart = i;
        }
    }
}
