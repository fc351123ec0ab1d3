package org.hsmc.app.gui;

import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the new PIN and its repetition differ at enrolment, the custodian is told so and the focus is back in the
 * new PIN field (both were emptied); the transport PIN they typed stays; nothing is answered until they match.
 */
@ExtendWith(ApplicationExtension.class)
class PromptFocusTest {

    @TempDir
    Path tmp;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void aPinMismatchPutsTheFocusInTheNewPinField(FxRobot robot) {
        CompletableFuture<CeremonyConsole.EnrolmentPins> answer = new CompletableFuture<>();
        robot.interact(() -> {
            MainWindow w = new MainWindow(new ConsoleApp.Options(tmp, false, Locale.ENGLISH, tmp), new I18n(Locale.ENGLISH),
                    new BackgroundTasks());
            ConsoleApp.show(stage, w, 1024, 768);
            CeremonyView v = w.ceremonyView();
            ((javafx.scene.layout.BorderPane) w.root()).setCenter(v.node());
            v.show(CeremonyView.Page.RUN);
            v.askEnrolment("Carol", "demo-card-3", answer);
        });
        WaitForAsyncUtils.waitForFxEvents();
        PasswordField transport = robot.lookup("#enrol-transport").queryAs(PasswordField.class);
        PasswordField fresh = robot.lookup("#enrol-new").queryAs(PasswordField.class);
        PasswordField again = robot.lookup("#enrol-repeat").queryAs(PasswordField.class);
        robot.interact(() -> {
            transport.setText("123453");
            fresh.setText("carol-3333");
            again.setText("carol-3334");
        });
        robot.clickOn("#enrol-ok");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(answer).isNotDone();
        assertThat(robot.lookup("#enrol-error").queryAs(Label.class).getText()).isNotEmpty();
        assertThat(stage.getScene().getFocusOwner()).isSameAs(fresh);
        assertThat(fresh.getLength()).isZero();
        assertThat(again.getLength()).isZero();
        assertThat(transport.getLength()).isEqualTo(6);

        robot.write("carol-3333");
        robot.interact(() -> again.setText("carol-3333"));
        robot.clickOn("#enrol-ok");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(answer).isDone();
        assertThat(answer.join().newPin()).containsExactly("carol-3333".toCharArray());
    }

    @Test
    void aCardIsPickedWithTheArrowKeysAndShownWithItsHolder(FxRobot robot) {
        CompletableFuture<java.util.Optional<GuiConsole.LabelAndPin>> answer = new CompletableFuture<>();
        robot.interact(() -> {
            MainWindow w = new MainWindow(new ConsoleApp.Options(tmp, false, Locale.ENGLISH, tmp), new I18n(Locale.ENGLISH),
                    new BackgroundTasks());
            ConsoleApp.show(stage, w, 1024, 768);
            CeremonyView v = w.ceremonyView();
            ((javafx.scene.layout.BorderPane) w.root()).setCenter(v.node());
            v.show(CeremonyView.Page.RUN);
            v.askCard(new GuiConsole.QuorumView("generate-master-key", 3, 0, "roles=KEY_CUSTODIAN,SECURITY_OFFICER", java.util.List.of(),
                    java.util.List.of("demo-card-1", "demo-card-2"), java.util.Map.of("demo-card-1", "Alice", "demo-card-2", "Bob"),
                    java.util.List.of("Alice (security officer, card demo-card-1)")), answer);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#quorum-policy");
        assertThat(stage.getScene().getFocusOwner().getId()).isEqualTo("quorum-card");
        robot.push(javafx.scene.input.KeyCode.DOWN);
        robot.push(javafx.scene.input.KeyCode.DOWN);
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.ComboBox<String> card = robot.lookup("#quorum-card").queryComboBox();
        assertThat(card.getValue()).isEqualTo("demo-card-2");
        assertThat(card.getConverter().toString(card.getValue())).isEqualTo("demo-card-2 — Bob");
    }
}
