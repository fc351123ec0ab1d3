package org.hsmc.app.gui;

import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TextField;
import javafx.scene.image.ImageView;
import org.hsmc.app.cli.RehearsalFormFolder;
import org.hsmc.app.support.CapturedLogs;
import org.hsmc.app.support.ComponentFormChecks;
import org.hsmc.app.support.Pdfs;
import org.hsmc.ceremony.script.CeremonyType;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import org.hsmc.app.cli.ConsoleAccess;
import org.hsmc.pkcs11.CallingThreadPolicy;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The demo's path driven through the screens (TestFX, headless under Monocle): initialize with 3 of
 * 5 cards, the LMK (with a wrong PIN refused on screen first), a ZMK from components (its forms printed
 * and read back, nothing of them in the log), working keys, a bundle exported by a ceremony made with
 * the wizard's form, its report saved as PDF and read back, the inventory, and the audit log verified. The UI thread may not call the token or the store: both
 * refuse it, and the longest stall of the UI thread is measured.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class ConsoleDemoPathTest {

    @TempDir
    static Path tmp;
    static Path home;
    private MainWindow window;
    private final List<String> shownComponents = new ArrayList<>();
    private static final AtomicLong maxStallNanos = new AtomicLong();

    @BeforeAll
    static void demoHome() {
        home = tmp.resolve("demo");
        ConsoleAccess.ensureDemo(home, new PrintWriter(new StringWriter()));
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    /** Stack samples of the UI thread taken while it had not pulsed for over 100 ms: what a stall was doing. */
    private static final java.util.Map<String, Integer> stallFrames = new java.util.concurrent.ConcurrentHashMap<>();
    private static volatile long lastPulse;

    @AfterAll
    static void writeStall() throws Exception {
        Path out = Path.of("target", "fx-stall.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, "fx_max_stall_ms=" + TimeUnit.NANOSECONDS.toMillis(maxStallNanos.get()) + "\n");
        StringBuilder b = new StringBuilder("# samples (every 20 ms) of the UI thread's stack while it stalled over 100 ms\n");
        stallFrames.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(40)
                .forEach(e -> b.append(e.getValue()).append("  ").append(e.getKey()).append("\n"));
        Files.writeString(Path.of("target", "fx-stall-samples.txt"), b);
    }

    private static void watchStalls() {
        Thread watch = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
                if (lastPulse != 0 && System.nanoTime() - lastPulse > TimeUnit.MILLISECONDS.toNanos(100)) {
                    Thread.getAllStackTraces().forEach((t, st) -> {
                        if (t.getName().equals("JavaFX Application Thread")) {
                            StringBuilder k = new StringBuilder();
                            for (int i = 0; i < Math.min(st.length, 12); i++) {
                                k.append(i == 0 ? "" : " < ").append(st[i].getClassName().replaceAll(".*\\.", "")).append('.')
                                        .append(st[i].getMethodName());
                            }
                            stallFrames.merge(k.toString(), 1, Integer::sum);
                        }
                    });
                }
            }
        }, "stall-watch");
        watch.setDaemon(true);
        watch.start();
    }

    @Start
    void start(Stage stage) {
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        ConsoleApp.Options o = new ConsoleApp.Options(home, false, Locale.ENGLISH, examples);
        window = new MainWindow(o, new I18n(Locale.ENGLISH), new BackgroundTasks());
        ConsoleApp.show(stage, window);
        window.start();
        watchStalls();
        // the longest gap between two pulses of the UI thread
        new javafx.animation.AnimationTimer() {
            long last;

            @Override
            public void handle(long now) {
                lastPulse = System.nanoTime();
                if (last != 0) {
                    maxStallNanos.accumulateAndGet(now - last, Math::max);
                }
                last = now;
            }
        }.start();
    }

    private <T extends Node> Optional<T> find(FxRobot robot, String id) {
        return robot.lookup(id).tryQuery();
    }

    private void waitFor(FxRobot robot, String what, java.util.function.BooleanSupplier condition) throws Exception {
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return condition.getAsBoolean();
        });
    }

    private static String pinOf(String card) {
        String[] names = {"alice", "bob", "carol", "dave", "erin"};
        int i = Integer.parseInt(card.substring("demo-card-".length()));
        return names[i - 1] + "-" + String.valueOf(i).repeat(4);
    }

    private void setPin(FxRobot robot, String id, String pin) {
        PasswordField f = robot.lookup(id).queryAs(PasswordField.class);
        robot.interact(() -> f.setText(pin));
    }

    /** Answers every question the ceremony asks, as the people in the room would, until it ends. */
    private String drive(FxRobot robot, List<String> quorumCards, String wrongPinFirstFor) throws Exception {
        return drive(robot, quorumCards, wrongPinFirstFor, null);
    }

    /** As above; {@code wrongTransportFirstFor}: that card's holder first types a wrong transport PIN at enrolment. */
    private String drive(FxRobot robot, List<String> quorumCards, String wrongPinFirstFor, String wrongTransportFirstFor)
            throws Exception {
        boolean wrongTransportDone = wrongTransportFirstFor == null;
        List<String> cards = new ArrayList<>(quorumCards);
        boolean wrongDone = wrongPinFirstFor == null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            WaitForAsyncUtils.waitForFxEvents();
            String result = robot.lookup("#ceremony-result").queryAs(Label.class).getText();
            if (result.startsWith("Ceremony ") || result.startsWith("The ceremony stopped")) {
                return result;
            }
            if (find(robot, "#step-confirm").isPresent()) {
                robot.clickOn("#step-confirm");
            } else if (find(robot, "#quorum-card").isPresent()) {
                ComboBox<String> combo = robot.lookup("#quorum-card").queryComboBox();
                String card = cards.getFirst();
                robot.interact(() -> combo.setValue(card));
                if (!wrongDone && card.equals(wrongPinFirstFor)) {
                    setPin(robot, "#quorum-pin", "not-the-pin");
                    wrongDone = true;
                } else {
                    setPin(robot, "#quorum-pin", pinOf(card));
                    cards.removeFirst();
                }
                robot.clickOn("#quorum-present");
            } else if (find(robot, "#enrol-transport").isPresent()) {
                String text = robot.lookup("#enrol-text").queryAs(Label.class).getText();
                String card = text.replaceAll(".*'(demo-card-\\d)'.*", "$1");
                if (!wrongTransportDone && card.equals(wrongTransportFirstFor)) {
                    setPin(robot, "#enrol-transport", "999999"); // not this card's transport PIN
                    wrongTransportDone = true;
                } else {
                    setPin(robot, "#enrol-transport", "12345" + card.substring("demo-card-".length()));
                }
                setPin(robot, "#enrol-new", pinOf(card));
                setPin(robot, "#enrol-repeat", pinOf(card));
                robot.clickOn("#enrol-ok");
            } else if (find(robot, "#prompt-pin").isPresent()) {
                String text = robot.lookup("#prompt-text").queryAs(Label.class).getText();
                String pin = text.contains("'demo-hsm'") ? "demo-hsm-1234"
                        : pinOf(text.replaceAll("(?s).*'(demo-card-\\d)'.*", "$1"));
                setPin(robot, "#prompt-pin", pin);
                robot.clickOn("#prompt-ok");
            } else if (find(robot, "#component-reveal").isPresent()) {
                robot.clickOn("#component-holder");
                robot.clickOn("#component-reveal");
                WaitForAsyncUtils.waitForFxEvents();
                String shown = ComponentRevealTest.shown(window.ceremonyView().componentReveal());
                assertThat(shown).matches("[0-9A-F]{64}");
                shownComponents.add(shown);
                robot.clickOn("#component-done");
            } else {
                Waits.untilPromptOrEnd(robot);
            }
        }
        throw new AssertionError("the ceremony did not end in time");
    }

    private void runScript(FxRobot robot, String file) throws Exception {
        robot.clickOn("#nav-ceremonies");
        waitFor(robot, "scripts listed", () -> !robot.lookup("#scripts").queryListView().getItems().isEmpty());
        ListView<Path> scripts = robot.lookup("#scripts").queryListView();
        Path script = scripts.getItems().stream().filter(p -> p.getFileName().toString().equals(file)).findFirst().orElseThrow();
        robot.interact(() -> scripts.getSelectionModel().select(script));
        robot.clickOn("#wizard-next");
        waitFor(robot, "script reviewed", () -> find(robot, "#run-ceremony").isPresent()
                && !robot.lookup("#run-ceremony").queryButton().isDisabled());
        assertThat(robot.lookup("#script-sha256").queryAs(Label.class).getText()).matches("SHA-256  ([0-9a-f]{4} ){15}[0-9a-f]{4}");
        robot.clickOn("#run-ceremony");
    }

    @Test
    void theDemoPathRunsThroughTheScreens(FxRobot robot) throws Exception {
        waitFor(robot, "home opened", () -> find(robot, "#hsm-facts").isPresent()
                && !robot.lookup("#cards-present").queryAs(Label.class).getText().isEmpty());
        assertThat(robot.lookup("#cards-present").queryAs(Label.class).getText()).contains("demo-card-1", "demo-card-5");

        // the UI thread can never reach the token or the store
        robot.interact(() -> {
            assertThatThrownBy(() -> window.session().hsm().description()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("JavaFX Application Thread");
            assertThatThrownBy(() -> window.session().store().integrityCheck()).isInstanceOf(IllegalStateException.class);
        });

        // a wrong transport PIN keeps the enrolment open: refused in words, with the tries left, and asked again
        runScript(robot, "01-initialize.yaml");
        assertThat(drive(robot, List.of(), null, "demo-card-3")).startsWith("Ceremony completed");
        List<String> initRefusals = robot.lookup("#refusals").queryListView().getItems().stream().map(Object::toString).toList();
        assertThat(initRefusals).anyMatch(r -> r.contains("Not accepted: the card's transport PIN of 'demo-card-3'")
                && r.contains("left before the console stops asking") && r.contains("Type it again below.")
                && !r.contains("CKR_PIN_INCORRECT (0xa0)  "));

        runScript(robot, "02-generate-master-key.yaml");
        assertThat(drive(robot, List.of("demo-card-1", "demo-card-2", "demo-card-3"), "demo-card-2")).startsWith("Ceremony completed");
        List<String> refusals = robot.lookup("#refusals").queryListView().getItems().stream().map(Object::toString).toList();
        assertThat(refusals).anyMatch(r -> r.contains("Refused: Wrong PIN.") && !r.contains("WRONG_PIN") && r.contains("Bob") && r.contains("(2 tries left)"));

        List<String> logs;
        try (CapturedLogs log = new CapturedLogs()) {
            runScript(robot, "03-generate-zone-master-key.yaml");
            assertThat(drive(robot, List.of("demo-card-1", "demo-card-2", "demo-card-3"), null)).startsWith("Ceremony completed");
            logs = log.lines();
        }
        // one form per component, printed inside the ceremony (the demo home's rehearsal folder), listed in the outputs
        assertThat(robot.lookup("#outputs-forms").queryListView().getItems()).hasSize(3)
                .allSatisfy(line -> assertThat(line.toString()).contains("zmk/sh-01/v1", "rehearsal: written to"));
        List<Path> formFiles;
        try (var files = Files.list(home.resolve(RehearsalFormFolder.FOLDER))) {
            formFiles = files.sorted().toList();
        }
        var forms = ComponentFormChecks.check(formFiles, "sh-01", "zmk/sh-01/v1", List.of("Bob", "Carol", "Dave"));
        assertThat(shownComponents).hasSize(3);
        for (int i = 0; i < 3; i++) {
            // what the holder saw once on the screen is what their form carries
            assertThat(shownComponents.get(i).replaceAll("\\s+", "")).isEqualTo(HexFormat.of().withUpperCase().formatHex(forms.get(i).component()));
            for (String spelling : ComponentFormChecks.spellings(forms.get(i).component())) {
                assertThat(logs).noneMatch(l -> l.contains(spelling));
            }
        }
        assertThat(logs).isNotEmpty();
        waitFor(robot, "report preview", () -> robot.lookup("#report-preview").queryAs(ImageView.class).getImage() != null);

        runScript(robot, "04-generate-working-keys.yaml");
        assertThat(drive(robot, List.of("demo-card-3", "demo-card-4", "demo-card-5"), null)).startsWith("Ceremony completed");

        Screenshots.save(robot, "ceremony-en");

        // 5. export a bundle: a ceremony of the type chosen in the wizard, its parameters checked as they are typed
        robot.clickOn("#nav-ceremonies");
        waitFor(robot, "types", () -> find(robot, "#types").isPresent());
        ListView<CeremonyType> types = robot.lookup("#types").queryListView();
        robot.interact(() -> types.getSelectionModel().select(CeremonyType.EXPORT_BUNDLE));
        robot.clickOn("#wizard-next");
        waitFor(robot, "parameters valid", () -> find(robot, "#param-expires-in-days").isPresent()
                && !robot.lookup("#wizard-next").queryButton().isDisabled());
        TextField expires = robot.lookup("#param-expires-in-days").queryAs(TextField.class);
        robot.interact(() -> expires.setText("0"));
        waitFor(robot, "refused", () -> robot.lookup("#problem-expires-in-days").queryAs(Label.class).isVisible());
        assertThat(robot.lookup("#problem-expires-in-days").queryAs(Label.class).getText()).startsWith("Bundles expire after (days): ").contains("1 to");
        assertThat(robot.lookup("#wizard-next").queryButton().isDisabled()).isTrue();
        robot.interact(() -> expires.setText("30"));
        waitFor(robot, "valid again", () -> !robot.lookup("#wizard-next").queryButton().isDisabled());
        assertThat(robot.lookup("#script-preview").queryAs(javafx.scene.control.TextArea.class).getText())
                .contains("ceremony: export-bundle", "expires_in_days: 30", "output_directory: 'bundles'");
        robot.clickOn("#wizard-next");
        waitFor(robot, "review", () -> find(robot, "#run-ceremony").isPresent() && !robot.lookup("#run-ceremony").queryButton().isDisabled());
        waitFor(robot, "quorum rule", () -> robot.lookup("#quorum-rule").queryAs(Label.class).getText().startsWith("3 of the 5"));
        assertThat(robot.lookup("#participants").queryAs(Label.class).getText()).contains("Operator: Alice", "Judy Auditor");
        Screenshots.save(robot, "wizard-review-en");
        robot.clickOn("#run-ceremony");
        assertThat(drive(robot, List.of("demo-card-2", "demo-card-3", "demo-card-4"), null)).startsWith("Ceremony completed");
        waitFor(robot, "outputs", () -> !robot.lookup("#outputs-bundles").queryListView().getItems().isEmpty());
        List<String> written = robot.lookup("#outputs-bundles").queryListView().getItems().stream().map(Object::toString).toList();
        assertThat(written).hasSize(1);
        Path bundle = home.resolve("scripts").resolve("bundles").resolve("sh-01-000001.p7m");
        assertThat(written.getFirst()).contains(Fit.path(home, bundle), "sequence 1", "3 key(s)");
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(bundle)));
        assertThat(written.getFirst()).contains("SHA-256 " + sha);
        waitFor(robot, "report preview", () -> robot.lookup("#report-preview").queryAs(ImageView.class).getImage() != null);
        String exportRun = window.ceremonyView().lastRunId();
        Screenshots.save(robot, "outputs-en");

        // 6. print the report to PDF: from the outputs to the Reports screen, saved as PDF and read back
        robot.clickOn("#outputs-open-report");
        waitFor(robot, "report rendered", () -> window.reportsView().report() != null);
        Path pdf = tmp.resolve("export-report.pdf");
        TextField path = robot.lookup("#report-path").queryAs(TextField.class);
        robot.interact(() -> path.setText(pdf.toString()));
        robot.clickOn("#report-save");
        waitFor(robot, "saved", () -> robot.lookup("#report-status").queryAs(Label.class).getText().startsWith("Saved"));
        String text = Pdfs.text(pdf);
        assertThat(Pdfs.squash(text)).contains(exportRun, "export-bundle", sha, window.reportsView().report().sha256());
        assertThat(pdf.resolveSibling("export-report.json")).exists();
        Screenshots.save(robot, "reports-en");
        robot.clickOn("#nav-dashboard");
        waitFor(robot, "inventory", () -> robot.lookup("#inventory").queryTableView().getItems().size() == 3);
        WaitForAsyncUtils.waitForFxEvents();
        Screenshots.save(robot, "dashboard-en");
        assertThat(robot.lookup("#inventory-count").queryAs(Label.class).getText()).startsWith("3 of 3 keys");

        robot.clickOn("#nav-audit");
        robot.clickOn("#audit-verify");
        waitFor(robot, "verified", () -> robot.lookup("#audit-verdict").queryAs(Label.class).getText().startsWith("The audit log verifies"));
        assertThat(robot.lookup("#audit-badge").queryAs(Label.class).getText()).startsWith("Audit log verified");
        Screenshots.save(robot, "audit-en");
        robot.clickOn("#nav-start");
        waitFor(robot, "start", () -> find(robot, "#hsm-facts").isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        Screenshots.save(robot, "start-en");
    }
}
