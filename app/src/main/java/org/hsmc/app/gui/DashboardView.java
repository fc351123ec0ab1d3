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
                column("dashboard.col.valid_from", k -> k.validFrom().toString(), 170),
                column("dashboard.col.valid_until", k -> k.validUntil().toString(), 170),
                column("dashboard.col.status", k -> k.status() + (k.supersededBy() != null ? " *" : ""), 90),
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
        HBox filters = new HBox(10, new Label(i18n.t("dashboard.zone")), zone, new Label(i18n.t("dashboard.purpose")), purpose,
                new Label(i18n.t("dashboard.status")), status, count);
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
        box.getChildren().addAll(h, filters, table, new HBox(12, z, r));
    }

    private TableColumn<WorkingKey, String> column(String key, Function<WorkingKey, String> value, double width) {
        TableColumn<WorkingKey, String> c = new TableColumn<>(i18n.t(key));
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(value.apply(cd.getValue())));
        c.setPrefWidth(width);
        return c;
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
        zones.getItems().setAll(d.zones().stream().map(z -> z.id() + "  " + z.name() + "  " + z.status()).toList());
        runs.getItems().setAll(d.runs().stream().map(r -> r.type() + "  " + r.state() + "  " + r.title()).toList());
        applyFilter();
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
