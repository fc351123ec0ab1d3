package org.hsmc.app.gui;

import javafx.animation.PauseTransition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.Duration;
import org.hsmc.app.cli.FormPrinter;
import org.hsmc.ceremony.bundle.BundleRecord;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.CeremonyRuns;
import org.hsmc.ceremony.run.PinRefusal;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.CeremonyType;
import org.hsmc.ceremony.script.GenerateZoneMasterKeyScript;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.script.ZmkDelivery;
import org.hsmc.reports.CeremonyReport;
import org.hsmc.reports.ReportData;
import org.hsmc.reports.ReportLanguage;
import org.hsmc.reports.pdf.FontFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The ceremony wizard, in four pages:
 * <ol>
 *   <li><b>Choose</b> a ceremony type (every {@link CeremonyType}), or a reviewed script (the examples folder, or a file);</li>
 *   <li><b>Parameters</b> of the type, checked as they are typed by the real script parser, each problem next to its field;</li>
 *   <li><b>Review</b>: the script and its SHA-256, the participants and witnesses, the quorum it needs;</li>
 *   <li><b>Run</b>: the quorum card by card, the steps as a checklist the operator ticks, live progress, PIN and component
 *       prompts; at the end the outputs: component forms printed, bundles written (with SHA-256), and page 1 of the report.</li>
 * </ol>
 * Everything that touches a token or the store runs in the background; a generated script is saved in the home's
 * {@code scripts/} folder (never over a file) before it runs, so the run's source is a file a person can read again.
 */
final class CeremonyView implements MainWindow.View, GuiConsole.Screen {

    enum Page { CHOOSE, PARAMETERS, REVIEW, RUN }

    static final String SCRIPTS_FOLDER = "scripts";
    private static final float PREVIEW_DPI = 72;

    private final MainWindow w;
    private final I18n i18n;
    private final BorderPane root = new BorderPane();
    private final HBox stepBar = new HBox(6);
    private final Button back = new Button();
    private final Button next = new Button();
    private Page page = Page.CHOOSE;

    // choose
    private final VBox choosePage = new VBox(8);
    private final ListView<CeremonyType> types = new ListView<>();
    private final ListView<Path> scripts = new ListView<>();

    // parameters
    private final BorderPane parametersPage = new BorderPane();
    private final Label formTitle = new Label();
    private final GridPane grid = new GridPane();
    private final Label general = new Label();
    private final TextArea preview = new TextArea();
    private final Map<String, Supplier<String>> inputs = new LinkedHashMap<>();
    private final Map<String, Label> problems = new LinkedHashMap<>();
    private final PauseTransition debounce = new PauseTransition(Duration.millis(120));
    private ScriptForm form;
    private ScriptForm.Check check;
    private long generation;

    // review
    private final VBox reviewPage = new VBox(8);
    private final ScrollPane reviewScroll = new ScrollPane(reviewPage);
    private final Label review = new Label();
    private final Label participants = new Label();
    private final Label quorum = new Label();
    private final Label sha = new Label();
    private final Label source = new Label();
    private final TextArea text = new TextArea();
    private final Button run = new Button();

    // run and outputs
    private final SplitPane runPage = new SplitPane();
    private final ListView<String> steps = new ListView<>();
    private final ProgressBar progress = new ProgressBar(0);
    private final Label progressText = new Label();
    private final VBox interaction = new VBox(8);
    private final Label result = new Label();
    private final ListView<String> refusals = new ListView<>();
    private final ListView<String> approvals = new ListView<>();
    private final ListView<String> forms = new ListView<>();
    private final ListView<String> bundles = new ListView<>();
    private final ImageView reportPreview = new ImageView();
    private final Label reportNote = new Label();
    private final Button openReport = new Button();

    private Selected selected;
    private boolean running;
    private String lastRunId;

    /** A script chosen for review: its file (null while a generated one is not saved yet), its bytes, and the parse. */
    record Selected(Path path, byte[] bytes, ParsedScript parsed) {
    }

