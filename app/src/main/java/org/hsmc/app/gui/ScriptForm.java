package org.hsmc.app.gui;

import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.CeremonyType;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptException;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.script.ScriptProblem;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameter form of a ceremony type, as plain data (testable without the JavaFX thread): the
 * fields, the script the filled form makes, and the real {@link ScriptParser}'s verdict on it, each
 * problem placed next to the field it names. The wizard knows a form for every type of
 * {@link CeremonyType} it was written with; a type added later gets the common fields and a box for
 * the rest of its fields in YAML, checked by the same parser, so it can be run without a change here.
 */
final class ScriptForm {

    /** How a field is typed and written into the script. */
    enum Kind {
        /** one line of text, written quoted */
        TEXT,
        /** digits, written as a number (anything else is written quoted, so the parser names the mistake) */
        NUMBER,
        /** true or false */
        BOOLEAN,
        /** comma-separated values, written as a list of quoted texts */
        LIST,
        /** {@link Field#word} itself, or else comma-separated values as a list */
        WORD_OR_LIST,
        /** lines of YAML under the field (a list of objects) */
        BLOCK,
        /** free text over lines, written as a literal block */
        NOTES,
        /** lines of YAML written at the top level (the fields of a type this form does not know) */
        YAML
    }

    /**
     * A field.
     *
     * @param name     its YAML path: {@code title}, {@code zone.id} (one level of nesting), or empty for {@link Kind#YAML}
     * @param kind     how it is typed and written
     * @param required whether the parser requires it (shown with a mark; an empty optional field is left out)
     * @param initial  the value the form starts with (the demo's, where there is one)
     * @param word     for {@link Kind#WORD_OR_LIST}: the word that stands for "all"
     */
    record Field(String name, Kind kind, boolean required, String initial, String word) {
        static Field of(String name, Kind kind, boolean required, String initial) {
            return new Field(name, kind, required, initial, null);
        }

        /** A field of an object: {@code in("zone", "id", …)} is {@code zone.id}. */
        static Field in(String parent, String name, Kind kind, boolean required, String initial) {
            return new Field(parent + "." + name, kind, required, initial, null);
        }

        /** An id-safe form of the name: {@code zone-id}. */
        String id() {
            return name.isEmpty() ? "yaml" : name.replace('.', '-').replace('_', '-');
        }
    }

    /** The parser's verdict on the filled form. */
    record Check(byte[] yaml, ParsedScript parsed, Map<String, List<String>> byField, List<String> general) {
        boolean valid() {
            return parsed != null;
        }
    }

    private final CeremonyType type;
    private final List<Field> fields;
    private final boolean known;

    private ScriptForm(CeremonyType type, List<Field> fields, boolean known) {
        this.type = type;
        this.fields = List.copyOf(fields);
        this.known = known;
    }

    CeremonyType type() {
        return type;
    }

    List<Field> fields() {
        return fields;
    }

    /** False for a type this form was not written for (it then has the YAML box). */
    boolean known() {
        return known;
    }

    /** The form of {@code type}. */
    static ScriptForm of(CeremonyType type) {
        return of(type, specific(type.yamlName()));
    }

    /** The form a type without a form of its own gets (the common fields and the YAML box); tests use it for any type. */
    static ScriptForm generic(CeremonyType type) {
        return of(type, null);
    }

    private static ScriptForm of(CeremonyType type, List<Field> specific) {
        List<Field> f = new ArrayList<>();
        f.add(Field.of("title", Kind.TEXT, true, title(type.yamlName())));
        f.add(Field.of("operator", Kind.TEXT, true, "Alice"));
        f.add(Field.of("witnesses", Kind.LIST, false, "Judy Auditor"));
        boolean known = specific != null;
        f.addAll(known ? specific : List.of(Field.of("", Kind.YAML, true, "")));
        f.add(Field.of("notes", Kind.NOTES, false, ""));
        return new ScriptForm(type, f, known);
    }

    private static String title(String type) {
        return switch (type) {
            case "initialize" -> "Initialise the HSM under 3 of 5 admin cards";
            case "generate-master-key" -> "Generate the local master key, version 1";
            case "generate-zone-master-key" -> "Create zone sh-01 and its zone master key, version 1";
            case "import-zone-master-key" -> "Create zone bj-01 and import its zone master key, version 1";
            case "generate-working-keys" -> "Working keys for zone sh-01";
            case "rotate" -> "Rotate the working keys of zone sh-01";
            case "revoke" -> "Revoke keys of zone sh-01";
            case "export-bundle" -> "Bundles for the online nodes of every zone";
            case "restore-master-key" -> "Restore the local master key on the replacement HSM";
            case "replace-card" -> "Replace Erin's damaged card with the spare card";
            case "enrol-card" -> "Enrol Frank, a new key custodian";
            case "unblock-card" -> "Unblock Bob's card";
            case "revoke-card" -> "Revoke Dave's card, he leaves";
            case "change-quorum" -> "Three of five cards, one of them a security officer's";
            default -> "";
        };
    }

