package org.hsmc.app.gui;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads (without initialising) the classes the screens need, on the background thread that opens the home, so
 * that the UI thread does not read and define them in the middle of a pulse: class loading was the largest part
 * of the longest UI stall on the demo path (ADR 9). Loading a class without initialising it runs none of its
 * code, so it is safe off the JavaFX thread.
 */
final class Preload {

    private static final Logger LOG = LoggerFactory.getLogger(Preload.class);

    /** Our screens, and the JavaFX skins and helpers their first layout needs. */
    static final String[] CLASSES = {
            "org.hsmc.app.gui.DashboardView", "org.hsmc.app.gui.CeremonyView", "org.hsmc.app.gui.AuditView",
            "org.hsmc.app.gui.ReportsView", "org.hsmc.app.gui.ScriptForm", "org.hsmc.app.gui.PdfPages",
            "org.hsmc.app.gui.GuiConsole", "org.hsmc.app.gui.DialogFormPrinter",
            "javafx.scene.control.skin.TableViewSkin", "javafx.scene.control.skin.TableViewSkinBase",
            "javafx.scene.control.skin.TableHeaderRow", "javafx.scene.control.skin.NestedTableColumnHeader",
            "javafx.scene.control.skin.TableColumnHeader", "javafx.scene.control.skin.TableRowSkin",
            "javafx.scene.control.skin.TableCellSkin", "javafx.scene.control.skin.VirtualFlow",
            "javafx.scene.control.skin.ListViewSkin", "javafx.scene.control.skin.ListCellSkin",
            "javafx.scene.control.skin.ComboBoxListViewSkin", "javafx.scene.control.skin.ComboBoxPopupControl",
            "javafx.scene.control.skin.TextAreaSkin", "javafx.scene.control.skin.TextFieldSkin",
            "javafx.scene.control.skin.ScrollPaneSkin", "javafx.scene.control.skin.SplitPaneSkin",
            "javafx.scene.control.skin.ProgressBarSkin", "javafx.scene.control.skin.ProgressIndicatorSkin",
            "javafx.scene.control.skin.CheckBoxSkin", "javafx.scene.control.skin.ScrollBarSkin",
            "javafx.scene.control.TableView", "javafx.scene.control.TableColumn", "javafx.scene.control.SplitPane",
            "javafx.scene.control.TextArea", "javafx.scene.control.ComboBox", "javafx.scene.control.PasswordField",
            "javafx.scene.image.WritableImage", "javafx.animation.PauseTransition",
            "org.hsmc.ceremony.script.ScriptParser", "org.apache.pdfbox.rendering.PDFRenderer",
    };

    private Preload() {
    }

    static void classes() {
        ClassLoader cl = Preload.class.getClassLoader();
        long t0 = System.nanoTime();
        for (String name : CLASSES) {
            try {
                Class.forName(name, false, cl);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("not preloaded: {}", name, e);
            }
        }
        LOG.debug("preloaded {} classes in {} ms", CLASSES.length, (System.nanoTime() - t0) / 1_000_000);
    }
}
