package org.hsmc.app.gui;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A list of objects of a script (the keys of a working-key ceremony, the custodians of initialize) edited as rows of
 * typed fields, one column per field, with a button to add a row and one per row to remove it. What it holds is
 * written as the same YAML block the parser reads ({@link #yaml()}), so the script the quorum signs is still the
 * checked one.
 */
final class RowEditor {

    /** A column: its YAML name, its heading, and the values to choose from (empty: typed text). */
    record Column(String name, String heading, List<String> choices, Function<String, String> shown) {
        static Column text(String name, String heading) {
            return new Column(name, heading, List.of(), x -> x);
        }

        static Column choice(String name, String heading, List<String> choices, Function<String, String> shown) {
            return new Column(name, heading, choices, shown);
        }
    }

    private final String id;
    private final List<Column> columns;
    private final I18n i18n;
    private final Runnable changed;
    private final VBox box = new VBox(6);
    private final VBox rowsBox = new VBox(6);
    private final List<Map<String, Control>> rows = new ArrayList<>();

    RowEditor(String id, List<Column> columns, String initialYaml, I18n i18n, Runnable changed) {
        this.id = id;
        this.columns = List.copyOf(columns);
        this.i18n = i18n;
        this.changed = changed;
        box.setId(id);
        Button add = MainWindow.button(i18n.t("rows.add"), id + "-add", () -> {
            addRow(Map.of());
            changed.run();
        });
        box.getChildren().setAll(rowsBox, add);
        for (Map<String, String> row : parse(initialYaml)) {
            addRow(row);
        }
        layout();
    }

    VBox node() {
        return box;
    }

    int size() {
        return rows.size();
    }

    /** The control of {@code column} in row {@code row} (tests). */
    Control cell(int row, String column) {
        return rows.get(row).get(column);
    }

    /** Adds a row with {@code values} (missing ones empty, or the first choice). */
    void addRow(Map<String, String> values) {
        Map<String, Control> row = new LinkedHashMap<>();
        int index = rows.size();
        for (Column c : columns) {
            String v = values.getOrDefault(c.name(), "");
            Control control;
            if (c.choices().isEmpty()) {
                TextField t = new TextField(v);
                t.setPrefColumnCount(Math.max(5, v.length() * 4 / 5));
                t.textProperty().addListener((o, a, b) -> changed.run());
                control = t;
            } else {
                ComboBox<String> combo = new ComboBox<>();
                combo.getItems().setAll(c.choices());
                if (!v.isEmpty() && !combo.getItems().contains(v)) {
                    combo.getItems().add(v);
                }
                StringConverter<String> conv = new StringConverter<>() {
                    @Override
                    public String toString(String s) {
                        return s == null ? null : c.shown().apply(s);
                    }

                    @Override
                    public String fromString(String s) {
                        return s;
                    }
                };
                combo.setConverter(conv);
                combo.setCellFactory(l -> new ListCell<>() {
                    @Override
                    protected void updateItem(String item, boolean empty) {
                        super.updateItem(item, empty);
                        setText(empty ? null : conv.toString(item));
                    }
                });
                combo.setValue(v.isEmpty() ? c.choices().getFirst() : v);
                combo.valueProperty().addListener((o, a, b) -> changed.run());
                control = combo;
            }
            control.setId(id + "-" + index + "-" + c.name().replace('_', '-'));
            control.setAccessibleText(c.heading() + " " + (index + 1));
            row.put(c.name(), control);
        }
        rows.add(row);
        layout();
    }

    private void remove(Map<String, Control> row) {
        rows.remove(row);
        layout();
        changed.run();
    }

    /** Each row is a band of captioned fields that wraps with the form's width, with its remove button at the end. */
    private void layout() {
        rowsBox.getChildren().clear();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, Control> row = rows.get(r);
            FlowPane band = new FlowPane(10, 4);
            band.getStyleClass().add("row-band");
            band.prefWrapLengthProperty().bind(box.widthProperty().subtract(20));
            int c = 0;
            for (Control control : row.values()) {
                Label h = Fit.whole(new Label(columns.get(c++).heading()));
                h.getStyleClass().add("text-muted");
                h.setLabelFor(control);
                HBox pair = new HBox(4, h, control);
                pair.setAlignment(Pos.CENTER_LEFT);
                band.getChildren().add(pair);
            }
            Button remove = MainWindow.button(i18n.t("rows.remove"), id + "-remove-" + r, () -> remove(row));
            remove.setAccessibleText(i18n.t("rows.remove") + " " + (r + 1));
            band.getChildren().add(remove);
            rowsBox.getChildren().add(band);
        }
    }

    private static String valueOf(Control c) {
        if (c instanceof TextField t) {
            return t.getText() == null ? "" : t.getText().strip();
        }
        @SuppressWarnings("unchecked")
        ComboBox<String> combo = (ComboBox<String>) c;
        return combo.getValue() == null ? "" : combo.getValue();
    }

    /** The rows as the YAML block under the field: "- name: value" and "  name: value" lines; empty values are left out. */
    String yaml() {
        StringBuilder b = new StringBuilder();
        for (Map<String, Control> row : rows) {
            boolean first = true;
            for (Map.Entry<String, Control> e : row.entrySet()) {
                String v = valueOf(e.getValue());
                if (v.isEmpty()) {
                    continue;
                }
                b.append(first ? "- " : "  ").append(e.getKey()).append(": ").append(scalar(v)).append('\n');
                first = false;
            }
            if (first) {
                b.append("- {}\n");
            }
        }
        return b.toString().stripTrailing();
    }

    /** A plain scalar where YAML reads it back as the same text or number; quoted otherwise. */
    private static String scalar(String v) {
        if (v.matches("[A-Za-z0-9][A-Za-z0-9 ._:/+-]*") && !v.contains(": ") && !v.endsWith(":")
                && !v.matches("(?i)yes|no|on|off|true|false|null|~")) {
            return v;
        }
        return ScriptForm.quote(v);
    }

    /** Reads the simple block the forms start with ("- a: b" / "  c: d" lines) into rows. */
    static List<Map<String, String>> parse(String yaml) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> row = null;
        for (String line : yaml == null ? new String[0] : yaml.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String t = line.strip();
            if (t.startsWith("- ")) {
                row = new LinkedHashMap<>();
                out.add(row);
                t = t.substring(2).strip();
            }
            int colon = t.indexOf(':');
            if (row != null && colon > 0) {
                String v = t.substring(colon + 1).strip();
                if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
                    v = v.substring(1, v.length() - 1).replace("''", "'");
                }
                row.put(t.substring(0, colon).strip(), v);
            }
        }
        return out;
    }
}