    /** The fields of the types this form knows; null for any other. */
    private static List<Field> specific(String type) {
        return switch (type) {
            case "initialize" -> List.of(Field.of("threshold", Kind.NUMBER, true, "3"),
                    Field.of("custodians", Kind.BLOCK, true, """
                            - name: Alice
                              role: SECURITY_OFFICER
                              card: demo-card-1
                            - name: Bob
                              role: KEY_CUSTODIAN
                              card: demo-card-2
                            - name: Carol
                              role: KEY_CUSTODIAN
                              card: demo-card-3
                            - name: Dave
                              role: KEY_CUSTODIAN
                              card: demo-card-4
                            - name: Erin
                              role: KEY_CUSTODIAN
                              card: demo-card-5"""),
                    Field.in("bundle_signer", "subject", Kind.TEXT, true, "CN=Key console, O=Demo Home"));
            case "generate-master-key" -> List.of(Field.of("version", Kind.NUMBER, true, "1"),
                    Field.of("rotate", Kind.BOOLEAN, true, "false"),
                    Field.in("recovery", "threshold", Kind.NUMBER, false, "2"),
                    Field.in("recovery", "holders", Kind.LIST, false, "Bob, Carol, Dave"));
            case "restore-master-key" -> List.of(Field.of("version", Kind.NUMBER, true, "1"),
                    Field.in("bundle_signer", "subject", Kind.TEXT, true, "CN=Key console, O=Demo Home"));
            case "generate-zone-master-key" -> List.of(Field.in("zone", "id", Kind.TEXT, true, "sh-01"),
                    Field.in("zone", "name", Kind.TEXT, true, "Shanghai online nodes"), Field.of("version", Kind.NUMBER, true, "1"),
                    Field.of("components", Kind.NUMBER, false, "3"),
                    Field.of("component_holders", Kind.LIST, false, "Bob, Carol, Dave"),
                    Field.of("transport_key", Kind.TEXT, false, ""));
            case "import-zone-master-key" -> List.of(Field.in("zone", "id", Kind.TEXT, true, "bj-01"),
                    Field.in("zone", "name", Kind.TEXT, true, "Beijing online nodes"), Field.of("version", Kind.NUMBER, true, "1"),
                    Field.of("components", Kind.NUMBER, true, "3"),
                    Field.of("component_kcvs", Kind.LIST, true, "FE1B058031, B82BB83EA1, 989846F53E"),
                    Field.of("kcv", Kind.TEXT, true, "79302E0A7E"));
            case "generate-working-keys" -> List.of(Field.of("zone", Kind.TEXT, true, "sh-01"),
                    Field.of("keys", Kind.BLOCK, true, """
                            - purpose: DEK
                              algorithm: AES-256
                              version: 1
                              valid_from: 2027-01-01T00:00:00Z
                              valid_until: 2028-01-01T00:00:00Z"""));
            case "rotate" -> List.of(Field.of("zone", Kind.TEXT, true, "sh-01"),
                    Field.of("due_within_days", Kind.NUMBER, true, "30"), Field.of("overlap_days", Kind.NUMBER, true, "14"),
                    Field.of("validity_days", Kind.NUMBER, true, "365"));
            case "revoke" -> List.of(Field.of("zone", Kind.TEXT, true, "sh-01"),
                    new Field("keys", Kind.WORD_OR_LIST, true, "", "all"), Field.of("reason", Kind.NOTES, true, ""),
                    Field.of("incident", Kind.TEXT, false, ""));
            case "export-bundle" -> List.of(new Field("zones", Kind.WORD_OR_LIST, true, "*", "*"),
                    Field.of("expires_in_days", Kind.NUMBER, true, "30"), Field.of("output_directory", Kind.TEXT, true, "bundles"));
            // custody changes (issue 16)
            case "replace-card" -> List.of(Field.of("card", Kind.TEXT, true, "demo-card-5"),
                    Field.of("new_card", Kind.TEXT, true, "demo-card-spare"), Field.of("holder", Kind.TEXT, false, ""),
                    Field.of("reason", Kind.NOTES, true, "The card no longer answers in the reader."));
            case "enrol-card" -> List.of(Field.of("holder", Kind.TEXT, true, "Frank"),
                    Field.of("role", Kind.TEXT, false, "KEY_CUSTODIAN"), Field.of("card", Kind.TEXT, true, "demo-card-new"));
            case "unblock-card" -> List.of(Field.of("card", Kind.TEXT, true, "demo-card-2"),
                    Field.of("reason", Kind.NOTES, true, "Three wrong PINs."));
            case "revoke-card" -> List.of(Field.of("card", Kind.TEXT, true, "demo-card-4"),
                    Field.of("reason", Kind.NOTES, true, "The holder left the key management team."));
            case "change-quorum" -> List.of(Field.of("threshold", Kind.NUMBER, true, "3"),
                    Field.of("cards", Kind.LIST, false, ""),
                    Field.in("rule", "roles", Kind.LIST, false, "SECURITY_OFFICER, KEY_CUSTODIAN"),
                    Field.in("rule", "minimum", Kind.BLOCK, false, "- {role: SECURITY_OFFICER, count: 1}"));
            default -> null;
        };
    }

