package org.hsmc.app.gui;

import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.CeremonyEngine;
import org.hsmc.ceremony.run.InitializeCeremony;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.ceremony.run.RestoreMasterKeyCeremony;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * The ceremony wizard: choose a script (the examples folder, or a file), review it and its SHA-256,
 * its operator and witnesses; run it: the quorum forms card by card, the operator ticks each step,
 * progress is live, and custodians are asked for PINs and components here. Everything that touches
 * a token or the store runs on the ceremony thread.
 */
final class CeremonyView implements MainWindow.View, GuiConsole.Screen {

    private final MainWindow w;
    private final I18n i18n;
    private final SplitPane split = new SplitPane();
    private final ListView<Path> scripts = new ListView<>();
    private final TextArea text = new TextArea();
    private final Label review = new Label();
    private final Label sha = new Label();
    private final Button run = new Button();
    private final ListView<String> steps = new ListView<>();
    private final ProgressBar progress = new ProgressBar(0);
    private final VBox interaction = new VBox(8);
    private final Label result = new Label();
    private final ListView<String> refusals = new ListView<>();
    private Selected selected;
    private boolean running;

    record Selected(Path path, byte[] bytes, ParsedScript parsed) {
    }

    CeremonyView(MainWindow w) {
        this.w = w;
        this.i18n = w.i18n();
        scripts.setId("scripts");
        scripts.setCellFactory(l -> new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(Path p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : p.getFileName().toString());
            }
        });
        scripts.getSelectionModel().selectedItemProperty().addListener((o, a, p) -> {
            if (p != null) {
                load(p);
            }
        });
        Button open = MainWindow.button(i18n.t("ceremony.open_file"), "open-script", this::openFile);
        VBox left = new VBox(8, new Label(i18n.t("ceremony.choose")), scripts, open);
        VBox.setVgrow(scripts, Priority.ALWAYS);
        left.setPadding(new Insets(12));
        text.setEditable(false);
        text.setId("script-text");
        text.getStyleClass().add("monospace");
        review.setId("script-review");
        review.setWrapText(true);
        sha.setId("script-sha256");
        sha.getStyleClass().add("monospace");
        run.setText(i18n.t("ceremony.run"));
        run.setId("run-ceremony");
        run.setDisable(true);
        run.setOnAction(e -> start());
        VBox middle = new VBox(8, review, sha, text, run);
        VBox.setVgrow(text, Priority.ALWAYS);
        middle.setPadding(new Insets(12));
        steps.setId("steps");
        progress.setId("progress");
        progress.setMaxWidth(Double.MAX_VALUE);
        interaction.setId("interaction");
        interaction.getStyleClass().add("interaction");
        interaction.setPadding(new Insets(10));
        result.setId("ceremony-result");
        result.setWrapText(true);
        refusals.setId("refusals");
        refusals.setPrefHeight(130);
        refusals.setCellFactory(l -> wrapping(l));
        steps.setCellFactory(l -> wrapping(l));
        VBox right = new VBox(8, new Label(i18n.t("ceremony.steps")), steps, progress, interaction,
                new Label(i18n.t("ceremony.refusals")), refusals, result);
        VBox.setVgrow(steps, Priority.ALWAYS);
        right.setPadding(new Insets(12));
        split.getItems().setAll(left, middle, right);
        split.setDividerPositions(0.2, 0.58);
    }

    @Override
    public Node node() {
        return split;
    }

    @Override
    public void refresh() {
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
            scripts.getItems().setAll(list);
            if (keep != null && list.contains(keep)) {
                scripts.getSelectionModel().select(keep);
            }
        }, e -> w.status(MainWindow.message(e)));
    }

    private void openFile() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(i18n.t("ceremony.open_file"));
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("YAML", "*.yaml", "*.yml"));
        java.io.File f = chooser.showOpenDialog(split.getScene().getWindow());
        if (f != null) {
            scripts.getItems().add(f.toPath());
            scripts.getSelectionModel().select(f.toPath());
        }
    }

    /** Reads and checks a script in the background, then shows it for review. */
    void load(Path p) {
        run.setDisable(true);
        w.tasks().run(() -> {
            byte[] bytes = Files.readAllBytes(p);
            return new Selected(p, bytes, ScriptParser.parse(bytes, p.getFileName().toString()));
        }, s -> {
            selected = s;
            text.setText(new String(s.bytes(), java.nio.charset.StandardCharsets.UTF_8));
            var script = s.parsed().script();
            review.setText(i18n.t("ceremony.review", script.type().yamlName(), script.title(), script.operator(),
                    script.witnesses().isEmpty() ? i18n.t("ceremony.no_witnesses") : String.join(", ", script.witnesses())));
            sha.setText("SHA-256  " + HexFormat.of().formatHex(s.parsed().sha256()));
            run.setDisable(running);
        }, e -> {
            selected = null;
            text.setText(readQuietly(p));
            review.setText(i18n.t("ceremony.invalid", MainWindow.message(e)));
            sha.setText("");
        });
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private void start() {
        if (selected == null || running) {
            return;
        }
        Selected s = selected;
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = new GuiConsole(session, this, i18n);
        w.tasks().run(() -> {
            if (s.parsed().script() instanceof InitializeScript) {
                return new InitializeCeremony(session.store(), session.audit(), session.clock(), new SecureRandom(), session.hsm(),
                        session::card, session.site()).run(s.parsed(), s.bytes(), console, false);
            }
            if (s.parsed().script() instanceof RestoreMasterKeyScript) {
                return new RestoreMasterKeyCeremony(session.store(), session.audit(), session.clock(), new SecureRandom(),
                        session.hsm(), session::card, session.site()).run(s.parsed(), s.bytes(), console, false);
            }
            return new CeremonyEngine(session.store(), session.audit(), session.clock(), session.hsm(), session.site())
                    .cards(session::card).lmkBackupPolicy(session.lmkBackupPolicy()).scriptDirectory(s.path().toAbsolutePath().getParent()).run(s.parsed(), s.bytes(), console, false);
        }, this::finished, this::failed);
    }

    void resume(RunRecord r) {
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = new GuiConsole(session, this, i18n);
        w.tasks().run(() -> new CeremonyEngine(session.store(), session.audit(), session.clock(), session.hsm(), session.site())
                .cards(session::card).resume(r.id(), console), this::finished, this::failed);
    }

    void abort(RunRecord r) {
        begin();
        ConsoleSession session = w.session();
        GuiConsole console = new GuiConsole(session, this, i18n);
        w.tasks().run(() -> new CeremonyEngine(session.store(), session.audit(), session.clock(), session.hsm(), session.site())
                .abort(r.id(), console, i18n.t("ceremony.abort_reason")), this::finished, this::failed);
    }

    private void begin() {
        running = true;
        run.setDisable(true);
        steps.getItems().clear();
        refusals.getItems().clear();
        result.setText(i18n.t("ceremony.running"));
        progress.setProgress(0);
        interaction.getChildren().clear();
    }

    private void finished(RunRecord r) {
        running = false;
        interaction.getChildren().clear();
        result.setText(i18n.t("ceremony.finished", r.state(), r.auditHeadBefore(), r.auditHeadAfter() == null ? "-" : r.auditHeadAfter())
                + (r.failure() == null ? "" : "\n" + r.failure()));
        result.getStyleClass().setAll("label", r.state().name().equals("COMPLETED") ? "success" : "danger");
        progress.setProgress(1);
        run.setDisable(selected == null);
        w.refreshBadge();
        w.status(i18n.t("ceremony.finished_short", r.type(), r.state()));
    }

    private void failed(Throwable e) {
        running = false;
        interaction.getChildren().clear();
        result.setText(i18n.t("ceremony.failed", MainWindow.message(e)));
        result.getStyleClass().setAll("label", "danger");
        run.setDisable(selected == null);
        w.refreshBadge();
    }

    // ------------------------------------------------------------------ GuiConsole.Screen

    @Override
    public void askCard(GuiConsole.QuorumView v, CompletableFuture<Optional<GuiConsole.LabelAndPin>> answer) {
        Label head = new Label(i18n.t("quorum.heading", v.operation(), v.have(), v.required()));
        head.setId("quorum-progress");
        head.getStyleClass().add("title-4");
        Label policy = new Label(i18n.t("quorum.policy", v.policy()));
        policy.setId("quorum-policy");
        policy.setWrapText(true);
        Label approved = new Label(v.approvals().isEmpty() ? i18n.t("quorum.none_yet") : i18n.t("quorum.approved", String.join(", ", v.approvals())));
        approved.setId("quorum-approvals");
        approved.setWrapText(true);
        Label prompt = new Label(i18n.t("quorum.insert"));
        ComboBox<String> card = new ComboBox<>();
        card.setId("quorum-card");
        card.getItems().setAll(v.cards());
        card.setPromptText(i18n.t("quorum.card"));
        PasswordField pin = new PasswordField();
        pin.setId("quorum-pin");
        pin.setPromptText(i18n.t("quorum.pin"));
        Button present = MainWindow.button(i18n.t("quorum.present"), "quorum-present", () -> {
            if (card.getValue() == null || pin.getLength() == 0) {
                return;
            }
            answer.complete(Optional.of(new GuiConsole.LabelAndPin(card.getValue(), take(pin))));
            interaction.getChildren().clear();
        });
        present.setDefaultButton(true);
        Button stop = MainWindow.button(i18n.t("quorum.stop"), "quorum-stop", () -> {
            pin.clear();
            answer.complete(Optional.empty());
            interaction.getChildren().clear();
        });
        interaction.getChildren().setAll(head, policy, approved, prompt, new HBox(8, card, pin), new HBox(8, present, stop));
        card.requestFocus();
    }

    @Override
    public void refused(QuorumRefusal r) {
        String tries = r.triesLeft().isPresent() && r.kind() == QuorumRefusal.Kind.WRONG_PIN
                ? "  " + i18n.t("quorum.tries_left", r.triesLeft().getAsInt()) : "";
        refusals.getItems().add(i18n.t("quorum.refused", r.kind().name()) + "  " + r.getMessage() + tries);
        refusals.scrollTo(refusals.getItems().size() - 1);
    }

    @Override
    public void approved(QuorumSession.Approval a, int have, int need) {
        steps.getItems().add(i18n.t("quorum.accepted", a.holder().name(), a.serial(), have, need));
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String res) {
        String line = "[" + number + "] " + name;
        steps.getItems().removeIf(s -> s.startsWith("[" + number + "] "));
        steps.getItems().add(switch (state) {
            case STARTED -> line + "  …";
            case DONE -> "✔ " + line.substring(0) + (res == null ? "" : "  — " + res);
            case FAILED -> "✘ " + line + "  — " + res;
        });
        steps.getItems().sort((x, y) -> Integer.compare(stepNo(x), stepNo(y)));
    }

    private static int stepNo(String line) {
        int i = line.indexOf('[');
        int j = line.indexOf(']');
        if (i < 0 || j < i) {
            return -1;
        }
        return Integer.parseInt(line.substring(i + 1, j));
    }

    @Override
    public void progress(String step, long done, long total) {
        if (total > 0) {
            progress.setProgress((double) done / total);
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
        interaction.getChildren().setAll(l, new HBox(8, tick, stop));
        tick.requestFocus();
    }

    @Override
    public void askPin(String prompt, CompletableFuture<char[]> answer) {
        Label l = new Label(prompt);
        l.setWrapText(true);
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
        Label l = new Label(i18n.t("enrol.prompt", custodian, cardLabel));
        l.setWrapText(true);
        l.setId("enrol-text");
        PasswordField transport = new PasswordField();
        transport.setId("enrol-transport");
        transport.setPromptText(i18n.t("enrol.transport"));
        PasswordField fresh = new PasswordField();
        fresh.setId("enrol-new");
        fresh.setPromptText(i18n.t("enrol.new"));
        PasswordField again = new PasswordField();
        again.setId("enrol-repeat");
        again.setPromptText(i18n.t("enrol.repeat"));
        Label error = new Label();
        error.setId("enrol-error");
        error.getStyleClass().add("danger");
        Button ok = MainWindow.button(i18n.t("prompt.ok"), "enrol-ok", () -> {
            if (transport.getLength() == 0 || fresh.getLength() == 0) {
                return;
            }
            if (!fresh.getCharacters().toString().contentEquals(again.getCharacters())) {
                error.setText(i18n.t("enrol.mismatch"));
                fresh.clear();
                again.clear();
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

    @Override
    public void showComponent(CeremonyConsole.ComponentDelivery d, String groups, CompletableFuture<Boolean> done) {
        Label l = new Label(i18n.t("component.for", d.index(), d.count(), d.keyId(), d.holder(), d.componentKcv(), d.combinedKcv()));
        l.setWrapText(true);
        l.setId("component-for");
        Label value = new Label(i18n.t("component.hidden"));
        value.setId("component-value");
        value.getStyleClass().add("monospace");
        Button reveal = MainWindow.button(i18n.t("component.reveal"), "component-reveal", () -> value.setText(groups));
        Button finished = MainWindow.button(i18n.t("component.done"), "component-done", () -> {
            value.setText("");
            interaction.getChildren().clear();
            done.complete(true);
        });
        interaction.getChildren().setAll(l, value, new HBox(8, reveal, finished));
    }

    @Override
    public void askComponent(CeremonyConsole.ComponentRequest r, CompletableFuture<char[]> answer) {
        Label l = new Label(i18n.t("component.type", r.index(), r.count(), r.keyId(), r.expectedKcv(), r.attempt()));
        l.setWrapText(true);
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

    /** List cells that wrap long lines instead of cutting them. */
    private static javafx.scene.control.ListCell<String> wrapping(ListView<String> list) {
        javafx.scene.control.ListCell<String> cell = new javafx.scene.control.ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item);
            }
        };
        cell.setWrapText(true);
        cell.prefWidthProperty().bind(list.widthProperty().subtract(24));
        return cell;
    }

    /** The characters of a password field, copied into a char[] the engine wipes; the field is cleared. */
    private static char[] take(PasswordField f) {
        CharSequence cs = f.getCharacters();
        char[] out = new char[cs.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cs.charAt(i);
        }
        f.clear();
        return out;
    }
}
