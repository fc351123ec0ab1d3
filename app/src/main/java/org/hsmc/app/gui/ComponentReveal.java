package org.hsmc.app.gui;

import javafx.geometry.Insets;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.text.Text;

import java.util.ArrayList;
import java.util.List;

/**
 * A key component on the screen, in groups of four hex digits that wrap with the width, without the digits ever
 * being put into a {@code String}: each digit is its own {@link Text} node, whose text is one of the sixteen constant
 * strings "0" … "F" (literals that exist in every JVM whatever the key). The secret is only the order in which those
 * constants are attached to the nodes; {@link #hide()} detaches them all. See ADR 0012 for what JavaFX itself keeps.
 */
final class ComponentReveal {

    /** The sixteen digits as constants: choosing one of them copies no secret into a new object. */
    private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"};
    private static final String HIDDEN = "•";

    private final FlowPane pane = new FlowPane(14, 8);
    private final List<Text> cells = new ArrayList<>();

    /** A hidden component of {@code digits} hex digits. */
    ComponentReveal(int digits) {
        pane.setId("component-value");
        pane.getStyleClass().add("component-value");
        pane.setPadding(new Insets(6, 0, 6, 0));
        pane.setMinHeight(Region.USE_PREF_SIZE);
        HBox group = null;
        for (int i = 0; i < digits; i++) {
            if (i % 4 == 0) {
                group = new HBox(1);
                group.getStyleClass().add("component-group");
                pane.getChildren().add(group);
            }
            Text t = new Text(HIDDEN);
            t.getStyleClass().add("component-digit");
            cells.add(t);
            group.getChildren().add(t);
        }
    }

    FlowPane node() {
        return pane;
    }

    /**
     * Shows the hex digits of {@code groups} (upper or lower case; spaces and line breaks between them are skipped).
     * The caller still owns and wipes {@code groups}.
     */
    void reveal(char[] groups) {
        int n = 0;
        for (char c : groups) {
            int v = Character.digit(c, 16);
            if (v >= 0 && n < cells.size()) {
                cells.get(n++).setText(DIGITS[v]);
            }
        }
        if (n != cells.size()) {
            hide();
            throw new IllegalArgumentException("a component of " + cells.size() + " digits was expected, " + n + " came");
        }
    }

    /** Puts the mask back on every digit. */
    void hide() {
        cells.forEach(t -> t.setText(HIDDEN));
    }

    /** Whether the digits are on the screen. */
    boolean revealed() {
        return !cells.isEmpty() && !HIDDEN.equals(cells.getFirst().getText());
    }

    /** The digit nodes, in order (tests read what a holder would see). */
    List<Text> cells() {
        return List.copyOf(cells);
    }
}
