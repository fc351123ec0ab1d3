package org.hsmc.app.gui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.reports.AuditExtract;
import org.hsmc.reports.CeremonyReport;
import org.hsmc.reports.InventoryReport;
import org.hsmc.reports.RenderedReport;
import org.hsmc.reports.ReportData;
import org.hsmc.reports.ReportFiles;
import org.hsmc.reports.ReportLanguage;
import org.hsmc.reports.pdf.FontFiles;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reports: the ceremony report of a run, an audit extract (all of it, or a range of entries or days) or the key
 * inventory, in English or Chinese; previewed page by page, printed through the system print dialog, or saved as
 * PDF (the ceremony report with its JSON companion beside it). Rendering and saving happen in the background; the
 * file chosen is never overwritten.
 */
final class ReportsView implements MainWindow.View {

    enum Kind { CEREMONY, AUDIT, INVENTORY }

    /** Pages previewed at most (the saved and printed report has them all). */
    static final int PREVIEW_PAGES = 12;
    private static final float PREVIEW_DPI = 90;
    private static final float PRINT_DPI = 200;

    private final MainWindow w;
    private final I18n i18n;
    private final VBox box = new VBox(10);
    private final ComboBox<Kind> kind = new ComboBox<>();
    private final ComboBox<RunRecord> run = new ComboBox<>();
    private final TextField from = new TextField();
    private final TextField to = new TextField();
    private final TextField dueDays = new TextField("30");
    private final ComboBox<ReportLanguage> language = new ComboBox<>();
    private final TextField path = new TextField();
    private final Label status = new Label();
    private final VBox pages = new VBox(12);
    private final GridPane options = new GridPane();
    private final Button previewButton = new Button();
    private final Button print = new Button();
    private final Button save = new Button();
    private RenderedReport report;
    private String wantedRun;
    /** A report is being made: a second Preview waits (the button keeps the focus, so it is not disabled). */
    private boolean rendering;

