package org.hsmc.app.gui;

import javafx.scene.control.Label;
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
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start, in a demo home after initialize, with a run that FAILED on a wrong PIN: the run is offered with Resume and
 * Abort, its failure is said in words with the PKCS#11 code on a details line, Start says what comes next, the window
 * carries the REHEARSAL banner; and a run made from outside (the command line) shows, with the badge's new count, when
 * the window gets the focus back.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class StartScreenTest {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
    static String failed;
    private MainWindow window;

    @BeforeAll
    static void homeWithAFailedRun() throws Exception {
        home = tmp.resolve("demo");
        assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
        assertThat(Hsmc.run("ceremony", "run", EXAMPLES.resolve("01-initialize.yaml").toString(), "--home", home.toString(),
                "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString())).isZero();
        failed = run("02-generate-master-key.yaml", RunState.FAILED, "step 1 failed: C_Login returned CKR_PIN_INCORRECT (0xa0)");
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    /** A run journaled as the engine does, left in {@code state} (as from another process: its own store connection). */
    private static String run(String file, RunState state, String failure) throws Exception {
        try (Store store = Store.open(ConsoleHome.store(home))) {
            RunJournal journal = new RunJournal(store, new AuditLog(store, Clock.systemUTC()), Clock.systemUTC());
            byte[] bytes = Files.readAllBytes(EXAMPLES.resolve(file));
            var parsed = ScriptParser.parse(bytes, file);
            String id = UUID.randomUUID().toString();
            journal.create(id, parsed.script().type().yamlName(), parsed.script().title(), file, bytes, parsed.sha256Hex(),
                    "demo (SoftHSM2 rehearsal)", parsed.script().operator(), false);
            journal.setState(id, state, failure);
            return id;
        }
    }

    @Start
    void start(Stage stage) {
        window = new MainWindow(new ConsoleApp.Options(home, false, Locale.ENGLISH, EXAMPLES), new I18n(Locale.ENGLISH),
                new BackgroundTasks());
        ConsoleApp.show(stage, window, 1024, 768);
        window.start();
    }

    private void await(Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.call();
        });
    }

    private String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void aFailedRunHasAWayForwardAndTheStatusFollowsChangesFromOutside(FxRobot robot) throws Exception {
        await(() -> robot.lookup("#resume-" + failed).tryQuery().isPresent());
        assertThat(robot.lookup("#abort-" + failed).tryQuery()).isPresent();
        assertThat(text(robot, "#unresolved-" + failed)).startsWith("New master key — failed: ");
        assertThat(robot.lookup(".label").queryAllAs(Label.class).stream().map(Label::getText).toList())
                .contains("step 1 failed: The PIN was not accepted.\nDetails: C_Login returned CKR_PIN_INCORRECT (0xa0)")
                .noneMatch(t -> t.startsWith("CKR_") || t.contains("FAILED"));
        assertThat(text(robot, "#start-next")).isEqualTo("What comes next: resume or abort the ceremony run above.");
        assertThat(window.rehearsalBanner()).startsWith("REHEARSAL");
        await(() -> text(robot, "#audit-badge").startsWith("Audit log verified"));
        String badge = text(robot, "#audit-badge");

        // a run started from the command line while the window was in the background, then the window is back in front
        String other = run("03-generate-zone-master-key.yaml", RunState.QUORUM, null);
        robot.interact(() -> window.refreshStatus());
        await(() -> robot.lookup("#resume-" + other).tryQuery().isPresent() && !text(robot, "#audit-badge").equals(badge));
        assertThat(text(robot, "#audit-badge")).startsWith("Audit log verified");
    }
}