    CeremonyView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        buildChoose();
        buildParameters();
        buildReview();
        buildRun();
        stepBar.setId("wizard-steps");
        stepBar.setAlignment(Pos.CENTER_LEFT);
        stepBar.setPadding(new Insets(10, 12, 0, 12));
        back.setText(i18n.t("wizard.back"));
        back.setId("wizard-back");
        back.setMnemonicParsing(true);
        back.setCancelButton(true);
        back.setOnAction(e -> back());
        next.setText(i18n.t("wizard.next"));
        next.setId("wizard-next");
        next.setMnemonicParsing(true);
        next.setOnAction(e -> next());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox buttons = new HBox(8, spacer, back, next);
        buttons.setPadding(new Insets(8, 12, 10, 12));
        root.setTop(stepBar);
        root.setBottom(buttons);
        show(Page.CHOOSE);
    }

    // ------------------------------------------------------------------ pages

    private void buildChoose() {
        types.setId("types");
        types.getItems().setAll(CeremonyType.values());
        types.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(CeremonyType t, boolean empty) {
                super.updateItem(t, empty);
                setText(empty || t == null ? null : Words.type(i18n, t) + "  —  " + describe(t));
            }
        });
        types.setPrefHeight(230);
        types.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && types.getSelectionModel().getSelectedItem() != null) {
                e.consume();
                next();
            }
        });
        types.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                next();
            }
        });
        types.getSelectionModel().selectedItemProperty().addListener((o, a, t) -> {
            if (t != null) {
                scripts.getSelectionModel().clearSelection();
            }
            updateButtons();
        });
        scripts.setId("scripts");
        scripts.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(Path p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : p.getFileName().toString());
            }
        });
        scripts.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && scripts.getSelectionModel().getSelectedItem() != null) {
                e.consume();
                next();
            }
        });
        scripts.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2) {
                next();
            }
        });
        scripts.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> {
            if (p != null) {
                types.getSelectionModel().clearSelection();
            }
            updateButtons();
        });
        Label typesLabel = new Label(i18n.t("wizard.choose_type"));
        typesLabel.setLabelFor(types);
        typesLabel.setMnemonicParsing(true);
        Label scriptsLabel = new Label(i18n.t("ceremony.choose"));
        scriptsLabel.setLabelFor(scripts);
        scriptsLabel.setMnemonicParsing(true);
        Button open = MainWindow.button(i18n.t("ceremony.open_file"), "open-script", this::openFile);
        open.setMnemonicParsing(true);
        Label hint = new Label(i18n.t("wizard.choose_hint"));
        hint.getStyleClass().add("text-muted");
        hint.setWrapText(true);
        VBox.setVgrow(scripts, Priority.ALWAYS);
        choosePage.getChildren().setAll(typesLabel, types, scriptsLabel, scripts, open, hint);
        choosePage.setPadding(new Insets(12));
    }

    private void buildParameters() {
        formTitle.getStyleClass().add("title-4");
        formTitle.setId("parameters-title");
        Fit.wrap(formTitle);
        grid.setId("parameters");
        grid.setHgap(10);
        grid.setVgap(6);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        c1.setMinWidth(260);
        grid.getColumnConstraints().setAll(c0, c1);
        general.setId("problems-general");
        general.setWrapText(true);
        general.getStyleClass().add("danger");
        preview.setId("script-preview");
        preview.setEditable(false);
        preview.setFocusTraversable(false);
        preview.getStyleClass().add("monospace");
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        scroll.setFocusTraversable(false);
        VBox left = new VBox(8, formTitle, general, scroll);
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Label previewLabel = Fit.wrap(new Label(i18n.t("wizard.preview")));
        VBox right = new VBox(6, previewLabel, preview);
        VBox.setVgrow(preview, Priority.ALWAYS);
        SplitPane split = new SplitPane(left, right);
        split.setDividerPositions(0.6);
        parametersPage.setCenter(split);
        parametersPage.setPadding(new Insets(12));
        left.setPadding(new Insets(0, 8, 0, 0));
        right.setPadding(new Insets(0, 0, 0, 8));
        debounce.setOnFinished(e -> validate());
    }

    private void buildReview() {
        review.setId("script-review");
        review.setWrapText(true);
        participants.setId("participants");
        participants.setWrapText(true);
        quorum.setId("quorum-rule");
        quorum.setWrapText(true);
        sha.setId("script-sha256");
        sha.getStyleClass().add("monospace");
        Fit.wrap(sha);
        source.setId("script-source");
        source.setWrapText(true);
        source.getStyleClass().add("text-muted");
        text.setEditable(false);
        text.setId("script-text");
        text.getStyleClass().add("monospace");
        run.setText(i18n.t("ceremony.run"));
        run.setId("run-ceremony");
        run.setMnemonicParsing(true);
        run.setDefaultButton(false);
        run.setDisable(true);
        run.setOnAction(e -> start());
        Label ph = new Label(i18n.t("wizard.participants"));
        ph.getStyleClass().add("title-4");
        Label qh = new Label(i18n.t("wizard.quorum"));
        qh.getStyleClass().add("title-4");
        VBox.setVgrow(text, Priority.ALWAYS);
        for (Label l : List.of(review, participants, quorum, source)) {
            l.setMinHeight(Region.USE_PREF_SIZE);
        }
        text.setMinHeight(160);
        reviewPage.getChildren().setAll(review, sha, source, ph, participants, qh, quorum, text, run);
        reviewPage.setPadding(new Insets(12));
        reviewScroll.setFitToWidth(true);
        reviewScroll.setFitToHeight(true);
        reviewScroll.setFocusTraversable(false);
    }

    private void buildRun() {
        steps.setId("steps");
        progress.setId("progress");
        progress.setMaxWidth(Double.MAX_VALUE);
        progressText.setId("progress-text");
        progressText.getStyleClass().add("text-muted");
        interaction.setId("interaction");
        interaction.getStyleClass().add("interaction");
        interaction.setPadding(new Insets(10));
        result.setId("ceremony-result");
        result.setWrapText(true);
        result.setMinHeight(Region.USE_PREF_SIZE);
        refusals.setId("refusals");
        refusals.setPrefHeight(120);
        refusals.setMinHeight(70);
        Fit.wrappingCells(refusals, x -> x);
        Fit.wrappingCells(steps, x -> x);
        approvals.setId("approvals");
        approvals.setPrefHeight(80);
        approvals.setMinHeight(50);
        Fit.wrappingCells(approvals, x -> x);
        Fit.wrap(progressText);
        interaction.setMinHeight(Region.USE_PREF_SIZE);
        VBox left = new VBox(8, new Label(i18n.t("ceremony.steps")), steps, progress, progressText, interaction,
                new Label(i18n.t("ceremony.approvals")), approvals, new Label(i18n.t("ceremony.refusals")), refusals, result);
        VBox.setVgrow(steps, Priority.ALWAYS);
        left.setPadding(new Insets(12));
        forms.setId("outputs-forms");
        forms.setPrefHeight(90);
        forms.setMinHeight(70);
        Fit.wrappingCells(forms, x -> x);
        bundles.setId("outputs-bundles");
        bundles.setPrefHeight(90);
        bundles.setMinHeight(70);
        Fit.wrappingCells(bundles, x -> x);
        reportPreview.setId("report-preview");
        reportPreview.setPreserveRatio(true);
        reportPreview.setFitWidth(380);
        reportNote.setId("report-note");
        Fit.wrap(reportNote);
        reportNote.getStyleClass().add("text-muted");
        openReport.setText(i18n.t("outputs.open_report"));
        openReport.setId("outputs-open-report");
        openReport.setMnemonicParsing(true);
        openReport.setDisable(true);
        openReport.setOnAction(e -> {
            if (lastRunId != null) {
                w.showReports(lastRunId);
            }
        });
        ScrollPane reportScroll = new ScrollPane(reportPreview);
        reportScroll.setFocusTraversable(false);
        Label oh = new Label(i18n.t("outputs.heading"));
        oh.getStyleClass().add("title-4");
        VBox right = new VBox(6, oh, new Label(i18n.t("outputs.forms")), forms, new Label(i18n.t("outputs.bundles")), bundles,
                new Label(i18n.t("outputs.report")), reportNote, reportScroll, openReport);
        VBox.setVgrow(reportScroll, Priority.ALWAYS);
        right.setPadding(new Insets(12));
        runPage.getItems().setAll(left, right);
        runPage.setDividerPositions(0.55);
    }

    private String describe(CeremonyType t) {
        return switch (t.yamlName()) {
            case "initialize" -> i18n.t("type.initialize");
            case "generate-master-key" -> i18n.t("type.generate_master_key");
            case "generate-zone-master-key" -> i18n.t("type.generate_zone_master_key");
            case "import-zone-master-key" -> i18n.t("type.import_zone_master_key");
            case "generate-working-keys" -> i18n.t("type.generate_working_keys");
            case "rotate" -> i18n.t("type.rotate");
            case "revoke" -> i18n.t("type.revoke");
            case "export-bundle" -> i18n.t("type.export_bundle");
            case "replace-card" -> i18n.t("type.replace_card");
            case "enrol-card" -> i18n.t("type.enrol_card");
            case "revoke-card" -> i18n.t("type.revoke_card");
            case "unblock-card" -> i18n.t("type.unblock_card");
            case "change-quorum" -> i18n.t("type.change_quorum");
            default -> i18n.t("type.other");
        };
    }

    void show(Page p) {
        page = p;
        root.setCenter(switch (p) {
            case CHOOSE -> choosePage;
            case PARAMETERS -> parametersPage;
            case REVIEW -> reviewScroll;
            case RUN -> runPage;
        });
        List<String> names = List.of(i18n.t("wizard.step.choose"), i18n.t("wizard.step.parameters"), i18n.t("wizard.step.review"),
                i18n.t("wizard.step.run"));
        stepBar.getChildren().clear();
        for (int i = 0; i < names.size(); i++) {
            Label l = new Label((i + 1) + "  " + names.get(i));
            l.getStyleClass().add(i == p.ordinal() ? "wizard-step-current" : "wizard-step");
            stepBar.getChildren().add(l);
            if (i < names.size() - 1) {
                stepBar.getChildren().add(new Label("›"));
            }
        }
        updateButtons();
        if (root.getScene() != null) {
            // the skins (a scroll pane's content joins the scene only through its skin) must exist to take the focus
            root.applyCss();
            Node now = focusTarget();
            if (now != null) {
                now.requestFocus();
            }
        }
        // and again after the pulse in which the old page left the scene (the scene moves the focus of a removed node then)
        javafx.application.Platform.runLater(() -> {
            if (page == p && root.getScene() != null) {
                Node target = focusTarget();
                if (target != null) {
                    target.requestFocus();
                }
            }
        });
    }

    Page page() {
        return page;
    }

    @Override
    public Node focusTarget() {
        return switch (page) {
            case CHOOSE -> scripts.getSelectionModel().isEmpty() ? types : scripts;
            case PARAMETERS -> grid.getChildren().stream().filter(Node::isFocusTraversable).findFirst().orElse(next);
            case REVIEW -> run;
            case RUN -> null;
        };
    }

    private void updateButtons() {
        back.setVisible(page != Page.CHOOSE && !(page == Page.RUN && running));
        back.setDisable(running);
        boolean canNext = switch (page) {
            case CHOOSE -> types.getSelectionModel().getSelectedItem() != null || scripts.getSelectionModel().getSelectedItem() != null;
            case PARAMETERS -> check != null && check.valid();
            case REVIEW, RUN -> false;
        };
        next.setVisible(page == Page.CHOOSE || page == Page.PARAMETERS);
        next.setDisable(!canNext);
        next.setDefaultButton(page == Page.PARAMETERS);
        run.setDefaultButton(page == Page.REVIEW);
        run.setDisable(running || selected == null);
    }

    private void next() {
        switch (page) {
            case CHOOSE -> {
                CeremonyType t = types.getSelectionModel().getSelectedItem();
                Path p = scripts.getSelectionModel().getSelectedItem();
                if (t != null) {
                    openForm(t);
                } else if (p != null) {
                    load(p);
                }
            }
            case PARAMETERS -> {
                if (check != null && check.valid()) {
                    review(new Selected(null, check.yaml(), check.parsed()));
                }
            }
            default -> {
            }
        }
    }

    private void back() {
        if (running) {
            return;
        }
        switch (page) {
            case PARAMETERS -> show(Page.CHOOSE);
            case REVIEW -> show(selected != null && selected.path() == null && form != null ? Page.PARAMETERS : Page.CHOOSE);
            case RUN -> show(Page.CHOOSE);
            default -> {
            }
        }
    }

    @Override
    public Node node() {
        return root;
    }

    @Override
    public void refresh() {
        if (running) {
            show(Page.RUN);
            return;
        }
        if (page == Page.RUN) {
            show(Page.CHOOSE);
        }
        Path dir = w.options().examples();
        w.tasks().run(() -> {
            if (!Files.isDirectory(dir)) {
                return List.<Path>of();
            }
            try (Stream<Path> s = Files.list(dir)) {
                return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
            }
        }, list -> {
            Path keep = scripts.getSelectionModel().getSelectedItem();
            List<Path> opened = scripts.getItems().stream().filter(p -> !list.contains(p) && !p.startsWith(dir)).toList();
            scripts.getItems().setAll(list);
            scripts.getItems().addAll(opened);
            if (keep != null && scripts.getItems().contains(keep)) {
                scripts.getSelectionModel().select(keep);
            }
        }, e -> w.status(MainWindow.message(e)));
    }

    private void openFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(i18n.t("ceremony.open_file").replace("_", ""));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("YAML", "*.yaml", "*.yml"));
        java.io.File f = chooser.showOpenDialog(root.getScene().getWindow());
        if (f != null) {
            scripts.getItems().add(f.toPath());
            scripts.getSelectionModel().select(f.toPath());
            load(f.toPath());
        }
    }

    // ------------------------------------------------------------------ parameters

    /** Shows the parameter form of {@code type}, filled with the demo's values, and checks it. */
    void openForm(CeremonyType type) {
        form = ScriptForm.of(type);
        check = null;
        inputs.clear();
        problems.clear();
        grid.getChildren().clear();
        formTitle.setText(i18n.t("wizard.parameters_of", Words.type(i18n, type), describe(type)));
        int row = 0;
        if (!form.known()) {
            Label note = new Label(i18n.t("wizard.unknown_type", type.yamlName()));
            note.setWrapText(true);
            note.getStyleClass().add("text-muted");
            grid.add(note, 0, row++, 2, 1);
        }
        for (ScriptForm.Field f : form.fields()) {
            Node input = input(f);
            Label name = new Label((f.name().isEmpty() ? i18n.t("wizard.other_fields") : ParameterWords.label(i18n, f.name()))
                    + (f.required() ? " *" : ""));
            name.setTooltip(new javafx.scene.control.Tooltip(f.name()));
            name.setLabelFor(input);
            Fit.whole(name);
            Label problem = new Label();
            problem.setId("problem-" + f.id());
            problem.setWrapText(true);
            problem.getStyleClass().add("danger");
            problem.setManaged(false);
            problem.setVisible(false);
            problems.put(f.name(), problem);
            GridPane.setHgrow(input, Priority.ALWAYS);
            grid.add(name, 0, row);
            grid.add(input, 1, row++);
            grid.add(problem, 1, row++);
        }
        show(Page.PARAMETERS);
        validate();
    }

    private Node input(ScriptForm.Field f) {
        String id = "param-" + f.id();
        List<RowEditor.Column> columns = ParameterWords.rows(i18n, f.name());
        if (f.kind() == ScriptForm.Kind.BLOCK && !columns.isEmpty()) {
            // a list of objects the form knows: rows of typed fields, written as the block the parser reads
            RowEditor rows = new RowEditor(id, columns, f.initial(), i18n, this::changed);
            inputs.put(f.name(), rows::yaml);
            return rows.node();
        }
        switch (f.kind()) {
            case BOOLEAN -> {
                CheckBox c = new CheckBox();
                c.setId(id);
                c.setSelected("true".equals(f.initial()));
                c.selectedProperty().addListener((o, a, b) -> changed());
                inputs.put(f.name(), () -> Boolean.toString(c.isSelected()));
                return c;
            }
            case BLOCK, NOTES, YAML -> {
                TextArea a = new TextArea(f.initial());
                a.setId(id);
                a.getStyleClass().add("monospace");
                a.setPrefRowCount(f.kind() == ScriptForm.Kind.NOTES ? 3 : 8);
                // Tab moves on (Ctrl+Tab inserts nothing here): the form stays usable from the keyboard
                a.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
                    if (e.getCode() == KeyCode.TAB && !e.isControlDown()) {
                        e.consume();
                        traverse(a, !e.isShiftDown());
                    }
                });
                a.textProperty().addListener((o, x, y) -> changed());
                inputs.put(f.name(), a::getText);
                return a;
            }
            default -> {
                TextField t = new TextField(f.initial());
                t.setId(id);
                if (f.kind() == ScriptForm.Kind.LIST || f.kind() == ScriptForm.Kind.WORD_OR_LIST) {
                    t.setPromptText(f.kind() == ScriptForm.Kind.WORD_OR_LIST ? i18n.t("wizard.word_or_list", f.word())
                            : i18n.t("wizard.list"));
                }
                t.textProperty().addListener((o, x, y) -> changed());
                inputs.put(f.name(), t::getText);
                return t;
            }
        }
    }

    /** Moves the focus on as Ctrl+Tab does in a text area (Tab alone would insert a tab there). */
    private static void traverse(Node from, boolean forward) {
        from.fireEvent(new javafx.scene.input.KeyEvent(javafx.scene.input.KeyEvent.KEY_PRESSED, "", "", KeyCode.TAB,
                !forward, true, false, false));
    }

    private void changed() {
        check = null;
        updateButtons();
        debounce.playFromStart();
    }

    private Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        inputs.forEach((k, s) -> v.put(k, s.get()));
        return v;
    }

    /** Builds the script from the form and runs the parser on it in the background; the newest answer wins. */
    private void validate() {
        ScriptForm f = form;
        Map<String, String> values = values();
        long g = ++generation;
        w.tasks().run(() -> f.check(values), c -> {
            if (g != generation || f != form) {
                return;
            }
            check = c;
            preview.setText(new String(c.yaml(), StandardCharsets.UTF_8));
            problems.forEach((name, label) -> {
                List<String> mine = c.byField().getOrDefault(name, List.of()).stream().map(x -> ParameterWords.problem(i18n, x)).toList();
                label.setText(String.join("\n", mine));
                label.setVisible(!mine.isEmpty());
                label.setManaged(!mine.isEmpty());
            });
            general.setText(c.valid() ? i18n.t("wizard.valid")
                    : String.join("\n", c.general().stream().map(x -> ParameterWords.problem(i18n, x)).toList()));
            general.getStyleClass().setAll("label", c.valid() ? "success" : "danger");
            updateButtons();
        }, e -> general.setText(MainWindow.message(e)));
    }

    /** The parser's verdict shown now (tests). */
    ScriptForm.Check currentCheck() {
        return check;
    }

    // ------------------------------------------------------------------ review

    /** Reads and checks a script file in the background, then shows it for review. */
    void load(Path p) {
        run.setDisable(true);
        form = null;
        w.tasks().run(() -> {
            byte[] bytes = Files.readAllBytes(p);
            return new Selected(p, bytes, ScriptParser.parse(bytes, p.getFileName().toString()));
        }, this::review, e -> {
            selected = null;
            text.setText(readQuietly(p));
            review.setText(i18n.t("ceremony.invalid", MainWindow.message(e)));
            review.getStyleClass().setAll("label", "danger");
            sha.setText("");
            source.setText(p.toString());
            participants.setText("");
            quorum.setText("");
            show(Page.REVIEW);
        });
    }

    private void review(Selected s) {
        selected = s;
        CeremonyScript script = s.parsed().script();
        text.setText(new String(s.bytes(), StandardCharsets.UTF_8));
        review.getStyleClass().setAll("label");
        review.setText(i18n.t("ceremony.review", Words.type(i18n, script.type()) + " (" + script.type().yamlName() + ")", script.title(), script.operator(),
                script.witnesses().isEmpty() ? i18n.t("ceremony.no_witnesses") : String.join(", ", script.witnesses())));
        sha.setText("SHA-256  " + Fit.grouped(HexFormat.of().formatHex(s.parsed().sha256())));
        source.setText(s.path() != null ? i18n.t("wizard.source_file", s.path())
                : i18n.t("wizard.source_generated", w.session().home().resolve(SCRIPTS_FOLDER)));
        participants.setText(participantsOf(script));
        quorum.setText(i18n.t("wizard.quorum_loading"));
        show(Page.REVIEW);
        if (script instanceof InitializeScript init) {
            quorum.setText(i18n.t("wizard.quorum_initialize", init.threshold(), init.custodians().size()));
        } else {
            ConsoleSession session = w.session();
            String op = script.type().yamlName();
            w.tasks().run(() -> session.quorumRule(op), r -> quorum.setText(r.map(q -> i18n.t("wizard.quorum_rule", q.threshold(),
                    q.cards(), Words.policy(i18n, q.policy()), String.join(", ", q.holders().stream().map(h -> holder(h)).toList())))
                    .orElse(i18n.t("wizard.quorum_none"))),
                    e -> quorum.setText(MainWindow.message(e)));
        }
    }

    private String participantsOf(CeremonyScript script) {
        List<String> lines = new ArrayList<>();
        lines.add(i18n.t("wizard.operator", script.operator()));
        lines.add(i18n.t("wizard.witnesses", script.witnesses().isEmpty() ? i18n.t("ceremony.no_witnesses")
                : String.join(", ", script.witnesses())));
        if (script instanceof InitializeScript init) {
            init.custodians().forEach(c -> lines.add(i18n.t("wizard.custodian", c.name(), Words.role(i18n, String.valueOf(c.role())), c.card())));
        }
        if (script instanceof GenerateZoneMasterKeyScript z && z.delivery() instanceof ZmkDelivery.Components comps) {
            lines.add(i18n.t("wizard.holders", comps.count(), String.join(", ", comps.holders())));
        }
        return String.join("\n", lines);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    // ------------------------------------------------------------------ run

    /** Where a generated script is saved before it runs: {@code HOME/scripts/20261123-101500-TYPE.yaml}, never over a file. */
    static Path saveGenerated(Path home, CeremonyType type, byte[] bytes, Instant now) throws IOException {
        Path dir = Files.createDirectories(home.resolve(SCRIPTS_FOLDER));
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now);
        for (int i = 0; ; i++) {
            Path file = dir.resolve(stamp + (i == 0 ? "" : "-" + i) + "-" + type.yamlName() + ".yaml");
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(bytes);
                return file;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // the same second: the next number
            }
        }
    }

    private void start() {
        if (selected == null || running) {
            return;
        }
        Selected s = selected;
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = console(session);
        w.tasks().run(() -> {
            Path path = s.path() != null ? s.path() : saveGenerated(session.home(), s.parsed().script().type(), s.bytes(), Instant.now());
            // the parse the quorum signs is of the exact bytes in that file, under its name
            ParsedScript parsed = s.path() != null ? s.parsed() : ScriptParser.parse(s.bytes(), path.getFileName().toString());
            return runs(session).scriptDirectory(path.toAbsolutePath().getParent()).run(parsed, s.bytes(), console, false);
        }, this::finished, this::failed);
    }

    private GuiConsole console(ConsoleSession session) {
        FormPrinter printer = session.formsToRehearsalFolder() ? session.formPrinter()
                : new DialogFormPrinter(() -> root.getScene().getWindow(), i18n);
        return new GuiConsole(session, this, i18n, printer);
    }

    void resume(RunRecord r) {
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = console(session);
        w.tasks().run(() -> runs(session).resume(r.id(), console), this::finished, this::failed);
    }

    void abort(RunRecord r) {
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = console(session);
        w.tasks().run(() -> runs(session).abort(r.id(), console, i18n.t("ceremony.abort_reason")).run(), this::finished,
                this::failed);
    }

    /**
     * The runner of every ceremony type (initialize, restore-master-key, the engine for the rest), chosen in
     * one place for the window and the command line alike.
     */
    private static CeremonyRuns runs(ConsoleSession session) {
        return new CeremonyRuns(session.store(), session.audit(), session.clock(), new SecureRandom(), session::hsm, session::card,
                session.site()).lmkBackupPolicy(session.lmkBackupPolicy());
    }

    /** Counts runs begun in this view: the outputs of a run are shown only while no later run has begun. */
    private int runsBegun;

    private void begin() {
        running = true;
        runsBegun++;
        lastRunId = null;
        steps.getItems().clear();
        refusals.getItems().clear();
        approvals.getItems().clear();
        forms.getItems().clear();
        bundles.getItems().clear();
        reportPreview.setImage(null);
        reportNote.setText("");
        openReport.setDisable(true);
        result.setText(i18n.t("ceremony.running"));
        result.getStyleClass().setAll("label");
        progress.setProgress(0);
        progressText.setText("");
        interaction.getChildren().clear();
        show(Page.RUN);
    }

    private void finished(RunRecord r) {
        running = false;
        lastRunId = r.id();
        interaction.getChildren().clear();
        result.setText(Fit.hashes(i18n.t("ceremony.finished", Words.runState(i18n, r.state()), r.auditHeadBefore(),
                r.auditHeadAfter() == null ? "-" : r.auditHeadAfter()) + (r.failure() == null ? "" : "\n" + Words.failure(i18n, r.failure()))));
        result.getStyleClass().setAll("label", r.state().name().equals("COMPLETED") ? "success" : "danger");
        progress.setProgress(1);
        updateButtons();
        w.refreshBadge();
        w.status(i18n.t("ceremony.finished_short", Words.type(i18n, r.type()), Words.runState(i18n, r.state())));
        w.refreshStatus();
        outputs(r);
    }

    private void failed(Throwable e) {
        running = false;
        interaction.getChildren().clear();
        result.setText(i18n.t("ceremony.failed", Words.failure(i18n, MainWindow.message(e))));
        result.getStyleClass().setAll("label", "danger");
        updateButtons();
        w.refreshBadge();
        w.refreshStatus();
    }

    /** What the run made, in the background: its bundles, and page 1 of its report as an image. */
    record Outputs(List<BundleRecord> bundles, WritableImage page1, int pages) {
    }

    private void outputs(RunRecord r) {
        ConsoleSession session = w.session();
        ReportLanguage language = i18n.locale().getLanguage().equals("zh") ? ReportLanguage.ZH : ReportLanguage.EN;
        reportNote.setText(i18n.t("outputs.report_rendering"));
        int of = runsBegun;
        w.tasks().run(() -> {
            List<BundleRecord> b = session.store().read(c -> BundleRecords.ofRun(c, r.id()));
            var report = CeremonyReport.render(new ReportData(session.store()).ceremony(r.id()), language, Instant.now(), FontFiles.locate());
            byte[] pdf = report.pdf();
            return new Outputs(b, PdfPages.render(pdf, PREVIEW_DPI * 1.5f, 0, 0).getFirst(), report.pages());
        }, o -> {
            if (of != runsBegun) {
                return; // a later run has begun since: its lists are not this run's
            }
            o.bundles().forEach(b -> bundles.getItems().add(i18n.t("outputs.bundle", Fit.path(session.home(), Path.of(b.directory()).resolve(b.fileName())),
                    b.sequence(), b.keyCount(), b.sha256())));
            if (o.bundles().isEmpty()) {
                bundles.getItems().add(i18n.t("outputs.none"));
            }
            if (forms.getItems().isEmpty()) {
                forms.getItems().add(i18n.t("outputs.none"));
            }
            reportPreview.setImage(o.page1());
            reportNote.setText(i18n.t("outputs.report_page1", o.pages(), r.id()));
            openReport.setDisable(false);
        }, e -> {
            if (of == runsBegun) {
                reportNote.setText(MainWindow.message(e));
            }
        });
    }

    /** The run whose outputs are shown (tests). */
    String lastRunId() {
        return lastRunId;
    }

    // ------------------------------------------------------------------ GuiConsole.Screen

    /** A holder of a card as the review page lists them: name, role in words, card. */
    private String holder(ConsoleSession.Holder h) {
        return i18n.t("wizard.holder", h.name(), Words.role(i18n, h.role()), h.card());
    }

    @Override
    public void askCard(GuiConsole.QuorumView v, CompletableFuture<Optional<GuiConsole.LabelAndPin>> answer) {
        Label head = Fit.wrap(new Label(i18n.t("quorum.heading", Words.type(i18n, v.operation()), v.have(), v.required())));
        head.setId("quorum-progress");
        head.getStyleClass().add("title-4");
        Label policy = Fit.wrap(new Label(i18n.t("quorum.policy", Words.policy(i18n, v.policy()))));
        policy.setId("quorum-policy");
        Label may = Fit.wrap(new Label(v.mayApprove().isEmpty() ? "" : i18n.t("quorum.may_approve", String.join(", ", v.mayApprove()))));
        may.setId("quorum-may-approve");
        may.setVisible(!v.mayApprove().isEmpty());
        may.setManaged(!v.mayApprove().isEmpty());
        Label approved = Fit.wrap(new Label(v.approvals().isEmpty() ? i18n.t("quorum.none_yet")
                : i18n.t("quorum.approved", String.join(", ", v.approvals()))));
        approved.setId("quorum-approvals");
        Label prompt = Fit.wrap(new Label(i18n.t("quorum.insert")));
        ComboBox<String> card = new ComboBox<>();
        card.setId("quorum-card");
        card.getItems().setAll(v.cards());
        card.setPromptText(i18n.t("quorum.card"));
        javafx.util.StringConverter<String> shown = new javafx.util.StringConverter<>() {
            @Override
            public String toString(String label) {
                if (label == null) {
                    return null;
                }
                String who = v.holders().get(label);
                return who == null ? label : i18n.t("quorum.card_of", label, who);
            }

            @Override
            public String fromString(String text) {
                return text;
            }
        };
        card.setConverter(shown);
        card.setCellFactory(l -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : shown.toString(item));
            }
        });
        card.setMinWidth(Region.USE_PREF_SIZE);
        PasswordField pin = new PasswordField();
        pin.setId("quorum-pin");
        pin.setPromptText(i18n.t("quorum.pin"));
        Label cardLabel = Fit.whole(new Label(i18n.t("quorum.card_label")));
        cardLabel.setLabelFor(card);
        cardLabel.setMnemonicParsing(true);
        Label pinLabel = Fit.whole(new Label(i18n.t("quorum.pin_label")));
        pinLabel.setLabelFor(pin);
        pinLabel.setMnemonicParsing(true);
        Button present = MainWindow.button(i18n.t("quorum.present"), "quorum-present", () -> {
            if (card.getValue() == null || pin.getLength() == 0) {
                return;
            }
            answer.complete(Optional.of(new GuiConsole.LabelAndPin(card.getValue(), take(pin))));
            interaction.getChildren().clear();
        });
        present.setDefaultButton(true);
        Button stop = new Button(i18n.t("quorum.stop"));
        stop.setId("quorum-stop");
        stop.setMnemonicParsing(true);
        HBox fields = new HBox(8, cardLabel, card, pinLabel, pin);
        fields.setAlignment(Pos.CENTER_LEFT);
        HBox buttons = new HBox(8, present, stop);
        interaction.getChildren().setAll(head, policy, may, approved, prompt, fields, buttons);
        // stopping ends the quorum and leaves the run to be resumed or aborted: asked once more, inline
        stop.setOnAction(e -> {
            Label really = Fit.wrap(new Label(i18n.t("quorum.stop_confirm")));
            really.setId("quorum-stop-question");
            really.getStyleClass().add("danger");
            Button yes = MainWindow.button(i18n.t("quorum.stop_yes"), "quorum-stop-yes", () -> {
                pin.clear();
                answer.complete(Optional.empty());
                interaction.getChildren().clear();
            });
            yes.setMnemonicParsing(true);
            Button no = MainWindow.button(i18n.t("quorum.stop_no"), "quorum-stop-no", () -> {
                interaction.getChildren().removeAll(really, interaction.lookup("#quorum-stop-buttons"));
                buttons.setDisable(false);
                card.requestFocus();
            });
            no.setMnemonicParsing(true);
            HBox answerButtons = new HBox(8, no, yes);
            answerButtons.setId("quorum-stop-buttons");
            buttons.setDisable(true);
            interaction.getChildren().addAll(really, answerButtons);
            no.requestFocus();
        });
        card.requestFocus();
    }

    @Override
    public void refused(QuorumRefusal r) {
        String tries = r.triesLeft().isPresent() && r.kind() == QuorumRefusal.Kind.WRONG_PIN
                ? "  " + i18n.t("quorum.tries_left", r.triesLeft().getAsInt()) : "";
        refusals.getItems().add(i18n.t("quorum.refused", Words.refusal(i18n, r.kind())) + "  " + Words.failure(i18n, r.getMessage()) + tries);
        refusals.scrollTo(refusals.getItems().size() - 1);
    }

    @Override
    public void pinRefused(PinRefusal r) {
        org.hsmc.ceremony.i18n.Words words = org.hsmc.ceremony.i18n.Words.of(i18n.locale());
        String line = words.pinRefusal(r) + "  " + (r.mayRetry() ? i18n.t("pin.refused.again") : i18n.t("pin.refused.stopped"))
                + (r.details() == null || r.details().isBlank() ? "" : "\n" + words.details(r.details()));
        refusals.getItems().add(line);
        refusals.scrollTo(refusals.getItems().size() - 1);
        w.status(line);
    }

    @Override
    public void approved(QuorumSession.Approval a, int have, int need) {
        approvals.getItems().add(i18n.t("quorum.accepted", a.holder().name(), a.serial(), have, need));
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String res) {
        String line = "[" + number + "] " + name;
        steps.getItems().removeIf(s -> s.startsWith("[" + number + "] ") || s.startsWith("✔ [" + number + "] ")
                || s.startsWith("✘ [" + number + "] ") || s.startsWith("… [" + number + "] "));
        steps.getItems().add(switch (state) {
            case STARTED -> "… " + line;
            case DONE -> "✔ " + line + (res == null ? "" : "  — " + res);
            case FAILED -> "✘ " + line + "  — " + res;
        });
        steps.getItems().sort((x, y) -> Integer.compare(stepNo(x), stepNo(y)));
        // the list follows the step under way
        for (int i = 0; i < steps.getItems().size(); i++) {
            if (stepNo(steps.getItems().get(i)) == number) {
                steps.getSelectionModel().select(i);
                steps.scrollTo(i);
                break;
            }
        }
    }

    private static int stepNo(String line) {
        int i = line.indexOf('[');
        int j = line.indexOf(']');
        if (i < 0 || j < i || i > 3) {
            return -1;
        }
        return Integer.parseInt(line.substring(i + 1, j));
    }

    @Override
    public void progress(String step, long done, long total) {
        if (total > 0) {
            progress.setProgress((double) done / total);
            progressText.setText(i18n.t("ceremony.progress", step, done, total));
        }
    }

    @Override
    public void confirmStep(int number, String name, CompletableFuture<Boolean> answer) {
        Label l = new Label(i18n.t("step.next", number, name));
        l.setId("step-next");
        l.setWrapText(true);
        Button tick = MainWindow.button(i18n.t("step.confirm"), "step-confirm", () -> {
            answer.complete(true);
            interaction.getChildren().clear();
        });
        tick.setDefaultButton(true);
        Button stop = MainWindow.button(i18n.t("step.stop"), "step-stop", () -> {
            answer.complete(false);
            interaction.getChildren().clear();
        });
        stop.setMnemonicParsing(true);
        interaction.getChildren().setAll(l, new HBox(8, tick, stop));
        tick.requestFocus();
    }

    @Override
    public void askPin(String prompt, CompletableFuture<char[]> answer) {
        Label l = Fit.wrap(new Label(prompt));
        l.setId("prompt-text");
        PasswordField pin = new PasswordField();
        pin.setId("prompt-pin");
        Button ok = MainWindow.button(i18n.t("prompt.ok"), "prompt-ok", () -> {
            if (pin.getLength() > 0) {
                answer.complete(take(pin));
                interaction.getChildren().clear();
            }
        });
        ok.setDefaultButton(true);
        interaction.getChildren().setAll(l, pin, ok);
        pin.requestFocus();
    }

    @Override
    public void askEnrolment(String custodian, String cardLabel, CompletableFuture<CeremonyConsole.EnrolmentPins> answer) {
        askTwoPins(i18n.t("enrol.prompt", custodian, cardLabel), i18n.t("enrol.transport"), answer);
    }

    @Override
    public void askUnblock(String custodian, String cardLabel, CompletableFuture<CeremonyConsole.EnrolmentPins> answer) {
        askTwoPins(i18n.t("unblock.prompt", custodian, cardLabel), i18n.t("unblock.so_pin"), answer);
    }

    /** A first PIN (the card's transport or security officer PIN) and a new PIN typed twice. */
    private void askTwoPins(String prompt, String firstPin, CompletableFuture<CeremonyConsole.EnrolmentPins> answer) {
        Label l = Fit.wrap(new Label(prompt));
        l.setId("enrol-text");
        PasswordField transport = new PasswordField();
        transport.setId("enrol-transport");
        transport.setPromptText(firstPin);
        PasswordField fresh = new PasswordField();
        fresh.setId("enrol-new");
        fresh.setPromptText(i18n.t("enrol.new"));
        PasswordField again = new PasswordField();
        again.setId("enrol-repeat");
        again.setPromptText(i18n.t("enrol.repeat"));
        Label error = Fit.wrap(new Label());
        error.setId("enrol-error");
        error.getStyleClass().add("danger");
        Button ok = MainWindow.button(i18n.t("prompt.ok"), "enrol-ok", () -> {
            if (transport.getLength() == 0 || fresh.getLength() == 0) {
                return;
            }
            if (!sameCharacters(fresh.getCharacters(), again.getCharacters())) {
                error.setText(i18n.t("enrol.mismatch"));
                fresh.clear();
                again.clear();
                fresh.requestFocus();
                return;
            }
            char[] t = take(transport);
            char[] n = take(fresh);
            again.clear();
            answer.complete(new CeremonyConsole.EnrolmentPins(t, n));
            interaction.getChildren().clear();
        });
        ok.setDefaultButton(true);
        interaction.getChildren().setAll(l, transport, fresh, again, error, ok);
        transport.requestFocus();
    }

    private static boolean sameCharacters(CharSequence a, CharSequence b) {
        if (a.length() != b.length()) {
            return false;
        }
        int diff = 0;
        for (int i = 0; i < a.length(); i++) {
            diff |= a.charAt(i) ^ b.charAt(i);
        }
        return diff == 0;
    }

    @Override
    public void formPrinted(FormPrinter.Form f, String where) {
        forms.getItems().add(i18n.t("outputs.form", f.keyId(), f.index(), f.count(), f.holder(), where));
    }

    @Override
    public void showComponent(CeremonyConsole.ComponentDelivery d, char[] groups, CompletableFuture<Boolean> done) {
        Label l = new Label(i18n.t("component.for", d.index(), d.count(), d.keyId(), d.holder(), d.componentKcv(), d.combinedKcv()));
        l.setWrapText(true);
        l.setMinHeight(Region.USE_PREF_SIZE);
        l.setId("component-for");
        ComponentReveal value = new ComponentReveal(d.value().length * 2);
        // the holder confirms first; the reveal is a button of its own, never the default one, and Enter never fires it
        CheckBox holder = new CheckBox(i18n.t("component.confirm", d.holder()));
        holder.setId("component-holder");
        holder.setWrapText(true);
        holder.setMinHeight(Region.USE_PREF_SIZE);
        Button reveal = new Button(i18n.t("component.reveal"));
        reveal.setId("component-reveal");
        reveal.setMnemonicParsing(true);
        reveal.setDefaultButton(false);
        reveal.disableProperty().bind(holder.selectedProperty().not());
        javafx.event.EventHandler<javafx.scene.input.KeyEvent> noEnter = e -> {
            if (e.getCode() == KeyCode.ENTER) {
                e.consume();
            }
        };
        holder.addEventFilter(javafx.scene.input.KeyEvent.ANY, noEnter);
        reveal.addEventFilter(javafx.scene.input.KeyEvent.ANY, noEnter);
        // shown once: the button goes away after use
        reveal.setOnAction(e -> {
            value.reveal(groups);
            reveal.disableProperty().unbind();
            reveal.setDisable(true);
            holder.setDisable(true);
        });
        Button finished = MainWindow.button(i18n.t("component.done"), "component-done", () -> {
            value.hide();
            interaction.getChildren().clear();
            done.complete(true);
        });
        finished.setMnemonicParsing(true);
        finished.setDefaultButton(false);
        interaction.getChildren().setAll(l, holder, value.node(), new HBox(8, reveal, finished));
        revealing = value;
        holder.requestFocus();
    }

    private ComponentReveal revealing;

    /** The component panel shown last (tests). */
    ComponentReveal componentReveal() {
        return revealing;
    }

    @Override
    public void askComponent(CeremonyConsole.ComponentRequest r, CompletableFuture<char[]> answer) {
        Label l = Fit.wrap(new Label(i18n.t("component.type", r.index(), r.count(), r.keyId(), r.expectedKcv(), r.attempt())));
        l.setId("component-prompt");
        PasswordField in = new PasswordField();
        in.setId("component-input");
        Button ok = MainWindow.button(i18n.t("prompt.ok"), "component-ok", () -> {
            answer.complete(take(in));
            interaction.getChildren().clear();
        });
        ok.setDefaultButton(true);
        interaction.getChildren().setAll(l, in, ok);
        in.requestFocus();
    }

    /** The characters of a password field, copied into a char[] the engine wipes; the field is cleared. */
    static char[] take(PasswordField f) {
        CharSequence cs = f.getCharacters();
        char[] out = new char[cs.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cs.charAt(i);
        }
        f.clear();
        return out;
    }
}