    ReportsView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        box.setPadding(new Insets(16));
        kind.setId("report-kind");
        kind.getItems().setAll(Kind.values());
        kind.setConverter(converter(k -> switch (k) {
            case CEREMONY -> i18n.t("reports.kind.ceremony");
            case AUDIT -> i18n.t("reports.kind.audit");
            case INVENTORY -> i18n.t("reports.kind.inventory");
        }));
        kind.setValue(Kind.CEREMONY);
        kind.valueProperty().addListener((o, a, b) -> {
            layoutOptions();
            changed();
        });
        run.setId("report-run");
        run.setConverter(converter(r -> r.id().substring(0, Math.min(8, r.id().length())) + "  " + Words.type(i18n, r.type()) + " — "
                + Words.runState(i18n, r.state()) + ": " + r.title()));
        run.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(RunRecord r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : run.getConverter().toString(r));
            }
        });
        run.setMaxWidth(Double.MAX_VALUE);
        run.valueProperty().addListener((o, a, b) -> changed());
        from.setId("report-from");
        from.setPromptText(i18n.t("reports.from_prompt"));
        to.setId("report-to");
        to.setPromptText(i18n.t("reports.to_prompt"));
        dueDays.setId("report-due-days");
        from.textProperty().addListener((o, a, b) -> changed());
        to.textProperty().addListener((o, a, b) -> changed());
        dueDays.textProperty().addListener((o, a, b) -> changed());
        language.setId("report-language");
        language.getItems().setAll(ReportLanguage.EN, ReportLanguage.ZH);
        language.setConverter(converter(l -> l == ReportLanguage.ZH ? "中文 (zh)" : "English (en)"));
        language.setValue(i18n.locale().getLanguage().equals("zh") ? ReportLanguage.ZH : ReportLanguage.EN);
        language.valueProperty().addListener((o, a, b) -> changed());
        path.setId("report-path");
        // Enter in the file name saves (the default button, elsewhere on this screen, previews)
        path.setOnAction(e -> saveTo(pathOrNull()));
        path.setPromptText(i18n.t("reports.path_prompt"));
        status.setId("report-status");
        Fit.wrap(status);
        pages.setId("report-pages");
        pages.setAlignment(Pos.TOP_CENTER);
        pages.setPadding(new Insets(10));
        pages.getStyleClass().add("report-pages");

        previewButton.setText(i18n.t("reports.preview"));
        previewButton.setId("report-preview-button");
        previewButton.setDefaultButton(true);
        previewButton.setOnAction(e -> preview());
        print.setText(i18n.t("reports.print"));
        print.setId("report-print");
        print.setOnAction(e -> print());
        save.setText(i18n.t("reports.save"));
        save.setId("report-save");
        save.setOnAction(e -> saveTo(pathOrNull()));
        Button browse = MainWindow.button(i18n.t("reports.browse"), "report-browse", this::browse);
        print.setDisable(true);
        save.setDisable(true);

        options.setHgap(10);
        options.setVgap(8);
        options.setId("report-options");
        layoutOptions();
        HBox actions = new HBox(8, previewButton, print);
        actions.setAlignment(Pos.CENTER_LEFT);
        Label pathLabel = label("reports.path", path);
        HBox saving = new HBox(8, pathLabel, path, browse, save);
        saving.setAlignment(Pos.CENTER_LEFT);
        HBox.setHgrow(path, Priority.ALWAYS);
        ScrollPane scroll = new ScrollPane(pages);
        scroll.setFitToWidth(true);
        scroll.setId("report-scroll");
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Label h = new Label(i18n.t("reports.heading"));
        h.getStyleClass().add("title-3");
        box.getChildren().addAll(h, options, actions, saving, status, scroll);
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> f) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private Label label(String key, Node target) {
        Label l = new Label(i18n.t(key));
        l.setLabelFor(target);
        l.setMnemonicParsing(true);
        return l;
    }

    private void layoutOptions() {
        options.getChildren().clear();
        int row = 0;
        options.addRow(row++, label("reports.kind", kind), kind, label("reports.language", language), language);
        switch (kind.getValue()) {
            case CEREMONY -> options.addRow(row, label("reports.run", run), run);
            case AUDIT -> options.addRow(row, label("reports.from", from), from, label("reports.to", to), to);
            case INVENTORY -> options.addRow(row, label("reports.due_days", dueDays), dueDays);
        }
        GridPane.setColumnSpan(run, 3);
        GridPane.setHgrow(run, Priority.ALWAYS);
    }

    /** The options changed: the preview no longer shows what would be saved. */
    private void changed() {
        if (report != null) {
            report = null;
            pages.getChildren().clear();
            print.setDisable(true);
            save.setDisable(true);
            status.setText(i18n.t("reports.changed"));
        }
    }

    @Override
    public Node node() {
        return box;
    }

    @Override
    public Node focusTarget() {
        return kind;
    }

    @Override
    public void refresh() {
        ConsoleSession s = w.session();
        w.tasks().run(() -> new RunJournal(s.store(), s.audit(), s.clock()).recent(50), runs -> {
            String keep = wantedRun != null ? wantedRun : run.getValue() == null ? null : run.getValue().id();
            run.getItems().setAll(runs);
            runs.stream().filter(r -> r.id().equals(keep)).findFirst().or(() -> runs.stream().findFirst()).ifPresent(run::setValue);
            if (wantedRun != null) {
                wantedRun = null;
                preview();
            }
        }, e -> status.setText(MainWindow.message(e)));
    }

    /** Opens the ceremony report of {@code runId} (from the wizard's outputs) and previews it. */
    void showRun(String runId) {
        kind.setValue(Kind.CEREMONY);
        wantedRun = runId;
    }

    /** The chosen kind (tests and the keyboard path). */
    void choose(Kind k, ReportLanguage lang) {
        kind.setValue(k);
        language.setValue(lang);
    }

    private Path pathOrNull() {
        String p = path.getText() == null ? "" : path.getText().strip();
        return p.isEmpty() ? null : Path.of(p);
    }

    /** What the preview shows now, rendered: its report and its page images. */
    record Rendered(RenderedReport report, List<WritableImage> images, String suggestedName) {
    }

    void preview() {
        if (rendering) {
            return;
        }
        Kind k = kind.getValue();
        ReportLanguage lang = language.getValue();
        RunRecord r = run.getValue();
        ReportData.AuditRange range;
        int due;
        try {
            range = k == Kind.AUDIT ? range(from.getText(), to.getText()) : null;
            due = k == Kind.INVENTORY ? days(dueDays.getText()) : 30;
        } catch (IllegalArgumentException e) {
            status.setText(e.getMessage());
            status.getStyleClass().setAll("label", "danger");
            return;
        }
        if (k == Kind.CEREMONY && r == null) {
            status.setText(i18n.t("reports.no_run"));
            status.getStyleClass().setAll("label", "danger");
            return;
        }
        status.setText(i18n.t("reports.rendering"));
        status.getStyleClass().setAll("label");
        rendering = true;
        ConsoleSession s = w.session();
        w.tasks().run(() -> {
            ReportData data = new ReportData(s.store());
            Instant now = Instant.now();
            RenderedReport rr = switch (k) {
                case CEREMONY -> CeremonyReport.render(data.ceremony(r.id()), lang, now, FontFiles.locate());
                case AUDIT -> AuditExtract.render(data.auditExtract(range), lang, now, FontFiles.locate());
                case INVENTORY -> InventoryReport.render(data.inventory(now, due), lang, now, FontFiles.locate());
            };
            String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
            String name = switch (k) {
                case CEREMONY -> "ceremony-" + r.id().substring(0, Math.min(8, r.id().length()));
                case AUDIT -> "audit-extract";
                case INVENTORY -> "inventory";
            } + "-" + lang.code() + "-" + stamp + ".pdf";
            return new Rendered(rr, PdfPages.render(rr.pdf(), PREVIEW_DPI, 0, PREVIEW_PAGES - 1), name);
        }, this::showRendered, e -> {
            rendering = false;
            status.setText(i18n.t("reports.failed", MainWindow.message(e)));
            status.getStyleClass().setAll("label", "danger");
        });
    }

    private void showRendered(Rendered x) {
        rendering = false;
        report = x.report();
        pages.getChildren().clear();
        for (WritableImage img : x.images()) {
            ImageView v = new ImageView(img);
            v.setPreserveRatio(true);
            v.getStyleClass().add("report-page");
            pages.getChildren().add(v);
        }
        print.setDisable(false);
        save.setDisable(false);
        status.getStyleClass().setAll("label");
        status.setText(i18n.t("reports.ready", report.pages(), Fit.grouped(report.sha256()))
                + (report.pages() > PREVIEW_PAGES ? "  " + i18n.t("reports.preview_limited", PREVIEW_PAGES) : ""));
        String current = path.getText() == null ? "" : path.getText().strip();
        if (current.isEmpty() || current.startsWith(w.session().home().resolve("reports").toString())) {
            path.setText(w.session().home().resolve("reports").resolve(x.suggestedName()).toString());
        }
    }

    /** The report previewed now, or null (tests). */
    RenderedReport report() {
        return report;
    }

    private void browse() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(i18n.t("reports.save").replace("_", ""));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("PDF", "*.pdf"));
        Path current = pathOrNull();
        if (current != null && current.getParent() != null && current.getParent().toFile().isDirectory()) {
            chooser.setInitialDirectory(current.getParent().toFile());
            chooser.setInitialFileName(current.getFileName().toString());
        }
        java.io.File f = chooser.showSaveDialog(box.getScene().getWindow());
        if (f != null) {
            path.setText(f.getAbsolutePath());
        }
    }

    /** Saves the previewed report as {@code file} (and, for a ceremony report, its JSON companion beside it). */
    void saveTo(Path file) {
        RenderedReport r = report;
        if (r == null) {
            status.setText(i18n.t("reports.preview_first"));
            return;
        }
        if (file == null) {
            status.setText(i18n.t("reports.no_path"));
            status.getStyleClass().setAll("label", "danger");
            return;
        }
        boolean companion = kind.getValue() == Kind.CEREMONY;
        w.tasks().run(() -> ReportFiles.write(r, file, companion), written -> {
            status.getStyleClass().setAll("label", "success");
            status.setText(i18n.t("reports.saved", String.join(", ", written.stream().map(Path::toString).toList()), Fit.grouped(r.sha256())));
            w.status(i18n.t("reports.saved_short", file));
        }, e -> {
            status.getStyleClass().setAll("label", "danger");
            status.setText(MainWindow.message(e));
        });
    }

    private void print() {
        RenderedReport r = report;
        if (r == null) {
            return;
        }
        status.setText(i18n.t("reports.preparing_print"));
        w.tasks().run(() -> PdfPages.render(r.pdf(), PRINT_DPI), images -> {
            FxPrinting.Outcome o = FxPrinting.print(box.getScene().getWindow(), i18n.t("reports.heading"), images);
            status.setText(switch (o) {
                case PRINTED -> i18n.t("reports.printed", r.pages());
                case CANCELLED -> i18n.t("reports.print_cancelled");
                case NO_PRINTER -> i18n.t("reports.no_printer");
                case FAILED -> i18n.t("reports.print_failed");
            });
            status.getStyleClass().setAll("label", o == FxPrinting.Outcome.PRINTED ? "success" : "danger");
        }, e -> status.setText(MainWindow.message(e)));
    }

    /** An audit range from the two fields: entry numbers, or days (yyyy-mm-dd, UTC), or empty for the whole log. */
    ReportData.AuditRange range(String fromText, String toText) {
        String f = fromText == null ? "" : fromText.strip();
        String t = toText == null ? "" : toText.strip();
        boolean fromDate = f.contains("-");
        boolean toDate = t.contains("-");
        if (!f.isEmpty() && !t.isEmpty() && fromDate != toDate) {
            throw new IllegalArgumentException(i18n.t("reports.range_mixed"));
        }
        if (fromDate || toDate) {
            return new ReportData.AuditRange.ByDate(date(f), date(t));
        }
        return new ReportData.AuditRange.BySequence(seq(f), seq(t));
    }

    private LocalDate date(String s) {
        if (s.isEmpty()) {
            return null;
        }
        try {
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(i18n.t("reports.bad_date", s));
        }
    }

    private Long seq(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (!s.matches("\\d{1,18}")) {
            throw new IllegalArgumentException(i18n.t("reports.bad_seq", s));
        }
        return Long.valueOf(s);
    }

    private int days(String s) {
        String d = s == null ? "" : s.strip();
        if (!d.matches("\\d{1,4}")) {
            throw new IllegalArgumentException(i18n.t("reports.bad_days", d));
        }
        return Integer.parseInt(d);
    }
}
