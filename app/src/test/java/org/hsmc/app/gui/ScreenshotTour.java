package org.hsmc.app.gui;

import javafx.scene.control.ListView;
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

    @Test
    void everyScreen(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#hsm-facts").tryQuery().isPresent());
        settle();
        Screenshots.save(robot, "1-start");
        robot.clickOn("#nav-dashboard");
        settle();
        Screenshots.save(robot, "2-dashboard");
        robot.clickOn("#nav-ceremonies");
        settle();
        ListView<Path> scripts = robot.lookup("#scripts").queryListView();
        robot.interact(() -> scripts.getSelectionModel().select(EXAMPLES.resolve("03-generate-zone-master-key.yaml")));
        settle();
        Screenshots.save(robot, "3-ceremony-review");
        robot.clickOn("#run-ceremony");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#quorum-card").tryQuery().isPresent());
        settle();
        Screenshots.save(robot, "4-quorum");
        robot.clickOn("#quorum-stop");
        robot.clickOn("#nav-audit");
        robot.clickOn("#audit-verify");
        settle();
        Screenshots.save(robot, "5-audit");
    }
}
