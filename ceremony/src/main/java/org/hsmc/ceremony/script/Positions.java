package org.hsmc.ceremony.script;

import java.util.HashMap;
import java.util.Map;

/** Where each field path starts in the file (a character index), to report problems in file order. */
final class Positions {

    private final Map<String, Integer> start = new HashMap<>();

    void put(String path, int index) {
        start.putIfAbsent(path, index);
    }

    /** The position of {@code path}, or of its nearest ancestor that the file writes; -1 for the root. */
    int of(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer at = start.get(p);
            if (at != null) {
                return at;
            }
            p = parent(p);
        }
        return -1;
    }

    /** {@code keys[2].valid_until} → {@code keys[2]} → {@code keys} → "". */
    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }

    /** The path of field {@code name} in the object at {@code path}. */
    static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The path of item {@code index} of the list at {@code path}. */
    static String item(String path, int index) {
        return path + "[" + index + "]";
    }
}
