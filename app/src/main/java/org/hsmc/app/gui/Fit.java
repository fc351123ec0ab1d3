package org.hsmc.app.gui;

import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

import java.nio.file.Path;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a person must read is never cut with "…": hashes in groups of four (so they wrap as components do), labels
 * that wrap and keep the height they need, list and table cells that wrap inside their width, and table columns at
 * least as wide as their content that together fill the table. {@code NothingCutTest} walks every screen with these.
 */
final class Fit {

    private static final Pattern HASH = Pattern.compile("(?<![0-9A-Fa-f])([0-9A-Fa-f]{32,128})(?![0-9A-Fa-f])");
    /** Room a table cell needs around its text (padding, a sort arrow in the header). */
    private static final double CELL_PADDING = 28;

    private Fit() {
    }

    /** {@code text} with every hash (32 to 128 hex digits in a run) split into groups of four, as components are. */
    static String hashes(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = HASH.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(b, Matcher.quoteReplacement(grouped(m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** {@code hex} in groups of four, a space between. */
    static String grouped(String hex) {
        StringBuilder b = new StringBuilder(hex.length() + hex.length() / 4);
        for (int i = 0; i < hex.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                b.append(' ');
            }
            b.append(hex.charAt(i));
        }
        return b.toString();
    }

    /** A file as a person reads it: relative to the console's home when it lies in there. */
    static String path(Path home, Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path h = home.toAbsolutePath().normalize();
        return abs.startsWith(h) ? h.relativize(abs).toString() : abs.toString();
    }

    /** A label that wraps and is never made shorter than its text needs. */
    static <L extends Label> L wrap(L l) {
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        return l;
    }

    /** A label that is never made narrower than its text (short captions beside fields). */
    static <L extends Label> L whole(L l) {
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    /** List cells whose text wraps inside the list's width, however long. */
    static <T> void wrappingCells(ListView<T> list, java.util.function.Function<T, String> text) {
        list.setCellFactory(l -> new ListCell<>() {
            private final Text t = new Text();

            {
                t.wrappingWidthProperty().bind(list.widthProperty().subtract(36));
                t.getStyleClass().add("cell-text");
                setPrefWidth(0);
            }

            @Override
            protected void updateItem(T item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                if (empty || item == null) {
                    setGraphic(null);
                } else {
                    t.setText(hashes(text.apply(item)));
                    setGraphic(t);
                }
            }
        });
    }

    /** Table cells whose text wraps inside the column's width. */
    static <S> void wrappingCells(TableColumn<S, String> column) {
        column.setCellFactory(c -> new TableCell<>() {
            private final Text t = new Text();

            {
                t.wrappingWidthProperty().bind(column.widthProperty().subtract(14));
                t.getStyleClass().add("cell-text");
            }

            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(null);
                setGraphic(empty || item == null ? null : t);
                if (!empty && item != null) {
                    t.setText(item);
                }
            }
        });
    }

    /** The width {@code text} needs in the default font (and {@code extra} around it). */
    static double width(String text) {
        Text t = new Text(text);
        t.setFont(javafx.scene.text.Font.font(javafx.scene.text.Font.getDefault().getFamily(), 14));
        return Math.ceil(t.getLayoutBounds().getWidth());
    }

    /** The column is at least as wide as its header and the widest of {@code samples}. */
    static void atLeast(TableColumn<?, ?> column, Collection<String> samples) {
        double w = width(column.getText());
        for (String s : samples) {
            w = Math.max(w, width(s));
        }
        column.setMinWidth(w + CELL_PADDING);
        column.setPrefWidth(Math.max(column.getPrefWidth(), w + CELL_PADDING));
    }

    /** The columns fill the table's width (each keeping at least its minimum). */
    static void fill(TableView<?> table) {
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    }
}
