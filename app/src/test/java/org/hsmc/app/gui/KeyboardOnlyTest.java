package org.hsmc.app.gui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.hsmc.app.cli.Hsmc;
import org.hsmc.app.support.Pdfs;
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

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window from the keyboard alone: no click, no programmatic selection. Ctrl+3 opens the ceremony wizard;
 * arrows and Enter choose generate-master-key; Enter accepts its (valid) parameters and runs the reviewed
 * script; each custodian picks a card with the arrow keys, Tab, types the PIN, Enter; Enter ticks each step.
 * Then Ctrl+5 opens Reports: Tab to Preview, Space; Tab to the file name, type it, Enter saves the PDF.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class KeyboardOnlyTest {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
    private MainWindow window;

    @BeforeAll
    static void initialisedDemoHome() {
        home = tmp.resolve("demo");
        assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
        assertThat(Hsmc.run("ceremony", "run", EXAMPLES.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString())).isZero();
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    @Start
    void start(Stage stage) {
        window = new MainWindow(new ConsoleApp.Options(home, false, Locale.ENGLISH, EXAMPLES), new I18n(Locale.ENGLISH),
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

    private String focusedId(FxRobot robot) {
        Node n = robot.listWindows().getFirst().getScene().getFocusOwner();
        return n == null ? null : n.getId();
    }

    private void key(FxRobot robot, KeyCode... codes) {
        robot.push(codes);
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void aWholeCeremonyAndAReportWithKeyPressesOnly(FxRobot robot) throws Exception {
        await(() -> robot.lookup("#hsm-facts").tryQuery().isPresent());

        key(robot, KeyCode.CONTROL, KeyCode.DIGIT3);
        await(() -> "types".equals(focusedId(robot)));
        key(robot, KeyCode.HOME);
        key(robot, KeyCode.DOWN);
        assertThat(robot.lookup("#types").queryListView().getSelectionModel().getSelectedItem()).hasToString("generate-master-key");
        key(robot, KeyCode.ENTER);
        await(() -> robot.lookup("#param-version").tryQuery().isPresent() && !robot.lookup("#wizard-next").queryButton().isDisabled());
        await(() -> "param-title".equals(focusedId(robot)));
        key(robot, KeyCode.ENTER);
        await(() -> robot.lookup("#run-ceremony").tryQuery().isPresent() && !robot.lookup("#run-ceremony").queryButton().isDisabled()
                && "run-ceremony".equals(focusedId(robot)));
        key(robot, KeyCode.ENTER);

        String[][] custodians = {{"1", "alice-1111"}, {"2", "bob-2222"}, {"3", "carol-3333"}};
        for (String[] c : custodians) {
            await(() -> "quorum-card".equals(focusedId(robot)));
            for (int i = 0; i < Integer.parseInt(c[0]); i++) {
                key(robot, KeyCode.DOWN);
            }
            assertThat(robot.lookup("#quorum-card").queryComboBox().getValue()).as("cards %s, focus on %s", robot.lookup("#quorum-card").queryComboBox().getItems(), focusedId(robot)).isEqualTo("demo-card-" + c[0]);
            key(robot, KeyCode.TAB);
            assertThat(focusedId(robot)).isEqualTo("quorum-pin");
            robot.write(c[1]);
            key(robot, KeyCode.ENTER);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!robot.lookup("#ceremony-result").queryAs(Label.class).getText().startsWith("Ceremony ")) {
            assertThat(System.nanoTime()).as("the ceremony ends in time").isLessThan(deadline);
            if ("step-confirm".equals(focusedId(robot))) {
                key(robot, KeyCode.ENTER);
            } else if ("prompt-pin".equals(focusedId(robot))) {
                // the recovery cards' check pass: each holder types the PIN of the card the prompt names
                String text = robot.lookup("#prompt-text").queryAs(Label.class).getText();
                String card = text.replaceAll("(?s).*'demo-card-(\\d)'.*", "$1");
                robot.write(Map.of("2", "bob-2222", "3", "carol-3333", "4", "dave-4444").get(card));
                key(robot, KeyCode.ENTER);
            } else {
                Waits.untilPromptOrEnd(robot);
                WaitForAsyncUtils.waitForFxEvents();
            }
        }
        assertThat(robot.lookup("#ceremony-result").queryAs(Label.class).getText()).startsWith("Ceremony completed");
        String runId = window.ceremonyView().lastRunId();

        key(robot, KeyCode.CONTROL, KeyCode.DIGIT5);
        await(() -> "report-kind".equals(focusedId(robot)));
        await(() -> robot.lookup("#report-run").queryComboBox().getValue() != null);
        key(robot, KeyCode.TAB);
        key(robot, KeyCode.TAB);
        key(robot, KeyCode.TAB);
        assertThat(focusedId(robot)).isEqualTo("report-preview-button");
        key(robot, KeyCode.SPACE);
        await(() -> window.reportsView().report() != null);
        key(robot, KeyCode.TAB);
        key(robot, KeyCode.TAB);
        assertThat(focusedId(robot)).isEqualTo("report-path");
        Path pdf = tmp.resolve("lmk-report.pdf");
        key(robot, KeyCode.CONTROL, KeyCode.A);
        robot.write(pdf.toString());
        key(robot, KeyCode.ENTER);
        await(() -> robot.lookup("#report-status").queryAs(Label.class).getText().startsWith("Saved"));
        assertThat(Pdfs.squash(Pdfs.text(pdf))).contains(runId, "generate-master-key", "lmk/v1");
    }
}
