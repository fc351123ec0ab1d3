package org.hsmc.app.gui;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import org.hsmc.app.cli.Hsmc;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each quorum refusal as the custodians see it on the screen: a wrong PIN with the tries left, the
 * card locked after three, the same card twice, a stranger's card; then the operator stops the quorum
 * and the run is aborted with nothing done.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class QuorumRefusalScreenTest {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();

    @BeforeAll
    static void initialisedDemoHome() {
        home = tmp.resolve("demo");
        // the home is made and initialised from the command line, in this JVM (before the window opens)
        assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
        assertThat(Hsmc.run("ceremony", "run", EXAMPLES.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString())).isZero();
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    @Start
    void start(Stage stage) {
        MainWindow window = new MainWindow(new ConsoleApp.Options(home, false, Locale.ENGLISH, EXAMPLES),
                new I18n(Locale.ENGLISH), new BackgroundTasks());
        ConsoleApp.show(stage, window);
        window.start();
    }

    private void await(java.util.concurrent.Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.call();
        });
    }

    private void present(FxRobot robot, String card, String pin) throws Exception {
        await(() -> robot.lookup("#quorum-card").tryQuery().isPresent());
        ComboBox<String> combo = robot.lookup("#quorum-card").queryComboBox();
        robot.interact(() -> combo.setValue(card));
        PasswordField f = robot.lookup("#quorum-pin").queryAs(PasswordField.class);
        robot.interact(() -> f.setText(pin));
        robot.clickOn("#quorum-present");
        WaitForAsyncUtils.waitForFxEvents();
    }

    private List<String> refusals(FxRobot robot) {
        ListView<String> l = robot.lookup("#refusals").queryListView();
        return List.copyOf(l.getItems());
    }

    @Test
    void everyRefusalIsShownWithItsReasonAndTheQuorumCanBeStopped(FxRobot robot) throws Exception {
        await(() -> robot.lookup("#hsm-facts").tryQuery().isPresent());
        robot.clickOn("#nav-ceremonies");
        await(() -> !robot.lookup("#scripts").queryListView().getItems().isEmpty());
        ListView<Path> scripts = robot.lookup("#scripts").queryListView();
        robot.interact(() -> scripts.getSelectionModel().select(EXAMPLES.resolve("02-generate-master-key.yaml")));
        robot.clickOn("#wizard-next");
        await(() -> robot.lookup("#run-ceremony").tryQuery().isPresent() && !robot.lookup("#run-ceremony").queryButton().isDisabled());
        robot.clickOn("#run-ceremony");

        present(robot, "demo-card-2", "wrong-1");
        await(() -> refusals(robot).size() == 1);
        assertThat(refusals(robot).getLast()).contains("Refused: Wrong PIN.").contains("Bob").contains("(2 tries left)");
        present(robot, "demo-card-2", "wrong-2");
        await(() -> refusals(robot).size() == 2);
        assertThat(refusals(robot).getLast()).contains("(1 try left)").contains("1 try is left");
        present(robot, "demo-card-2", "wrong-3");
        await(() -> refusals(robot).size() == 3);
        assertThat(refusals(robot).getLast()).contains("Refused: Card locked.").contains("locked after 3 wrong PINs");
        present(robot, "demo-card-2", "bob-2222");
        await(() -> refusals(robot).size() == 4);
        assertThat(refusals(robot).getLast()).contains("Refused: Card locked.");

        present(robot, "demo-card-spare", "spare-1234");
        await(() -> refusals(robot).size() == 5);
        assertThat(refusals(robot).getLast()).contains("Refused: Card not known to this console.").contains("is not enrolled at this console");

        present(robot, "demo-card-1", "alice-1111");
        await(() -> robot.lookup("#quorum-progress").tryQuery().isPresent()
                && robot.lookup("#quorum-progress").queryAs(Label.class).getText().contains("1 of 3"));
        assertThat(robot.lookup("#quorum-approvals").queryAs(Label.class).getText()).contains("Alice");
        // the rule and who may still approve, in words; the cards offered as "card — holder"; approvals apart from the steps
        assertThat(robot.lookup("#quorum-policy").queryAs(Label.class).getText()).doesNotContain("SECURITY_OFFICER", "roles=")
                .contains("key custodian");
        assertThat(robot.lookup("#quorum-may-approve").queryAs(Label.class).getText()).contains("Bob", "Carol").doesNotContain("Alice");
        ComboBox<String> picker = robot.lookup("#quorum-card").queryComboBox();
        assertThat(picker.getConverter().toString("demo-card-3")).isEqualTo("demo-card-3 — Carol");
        assertThat(robot.lookup("#approvals").queryListView().getItems()).hasSize(1);
        assertThat(robot.lookup("#steps").queryListView().getItems()).noneMatch(s -> s.toString().contains("accepted"));
        present(robot, "demo-card-1", "alice-1111");
        await(() -> refusals(robot).size() == 6);
        assertThat(refusals(robot).getLast()).contains("Refused: Same card twice.");

        await(() -> robot.lookup("#quorum-stop").tryQuery().isPresent());
        // stopping is asked once more: "No" goes back to the quorum, "Yes" stops it
        robot.clickOn("#quorum-stop");
        await(() -> robot.lookup("#quorum-stop-question").tryQuery().isPresent());
        assertThat(robot.lookup("#ceremony-result").queryAs(Label.class).getText()).doesNotStartWith("Ceremony aborted");
        robot.clickOn("#quorum-stop-no");
        await(() -> robot.lookup("#quorum-stop-question").tryQuery().isEmpty());
        assertThat(robot.lookup("#quorum-card").tryQuery()).isPresent();
        robot.clickOn("#quorum-stop");
        await(() -> robot.lookup("#quorum-stop-yes").tryQuery().isPresent());
        robot.clickOn("#quorum-stop-yes");
        await(() -> robot.lookup("#ceremony-result").queryAs(Label.class).getText().startsWith("Ceremony aborted"));
        assertThat(robot.lookup("#ceremony-result").queryAs(Label.class).getText()).contains("the quorum was not formed (1 of 3 cards)");
        Screenshots.save(robot, "quorum-refusals-en");
    }
}
