package org.hsmc.app.gui;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import org.hsmc.app.cli.ConsoleHome;
import org.hsmc.app.cli.Hsmc;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.CallingThreadPolicy;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs left open (as a console killed while the quorum formed leaves them: journaled, state QUORUM) are shown
 * first on the Start screen, with Resume and Abort; resuming one completes it after a fresh quorum, aborting
 * the other closes it as ABORTED; then none is left.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class InterruptedRunScreenTest {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
    static String lmkRun;
    static String zmkRun;

    @BeforeAll
    static void homeWithTwoInterruptedRuns() throws Exception {
        home = tmp.resolve("demo");
        assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
        assertThat(Hsmc.run("ceremony", "run", EXAMPLES.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString())).isZero();
        try (Store store = Store.open(ConsoleHome.store(home))) {
            RunJournal journal = new RunJournal(store, new AuditLog(store, Clock.systemUTC()), Clock.systemUTC());
            lmkRun = interrupted(journal, "02-generate-master-key.yaml");
            zmkRun = interrupted(journal, "03-generate-zone-master-key.yaml");
        }
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    /** What the engine journals before it asks for the first card; then the console "dies". */
    private static String interrupted(RunJournal journal, String file) throws Exception {
        byte[] bytes = Files.readAllBytes(EXAMPLES.resolve(file));
        var parsed = ScriptParser.parse(bytes, file);
        String id = UUID.randomUUID().toString();
        journal.create(id, parsed.script().type().yamlName(), parsed.script().title(), file, bytes, parsed.sha256Hex(),
                "demo (SoftHSM2 rehearsal)", parsed.script().operator(), false);
        journal.setState(id, RunState.QUORUM, null);
        return id;
    }

    @Start
    void start(Stage stage) {
        MainWindow window = new MainWindow(new ConsoleApp.Options(home, false, Locale.ENGLISH, EXAMPLES), new I18n(Locale.ENGLISH),
                new BackgroundTasks());
        ConsoleApp.show(stage, window);
        window.start();
    }

    private void await(Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.call();
        });
    }

    private String quorumAndSteps(FxRobot robot, List<String> cards, List<String> pins) throws Exception {
        for (int i = 0; i < cards.size(); i++) {
            await(() -> robot.lookup("#quorum-card").tryQuery().isPresent());
            ComboBox<String> combo = robot.lookup("#quorum-card").queryComboBox();
            String card = cards.get(i);
            robot.interact(() -> combo.setValue(card));
            PasswordField f = robot.lookup("#quorum-pin").queryAs(PasswordField.class);
            String pin = pins.get(i);
            robot.interact(() -> f.setText(pin));
            robot.clickOn("#quorum-present");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            WaitForAsyncUtils.waitForFxEvents();
            String result = robot.lookup("#ceremony-result").queryAs(Label.class).getText();
            if (result.startsWith("Ceremony ") || result.startsWith("The ceremony stopped")) {
                return result;
            }
            if (robot.lookup("#step-confirm").tryQuery().isPresent()) {
                robot.clickOn("#step-confirm");
            } else if (robot.lookup("#component-done").tryQuery().isPresent()) {
                robot.clickOn("#component-done");
            } else if (robot.lookup("#prompt-pin").tryQuery().isPresent()) {
                // the recovery cards' check pass of the LMK run
                String text = robot.lookup("#prompt-text").queryAs(Label.class).getText();
                String card = text.replaceAll("(?s).*'demo-card-(\\d)'.*", "$1");
                PasswordField f = robot.lookup("#prompt-pin").queryAs(PasswordField.class);
                String pin = java.util.Map.of("2", "bob-2222", "3", "carol-3333", "4", "dave-4444").get(card);
                robot.interact(() -> f.setText(pin));
                robot.clickOn("#prompt-ok");
            } else {
                Waits.untilPromptOrEnd(robot);
            }
        }
        throw new AssertionError("the run did not end in time");
    }

    @Test
    void interruptedRunsAreShownFirstAndCanBeResumedOrAborted(FxRobot robot) throws Exception {
        await(() -> robot.lookup("#resume-" + lmkRun).tryQuery().isPresent());
        var box = robot.lookup("#interrupted-runs").queryAs(javafx.scene.layout.VBox.class);
        assertThat(((Label) box.getChildren().getFirst()).getText()).startsWith("2 ceremony run(s) interrupted or failed");
        // first on the screen, and the first Resume has the focus
        assertThat(box.getParent().getChildrenUnmodifiable().getFirst()).isSameAs(box);
        assertThat(robot.listWindows().getFirst().getScene().getFocusOwner().getId()).startsWith("resume-");
        Screenshots.save(robot, "interrupted-en");

        robot.clickOn("#resume-" + lmkRun);
        List<String> pins = List.of("alice-1111", "bob-2222", "carol-3333");
        List<String> cards = List.of("demo-card-1", "demo-card-2", "demo-card-3");
        assertThat(quorumAndSteps(robot, cards, pins)).startsWith("Ceremony completed");

        robot.clickOn("#nav-start");
        await(() -> robot.lookup("#abort-" + zmkRun).tryQuery().isPresent());
        assertThat(robot.lookup("#resume-" + lmkRun).tryQuery()).isEmpty();
        robot.clickOn("#abort-" + zmkRun);
        assertThat(quorumAndSteps(robot, cards, pins)).startsWith("Ceremony aborted");

        robot.clickOn("#nav-start");
        await(() -> robot.lookup("#hsm-facts").tryQuery().isPresent() && robot.lookup("#interrupted-runs").queryAs(
                javafx.scene.layout.VBox.class).getChildren().isEmpty() && robot.lookup("#fact-5").tryQuery().isPresent()
                && robot.lookup("#fact-5").queryAs(Label.class).getText().startsWith("lmk/v1"));
    }
}
