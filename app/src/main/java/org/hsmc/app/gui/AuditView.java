package org.hsmc.app.gui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.hsmc.ceremony.audit.AuditEntry;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** The audit viewer: every entry, filtered by a search; verify the whole log with a progress indicator; export it. */
final class AuditView implements MainWindow.View {

    private final MainWindow w;
    private final I18n i18n;
    private final VBox box = new VBox(10);
    private final TableView<AuditEntry> table = new TableView<>();
    private final FilteredList<AuditEntry> filtered = new FilteredList<>(FXCollections.observableArrayList());
    private final TextField search = new TextField();
    private final Label verdict = new Label();
    private final ProgressIndicator busy = new ProgressIndicator();

    @SuppressWarnings("unchecked")
    AuditView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        box.setPadding(new Insets(16));
        table.setId("audit-entries");
        search.setId("audit-search");
        search.setPromptText(i18n.t("audit.search"));
        search.textProperty().addListener((o, a, b) -> applyFilter());
        verdict.setId("audit-verdict");
        Fit.wrap(verdict);
        busy.setVisible(false);
        busy.setPrefSize(22, 22);
        TableColumn<AuditEntry, String> detailsColumn = column("audit.col.details", e -> details(e.detailsJson()), 300);
        table.getColumns().setAll(List.of(column("audit.col.seq", e -> Long.toString(e.seq()), 60),
                column("audit.col.at", AuditEntry::at, 190), column("audit.col.actor", AuditEntry::actor, 110),
                column("audit.col.action", AuditEntry::action, 170), column("audit.col.outcome", e -> Words.outcome(i18n, e.outcome()), 80),
                detailsColumn));
        // the details wrap in their column, which takes the width the others leave
        Fit.wrappingCells(detailsColumn);
        Fit.atLeast(detailsColumn, List.of("0123456789abcdef0123"));
        // who and what wrap too, so that the details keep the room they need
        Fit.wrappingCells((TableColumn<AuditEntry, String>) table.getColumns().get(2));
        Fit.wrappingCells((TableColumn<AuditEntry, String>) table.getColumns().get(3));
        Fit.fill(table);
        // the screen never grows past the window: a table wider than the room scrolls inside itself
        table.setMinWidth(0);
        table.setItems(filtered);
        Button verify = MainWindow.button(i18n.t("audit.verify"), "audit-verify", this::verify);
        Button export = MainWindow.button(i18n.t("audit.export"), "audit-export", this::export);
        HBox bar = new HBox(10, search, verify, busy, export);
        HBox.setHgrow(search, Priority.ALWAYS);
        VBox.setVgrow(table, Priority.ALWAYS);
        Label h = new Label(i18n.t("audit.heading"));
        h.getStyleClass().add("title-3");
        box.getChildren().addAll(h, bar, verdict, table);
    }

    private TableColumn<AuditEntry, String> column(String key, Function<AuditEntry, String> f, double width) {
        TableColumn<AuditEntry, String> c = new TableColumn<>(i18n.t(key));
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(f.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** An entry's details as a person reads them: a space after each field, hashes in groups of four. */
    static String details(String json) {
        return Fit.hashes(json == null ? "" : json.replace(",\"", ", \""));
    }

    /** Each column but the details at least as wide as its header and its widest cell (measured on the longest texts). */
    private void fitColumns(List<AuditEntry> list) {
        var cols = table.getColumns();
        List<Function<AuditEntry, String>> texts = List.of(e -> Long.toString(e.seq()), AuditEntry::at, AuditEntry::actor,
                AuditEntry::action);
        Fit.atLeast(cols.get(4), list.stream().map(AuditEntry::outcome).distinct().map(o -> Words.outcome(i18n, o)).toList());
        for (int i = 0; i < texts.size(); i++) {
            Function<AuditEntry, String> f = texts.get(i);
            String longest = list.stream().map(f).max(java.util.Comparator.comparingInt(String::length)).orElse("");
            // the widest glyphs of a text of that length: measured on the longest text itself and on digits of that length
            if (i >= 2) {
                // actor and action wrap: as wide as their text, up to a width that leaves room for the details
                Fit.atLeast(cols.get(i), List.of(longest.length() > 14 ? longest.substring(0, 14) : longest));
            } else {
                // the longest text, with digits in place of its letters (the widest that length can be in these columns)
                Fit.atLeast(cols.get(i), List.of(longest.replaceAll("[0-9]", "0")));
            }
        }
    }

    @Override
    public Node focusTarget() {
        return search;
    }

    @Override
    public Node node() {
        return box;
    }

    @Override
    public void refresh() {
        ConsoleSession s = w.session();
        w.tasks().run(() -> s.audit().entries(1, Long.MAX_VALUE), list -> {
            ((javafx.collections.ObservableList<AuditEntry>) filtered.getSource()).setAll(list);
            fitColumns(list);
            applyFilter();
        }, e -> w.status(MainWindow.message(e)));
    }

    private void applyFilter() {
        String q = search.getText() == null ? "" : search.getText().toLowerCase(Locale.ROOT).trim();
        filtered.setPredicate(e -> q.isEmpty() || (e.action() + " " + e.actor() + " " + e.detailsJson() + " " + e.outcome())
                .toLowerCase(Locale.ROOT).contains(q));
    }

    void verify() {
        busy.setVisible(true);
        verdict.setText(i18n.t("audit.verifying"));
        ConsoleSession s = w.session();
        w.tasks().run(() -> s.audit().verify(Optional.empty()), v -> {
            busy.setVisible(false);
            verdict.setText(Fit.hashes(v.intact() ? i18n.t("audit.intact", v.entriesChecked(), v.message())
                    : i18n.t("audit.broken", v.message())));
            verdict.getStyleClass().setAll("label", v.intact() ? "success" : "danger");
            w.showBadge(v);
        }, e -> {
            busy.setVisible(false);
            verdict.setText(MainWindow.message(e));
        });
    }

    private void export() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(i18n.t("audit.export"));
        java.io.File f = chooser.showSaveDialog(box.getScene().getWindow());
        if (f != null) {
            exportTo(f.toPath());
        }
    }

    void exportTo(Path file) {
        ConsoleSession s = w.session();
        w.tasks().run(() -> s.audit().export(file), summary -> verdict.setText(i18n.t("audit.exported", summary.entries(), file)),
                e -> verdict.setText(MainWindow.message(e)));
    }
}
