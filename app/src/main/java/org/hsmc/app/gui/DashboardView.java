package org.hsmc.app.gui;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.Zone;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * The dashboard: the key inventory (a virtualised table, fast at 100,000 keys) filtered by zone,
 * purpose and status, keys due for rotation within 30 days first and highlighted; the zones; recent
 * ceremonies.
 */
final class DashboardView implements MainWindow.View {

    static final Duration DUE = Duration.ofDays(30);
    private final MainWindow w;
    private final I18n i18n;
    private final VBox box = new VBox(10);
    private final TableView<WorkingKey> table = new TableView<>();
    private final FilteredList<WorkingKey> filtered = new FilteredList<>(FXCollections.observableArrayList());
    private final ComboBox<String> zone = new ComboBox<>();
    private final ComboBox<String> purpose = new ComboBox<>();
    private final ComboBox<String> status = new ComboBox<>();
    private final ListView<String> zones = new ListView<>();
    private final ListView<String> runs = new ListView<>();
    private final Label count = new Label();
    private Instant now = Instant.now();

    DashboardView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        box.setPadding(new Insets(16));
        table.setId("inventory");
        zone.setId("filter-zone");
        purpose.setId("filter-purpose");
        status.setId("filter-status");
        count.setId("inventory-count");
        String all = i18n.t("dashboard.all");
        purpose.getItems().setAll(all, "DEK", "KEK", "MAC");
        status.getItems().setAll(all, "ACTIVE", "REVOKED");
        status.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(String v) {
                return v == null || v.equals(all) ? v : Words.keyStatus(i18n, v);
            }

