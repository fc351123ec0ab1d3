package org.hsmc.ceremony.script;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/** Small text helpers for messages and name comparisons. */
final class Names {

    private Names() {
    }

    /** "a, b or c". */
    static String orList(List<String> items) {
        return join(items, " or ");
    }

    /** "a, b and c". */
    static String andList(List<String> items) {
        return join(items, " and ");
    }

    private static String join(List<String> items, String last) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + last + items.getLast();
    }

    /**
     * The form two names are compared in when they must be distinct: NFKC, case folded. "Alice" and
     * "alice" (or a full-width "Ａlice") are the same person to the people in the room.
     */
    static String identity(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** A value quoted for a message, cut short if long. */
    static String quote(String value) {
        String v = value.length() > 60 ? value.substring(0, 57) + "..." : value;
        return "'" + v.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