    /** The initial values, by field name. */
    Map<String, String> initialValues() {
        Map<String, String> v = new LinkedHashMap<>();
        fields.forEach(f -> v.put(f.name(), f.initial()));
        return v;
    }

    /** The script the form makes from {@code values} (field name → text as typed). */
    String yaml(Map<String, String> values) {
        StringBuilder y = new StringBuilder("# Written with the console's ceremony wizard; review it before the run.\n");
        y.append("ceremony: ").append(type.yamlName()).append('\n');
        y.append("format: ").append(CeremonyScript.FORMAT).append('\n');
        String openParent = null;
        for (Field f : fields) {
            String v = values.getOrDefault(f.name(), "");
            String value = v == null ? "" : v;
            if (f.kind() == Kind.YAML) {
                if (!value.isBlank()) {
                    y.append(value.stripTrailing()).append('\n');
                }
                openParent = null;
                continue;
            }
            String rendered = render(f, value);
            if (rendered == null) {
                continue;
            }
            int dot = f.name().indexOf('.');
            if (dot > 0) {
                String parent = f.name().substring(0, dot);
                if (!parent.equals(openParent)) {
                    y.append(parent).append(":\n");
                    openParent = parent;
                }
                y.append("  ").append(f.name().substring(dot + 1)).append(':').append(indent(rendered, "  ")).append('\n');
            } else {
                openParent = null;
                y.append(f.name()).append(':').append(rendered).append('\n');
            }
        }
        return y.toString();
    }

    /** The value as it follows "name:" (with its leading space or line break); null to leave the field out. */
    private static String render(Field f, String value) {
        String t = value.strip();
        switch (f.kind()) {
            case TEXT -> {
                return t.isEmpty() ? null : " " + quote(value);
            }
            case NUMBER -> {
                return t.isEmpty() ? null : " " + (t.matches("[0-9]{1,9}") ? t : quote(t));
            }
            case BOOLEAN -> {
                return t.isEmpty() ? null : " " + (t.equals("true") || t.equals("false") ? t : quote(t));
            }
            case LIST -> {
                List<String> items = items(value);
                return items.isEmpty() ? null : " [" + String.join(", ", items.stream().map(ScriptForm::quote).toList()) + "]";
            }
            case WORD_OR_LIST -> {
                if (t.equals(f.word())) {
                    return " " + quote(t);
                }
                List<String> items = items(value);
                return items.isEmpty() ? null : " [" + String.join(", ", items.stream().map(ScriptForm::quote).toList()) + "]";
            }
            case BLOCK -> {
                if (t.isEmpty()) {
                    return null;
                }
                StringBuilder b = new StringBuilder();
                for (String line : value.stripTrailing().split("\n", -1)) {
                    b.append("\n  ").append(line.stripTrailing());
                }
                return b.toString();
            }
            case NOTES -> {
                if (t.isEmpty()) {
                    return null;
                }
                StringBuilder b = new StringBuilder(" |");
                for (String line : value.strip().split("\n", -1)) {
                    b.append("\n  ").append(line.stripTrailing());
                }
                return b.toString();
            }
            default -> throw new IllegalStateException(f.kind().name());
        }
    }

    private static String indent(String rendered, String by) {
        return rendered.replace("\n", "\n" + by);
    }

    private static List<String> items(String value) {
        List<String> out = new ArrayList<>();
        for (String s : value.split(",")) {
            if (!s.strip().isEmpty()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /** A YAML single-quoted scalar: what is typed is what the script says ({@code no} stays text). */
    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    /** Makes the script from {@code values} and runs the real parser on it. */
    Check check(Map<String, String> values) {
        byte[] bytes = yaml(values).getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> byField = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        try {
            return new Check(bytes, ScriptParser.parse(bytes, "wizard"), byField, general);
        } catch (ScriptException e) {
            for (ScriptProblem p : e.problems()) {
                Optional<Field> f = fieldOf(p.path());
                if (f.isPresent()) {
                    byField.computeIfAbsent(f.get().name(), k -> new ArrayList<>()).add(p.toString());
                } else {
                    general.add(p.toString());
                }
            }
            return new Check(bytes, null, byField, general);
        }
    }

    /** The field a problem's path names: the longest field name the path starts with; else the YAML box, if any. */
    Optional<Field> fieldOf(String path) {
        Field best = null;
        for (Field f : fields) {
            String n = f.name();
            if (n.isEmpty()) {
                continue;
            }
            boolean hit = path.equals(n) || path.startsWith(n + ".") || path.startsWith(n + "[")
                    || (n.contains(".") && n.startsWith(path + "."));
            if (hit && (best == null || n.length() > best.name().length())) {
                best = f;
            }
        }
        if (best == null && !path.isEmpty()) {
            best = fields.stream().filter(f -> f.kind() == Kind.YAML).findFirst().orElse(null);
        }
        return Optional.ofNullable(best);
    }
}
