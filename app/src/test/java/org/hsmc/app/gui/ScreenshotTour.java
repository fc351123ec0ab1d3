package org.hsmc.app.gui;

import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextArea;
import org.hsmc.ceremony.script.CeremonyType;
import javafx.stage.Stage;
import org.hsmc.app.cli.Hsmc;
import org.hsmc.pkcs11.CallingThreadPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A screenshot of every screen, in the language of {@code -Dhsmc.lang} (en or zh), after the demo's
 * ceremonies 01–07 ran from the command line. Run by {@code bin/screenshots} under Xvfb; PNGs go to
 * {@code -Dhsmc.screenshots} (app/target/screenshots/LANG).
 */
@Tag("screenshots")
@ExtendWith(ApplicationExtension.class)
class ScreenshotTour {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
    static final Locale LANG = Locale.forLanguageTag(System.getProperty("hsmc.lang", "en"));

    @BeforeAll
    static void demoHomeWithEveryCeremony() {
        home = tmp.resolve("demo");
        Hsmc.run("demo", "--home", home.toString());
        for (String s : new String[] {"01-initialize", "02-generate-master-key", "03-generate-zone-master-key",
                "04-generate-working-keys", "05-rotate", "06-revoke", "07-import-zone-master-key"}) {
            Hsmc.run("ceremony", "run", EXAMPLES.resolve(s + ".yaml").toString(), "--home", home.toString(),
                    "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString());
        }
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    @Start
    void start(Stage stage) {
        MainWindow w = new MainWindow(new ConsoleApp.Options(home, false, LANG, EXAMPLES), new I18n(LANG), new BackgroundTasks());
        ConsoleApp.show(stage, w);
        w.start();
    }

    private void settle() throws Exception {
        WaitForAsyncUtils.sleep(800, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void waitUntil(java.util.concurrent.Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(90, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.call();
        });
    }

    private static final String[] PINS = {"alice-1111", "bob-2222", "carol-3333"};

    @Test
    void everyScreen(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#hsm-facts").tryQuery().isPresent());
        settle();
        Screenshots.save(robot, "01-start");
        robot.clickOn("#nav-dashboard");
        settle();
        Screenshots.save(robot, "02-dashboard");

        robot.clickOn("#nav-ceremonies");
        settle();
        ListView<CeremonyType> types = robot.lookup("#types").queryListView();
        robot.interact(() -> types.getSelectionModel().select(CeremonyType.GENERATE_WORKING_KEYS));
        settle();
        Screenshots.save(robot, "03-wizard-choose");
        robot.clickOn("#wizard-next");
        waitUntil(() -> robot.lookup("#param-keys-0-version").tryQuery().isPresent());
        javafx.scene.control.TextField version = robot.lookup("#param-keys-0-version").queryAs(javafx.scene.control.TextField.class);
        robot.interact(() -> version.setText("0"));
        waitUntil(() -> robot.lookup("#problem-keys").queryAs(Label.class).isVisible());
        settle();
        Screenshots.save(robot, "04-wizard-parameters");

        robot.clickOn("#wizard-back");
        settle();
        robot.interact(() -> types.getSelectionModel().select(CeremonyType.EXPORT_BUNDLE));
        robot.clickOn("#wizard-next");
        waitUntil(() -> !robot.lookup("#wizard-next").queryButton().isDisabled());
        robot.clickOn("#wizard-next");
        waitUntil(() -> robot.lookup("#quorum-rule").tryQuery().isPresent()
                && !robot.lookup("#quorum-rule").queryAs(Label.class).getText().contains("…"));
        settle();
        Screenshots.save(robot, "05-wizard-review");
        robot.clickOn("#run-ceremony");
        for (int i = 0; i < 3; i++) {
            waitUntil(() -> robot.lookup("#quorum-card").tryQuery().isPresent());
            ComboBox<String> card = robot.lookup("#quorum-card").queryComboBox();
            String label = "demo-card-" + (i + 1);
            robot.interact(() -> card.setValue(label));
            PasswordField pin = robot.lookup("#quorum-pin").queryAs(PasswordField.class);
            String p = i == 1 && robot.lookup("#refusals").queryListView().getItems().isEmpty() ? "wrong-pin" : PINS[i];
            robot.interact(() -> pin.setText(p));
            if (i == 1) {
                settle();
                Screenshots.save(robot, "06-quorum");
            }
            robot.clickOn("#quorum-present");
            if (p.equals("wrong-pin")) {
                i--;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!robot.lookup("#ceremony-result").queryAs(Label.class).getText().startsWith("Ceremony ") && System.nanoTime() < deadline) {
            WaitForAsyncUtils.waitForFxEvents();
            if (robot.lookup("#step-confirm").tryQuery().isPresent()) {
                robot.clickOn("#step-confirm");
            } else {
                Waits.untilPromptOrEnd(robot);
            }
        }
        waitUntil(() -> robot.lookup("#report-preview").queryAs(javafx.scene.image.ImageView.class).getImage() != null);
        settle();
        Screenshots.save(robot, "07-run-outputs");

        robot.clickOn("#outputs-open-report");
        waitUntil(() -> robot.lookup("#report-status").queryAs(Label.class).getText().contains("SHA")
                || robot.lookup("#report-status").queryAs(Label.class).getText().contains("hash")
                || robot.lookup("#report-status").queryAs(Label.class).getText().contains("哈希"));
        settle();
        Screenshots.save(robot, "08-reports");

        robot.clickOn("#nav-audit");
        robot.clickOn("#audit-verify");
        settle();
        Screenshots.save(robot, "09-audit");
    }
}