            @Override
            public String fromString(String v) {
                return v;
            }
        });
        status.setCellFactory(l -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(String v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty ? null : status.getConverter().toString(v));
            }
        });
        purpose.setValue(all);
        status.setValue(all);
        zone.setValue(all);
        zone.valueProperty().addListener((o, a, b) -> applyFilter());
        purpose.valueProperty().addListener((o, a, b) -> applyFilter());
        status.valueProperty().addListener((o, a, b) -> applyFilter());
        table.getColumns().setAll(List.of(
                column("dashboard.col.key", WorkingKey::id, 220),
                column("dashboard.col.algorithm", WorkingKey::algorithm, 80),
                column("dashboard.col.kcv", WorkingKey::kcv, 100),
                column("dashboard.col.valid_from", k -> when(k.validFrom()), 120),
                column("dashboard.col.valid_until", k -> when(k.validUntil()), 120),
                column("dashboard.col.status", this::statusText, 90),
                column("dashboard.col.run", k -> k.runId().substring(0, Math.min(8, k.runId().length())), 90)));
        table.setItems(filtered);
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(WorkingKey k, boolean empty) {
                super.updateItem(k, empty);
                getStyleClass().removeAll("key-expiring", "key-revoked");
                if (!empty && k != null) {
                    if ("REVOKED".equals(k.status())) {
                        getStyleClass().add("key-revoked");
                    } else if (dueSoon(k)) {
                        getStyleClass().add("key-expiring");
                    }
                }
            }
        });
        HBox filters = new HBox(10, Fit.whole(new Label(i18n.t("dashboard.zone"))), zone, Fit.whole(new Label(i18n.t("dashboard.purpose"))),
                purpose, Fit.whole(new Label(i18n.t("dashboard.status"))), status);
        filters.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        for (ComboBox<String> c : List.of(zone, purpose, status)) {
            c.setMinWidth(Region.USE_PREF_SIZE);
        }
        Fit.wrap(count);
        Fit.wrappingCells(zones, x -> x);
        Fit.wrappingCells(runs, x -> x);
        Fit.fill(table);
        table.setMinWidth(0);
        zones.setId("zones");
        runs.setId("recent-runs");
        zones.setPrefHeight(140);
        runs.setPrefHeight(140);
        VBox z = new VBox(4, new Label(i18n.t("dashboard.zones")), zones);
        VBox r = new VBox(4, new Label(i18n.t("dashboard.recent")), runs);
        HBox.setHgrow(z, Priority.ALWAYS);
        HBox.setHgrow(r, Priority.ALWAYS);
        VBox.setVgrow(table, Priority.ALWAYS);
        Label h = new Label(i18n.t("dashboard.heading"));
        h.getStyleClass().add("title-3");
        box.getChildren().addAll(h, filters, count, table, new HBox(12, z, r));
    }

    private TableColumn<WorkingKey, String> column(String key, Function<WorkingKey, String> value, double width) {
        TableColumn<WorkingKey, String> c = new TableColumn<>(i18n.t(key));
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    /** A validity bound as a person reads it: the day, and the time (UTC) only when it is not midnight. */
    static String when(Instant t) {
        String s = t.toString();
        return s.endsWith("T00:00:00Z") ? s.substring(0, 10) : s.substring(0, Math.min(16, s.length())).replace('T', ' ') + " UTC";
    }

    /** Each column at least as wide as its header and its widest cell (the key ids measured on the rows shown). */
    private void fitColumns(List<WorkingKey> keys) {
        // one pass, no text made per key (100,000 keys are shown on the UI thread)
        String longestId = "";
        boolean fromTimes = false;
        boolean untilTimes = false;
        java.util.Set<String> algorithms = new java.util.HashSet<>();
        java.util.Set<String> statuses = new java.util.HashSet<>();
        for (WorkingKey k : keys) {
            if (k.id().length() > longestId.length()) {
                longestId = k.id();
            }
            fromTimes |= k.validFrom().getEpochSecond() % 86_400 != 0;
            untilTimes |= k.validUntil().getEpochSecond() % 86_400 != 0;
            algorithms.add(k.algorithm());
            statuses.add(k.status());
        }
        var cols = table.getColumns();
        Fit.atLeast(cols.get(0), List.of(longestId));
        Fit.atLeast(cols.get(1), List.copyOf(algorithms));
        Fit.atLeast(cols.get(2), List.of("DDDDDDDDDD"));
        Fit.atLeast(cols.get(3), List.of(fromTimes ? "2000-00-00 00:00 UTC" : "2000-00-00"));
        Fit.atLeast(cols.get(4), List.of(untilTimes ? "2000-00-00 00:00 UTC" : "2000-00-00"));
        Fit.atLeast(cols.get(5), statuses.stream().map(st -> Words.keyStatus(i18n, st) + " *").toList());
        Fit.atLeast(cols.get(6), List.of("DDDDDDDD"));
    }

    boolean dueSoon(WorkingKey k) {
        return "ACTIVE".equals(k.status()) && k.supersededBy() == null && k.validUntil().isBefore(now.plus(DUE));
    }

    @Override
    public Node focusTarget() {
        return table;
    }

    @Override
    public Node node() {
        return box;
    }

    record Data(List<WorkingKey> keys, List<Zone> zones, List<RunRecord> runs) {
    }

    @Override
    public void refresh() {
        ConsoleSession s = w.session();
        w.tasks().run(() -> new Data(sortForDisplay(s.store().read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL)), Instant.now()),
                s.store().read(KeyRecords::zones), new RunJournal(s.store(), s.audit(), s.clock()).recent(15)), this::show,
                e -> w.status(MainWindow.message(e)));
    }

    /** Keys due within 30 days first, then by end of validity: done in the background, off the UI thread. */
    static List<WorkingKey> sortForDisplay(List<WorkingKey> keys, Instant now) {
        Instant limit = now.plus(DUE);
        return keys.stream().sorted(Comparator.comparing((WorkingKey k) -> !("ACTIVE".equals(k.status())
                && k.supersededBy() == null && k.validUntil().isBefore(limit))).thenComparing(WorkingKey::validUntil)).toList();
    }

    /** Shows keys already in display order (see {@link #sortForDisplay}). */
    void show(Data d) {
        now = Instant.now();
        ((javafx.collections.ObservableList<WorkingKey>) filtered.getSource()).setAll(d.keys());
        String all = i18n.t("dashboard.all");
        String selected = zone.getValue();
        zone.getItems().setAll(all);
        d.zones().forEach(z -> zone.getItems().add(z.id()));
        zone.setValue(zone.getItems().contains(selected) ? selected : all);
        zones.getItems().setAll(d.zones().stream().map(z -> z.id() + "  " + z.name() + "  " + Words.keyStatus(i18n, z.status())).toList());
        runs.getItems().setAll(d.runs().stream().map(r -> Words.type(i18n, r.type()) + " — " + Words.runState(i18n, r.state())
                + ": " + r.title()).toList());
        fitColumns(d.keys());
        applyFilter();
    }

    /** A key's status as a word of the screen's language ({@code *}: a newer version exists). */
    String statusText(WorkingKey k) {
        return Words.keyStatus(i18n, k.status()) + (k.supersededBy() != null ? " *" : "");
    }

    private void applyFilter() {
        String all = i18n.t("dashboard.all");
        String z = zone.getValue();
        String p = purpose.getValue();
        String st = status.getValue();
        filtered.setPredicate(k -> (z == null || z.equals(all) || k.zone().equals(z))
                && (p == null || p.equals(all) || k.purpose().name().equals(p))
                && (st == null || st.equals(all) || k.status().equals(st)));
        count.setText(i18n.t("dashboard.count", filtered.size(), filtered.getSource().size()));
    }

    /** For tests and the benchmark: the rows shown now. */
    List<WorkingKey> shown() {
        return List.copyOf(filtered);
    }

}
