package org.hsmc.ceremony.script;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;

import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The first look at a script's text, before any field is read: it refuses what would let a reviewed
 * file mean something other than what it shows, and notes where each field path starts.
 *
 * <p>Refused: characters that are invisible or change the text's direction (also when written as
 * escapes), more than one document, anchors, aliases (and so merge keys), tags, keys that are not
 * plain names, a key given twice in one object, an empty or {@code null} value, and a file whose top
 * level is not an object. YAML syntax errors stop the look at the first one.
 */
final class YamlGuard {

    /** Deeper than any script field (the deepest is {@code keys[i].valid_from}). */
    static final int MAX_DEPTH = 8;

    /** The plain scalars YAML reads as null. */
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    private YamlGuard() {
    }

    /** Checks every character of the text; {@code \t}, {@code \n} and {@code \r} are the only controls allowed. */
    static void checkCharacters(String text, Problems problems) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (cp == '\n') {
                line++;
                column = 1;
            } else {
                if (!allowed(cp, true)) {
                    problems.add("", "line " + line + ", column " + column + ": " + describe(cp)
                            + " is not allowed, because it makes the file read differently from what it does; remove it");
                }
                column++;
            }
            i += Character.charCount(cp);
        }
    }

    private static boolean allowed(int cp, boolean lineBreaks) {
        if (cp == '\t' || ((cp == '\n' || cp == '\r') && lineBreaks)) {
            return true;
        }
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
            return false; // C0 and C1 controls, DEL (NEL, U+0085, is a YAML 1.1 line break)
        }
        return switch (cp) {
            // invisible: soft hyphen, zero-width space/joiners, word joiner, BOM inside the text
            case 0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF -> false;
            // direction marks and embeddings, overrides and isolates
            case 0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069 -> false;
            // line and paragraph separators, which YAML 1.1 takes as line breaks
            case 0x2028, 0x2029 -> false;
            case 0xFFFE, 0xFFFF -> false;
            default -> true;
        };
    }

    private static String describe(int cp) {
        String name = Character.getName(cp);
        return "the character U+%04X%s".formatted(cp, name == null ? "" : " (" + name + ")");
    }

    /** Walks the YAML events; returns where each path starts. Problems are added in file order. */
    static Positions check(String text, Problems problems) {
        Positions positions = new Positions();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(ScriptParser.MAX_BYTES + 1);
        Deque<Frame> stack = new ArrayDeque<>();
        int documents = 0;
        boolean rootSeen = false;
        try {
            Iterator<Event> events = new Yaml(options).parse(new StringReader(text)).iterator();
            while (events.hasNext()) {
                Event e = events.next();
                switch (e.getEventId()) {
                    case DocumentStart -> {
                        documents++;
                        if (documents > 1) {
                            problems.add("", "line " + line(e.getStartMark()) + ": a second document ('---') is not"
                                    + " allowed; a script file holds exactly one ceremony");
                            return positions;
                        }
                    }
                    case Scalar, Alias, MappingStart, SequenceStart -> {
                        NodeEvent node = (NodeEvent) e;
                        if (stack.isEmpty()) {
                            rootSeen = true;
                            if (e.getEventId() != Event.ID.MappingStart) {
                                problems.add("", "line " + line(e.getStartMark()) + ": the file must be an object of"
                                        + " fields, starting with 'ceremony: <type>' and 'format: 1'");
                                return positions;
                            }
                            refuseAnchorAndTag(node, "", problems);
                            stack.push(new Frame(""));
                            continue;
                        }
                        Frame top = stack.peek();
                        if (top.isMapping() && top.expectKey) {
                            key(node, top, positions, problems);
                            if (e.getEventId() == Event.ID.MappingStart || e.getEventId() == Event.ID.SequenceStart) {
                                stack.push(new Frame(top.path, e.getEventId() == Event.ID.SequenceStart, true));
                            }
                            continue;
                        }
                        String path = top.childPath();
                        positions.put(path, e.getStartMark().getIndex());
                        refuseAnchorAndTag(node, path, problems);
                        switch (node) {
                            case AliasEvent alias -> {
                                problems.add(path, "the alias *" + alias.getAnchor() + " is not allowed; write the"
                                        + " value out in full");
                                top.valueDone();
                            }
                            case ScalarEvent scalar -> {
                                if (scalar.isPlain() && NULLS.contains(scalar.getValue())) {
                                    problems.add(path, "no value is given; write a value or leave the field out");
                                }
                                checkValueCharacters(path, scalar.getValue(), problems);
                                top.valueDone();
                            }
                            default -> {
                                if (stack.size() >= MAX_DEPTH) {
                                    problems.add(path, "nested deeper than any script field");
                                    return positions;
                                }
                                stack.push(new Frame(path, e.getEventId() == Event.ID.SequenceStart, false));
                            }
                        }
                    }
                    case MappingEnd, SequenceEnd -> {
                        Frame done = stack.pop();
                        if (!stack.isEmpty()) {
                            if (done.isKey) {
                                stack.peek().expectKey = false; // a complex key; its value follows
                            } else {
                                stack.peek().valueDone();
                            }
                        }
                    }
                    default -> {
                        // stream start and end, document end, comments
                    }
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : "line " + line(mark) + ", column " + (mark.getColumn() + 1) + ": ";
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            problems.add("", where + "this is not valid YAML: " + e.getProblem() + context);
            return positions;
        } catch (YAMLException e) {
            problems.add("", "this is not valid YAML: " + e.getMessage());
            return positions;
        }
        if (!rootSeen && !problems.any()) {
            problems.add("", "the file has no content; a script starts with 'ceremony: <type>' and 'format: 1'");
        }
        return positions;
    }

    private static void key(NodeEvent node, Frame map, Positions positions, Problems problems) {
        if (!(node instanceof ScalarEvent scalar) || !(scalar.isPlain() || scalar.isSQuoted() || scalar.isDQuoted())) {
            problems.add(map.path, "line " + line(node.getStartMark()) + ": a key must be a plain field name");
            map.key = "?";
            refuseAnchorAndTag(node, map.path, problems);
            if (node instanceof AliasEvent) {
                map.expectKey = false;
            }
            return;
        }
        String path = Positions.field(map.path, scalar.getValue());
        refuseAnchorAndTag(node, path, problems);
        checkValueCharacters(path, scalar.getValue(), problems);
        Mark at = node.getStartMark();
        Mark first = map.keyMarks.putIfAbsent(scalar.getValue(), at);
        if (first != null) {
            String where = first.getLine() == at.getLine()
                    ? "line " + line(at) + ", columns " + (first.getColumn() + 1) + " and " + (at.getColumn() + 1)
                    : "lines " + line(first) + " and " + line(at);
            problems.add(path, "'" + scalar.getValue() + "' is given twice in one object (" + where
                    + "); give each field once");
        }
        positions.put(path, node.getStartMark().getIndex());
        map.key = scalar.getValue();
        map.expectKey = false;
    }

    private static void refuseAnchorAndTag(NodeEvent node, String path, Problems problems) {
        if (node.getAnchor() != null && !(node instanceof AliasEvent)) {
            problems.add(path, "the anchor &" + node.getAnchor() + " is not allowed; write each value out in full"
                    + " where it is used");
        }
        String tag = switch (node) {
            case ScalarEvent s -> s.getTag();
            case CollectionStartEvent c -> c.getTag();
            default -> null;
        };
        if (tag != null) {
            String shown = tag.startsWith("tag:yaml.org,2002:") ? "!!" + tag.substring("tag:yaml.org,2002:".length()) : tag;
            problems.add(path, "the tag " + shown + " is not allowed; write the value without a tag (in quotes if it is text)");
        }
    }

    private static void checkValueCharacters(String path, String value, Problems problems) {
        value.codePoints().filter(cp -> !allowed(cp, true)).findFirst().ifPresent(cp -> problems.add(path,
                "the value contains " + describe(cp) + " (written as an escape), which is not allowed; remove it"));
    }

    private static int line(Mark mark) {
        return mark.getLine() + 1;
    }

    /** An object or list being read. */
    private static final class Frame {
        final String path;
        final boolean sequence;
        /** A collection used as a key: reported already, and its end completes a key, not a value. */
        final boolean isKey;
        final Map<String, Mark> keyMarks = new HashMap<>();
        boolean expectKey = true;
        String key;
        int index;

        Frame(String path) {
            this(path, false, false);
        }

        Frame(String path, boolean sequence, boolean isKey) {
            this.path = path;
            this.sequence = sequence;
            this.isKey = isKey;
        }

        boolean isMapping() {
            return !sequence;
        }

        String childPath() {
            return sequence ? Positions.item(path, index) : Positions.field(path, key);
        }

        void valueDone() {
            if (sequence) {
                index++;
            } else {
                expectKey = true;
            }
        }
    }
}
