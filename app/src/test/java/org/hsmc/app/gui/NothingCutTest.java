package org.hsmc.app.gui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.PasswordField;
import javafx.stage.Stage;
import org.hsmc.app.cli.Hsmc;
import org.hsmc.ceremony.script.CeremonyType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every screen at 1024 x 768, in English and in Chinese, after the demo's ceremonies 01–07: Start, the Dashboard, the
 * wizard (each ceremony type's parameters, a review, a run with a refused PIN, its outputs), the audit log verified,
 * Reports. On each, every shown {@link Labeled} of the scene (labels, buttons, list and table cells, column headers) is
 * checked: none may be cut with "…" ({@link Labeled#isTextTruncated()}). A screenshot of each is kept.
 */
@RequiresSoftHsm
@ExtendWith(ApplicationExtension.class)
class NothingCutTest {

    @TempDir
    static Path tmp;
    static Path home;
    static final Path EXAMPLES = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
    private Stage stage;

    @BeforeAll
    static void demoHomeWithEveryCeremony() {
        home = tmp.resolve("demo");
        assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
        for (String s : new String[] {"01-initialize", "02-generate-master-key", "03-generate-zone-master-key",
                "04-generate-working-keys", "05-rotate", "06-revoke", "07-import-zone-master-key"}) {
            assertThat(Hsmc.run("ceremony", "run", EXAMPLES.resolve(s + ".yaml").toString(), "--home", home.toString(),
                    "--rehearsal-pins", home.resolve("rehearsal-pins.properties").toString())).as(s).isZero();
        }
        CallingThreadPolicy.forbid(t -> "JavaFX Application Thread".equals(t.getName()));
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void english(FxRobot robot) throws Exception {
        walk(robot, Locale.ENGLISH);
    }

    @Test
    void chinese(FxRobot robot) throws Exception {
        walk(robot, Locale.SIMPLIFIED_CHINESE);
    }

    private final List<String> cut = new ArrayList<>();
    private MainWindow window;

    private void await(Callable<Boolean> c) throws Exception {
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            return c.call();
        });
    }

    private static boolean shown(Node n) {
        for (Node p = n; p != null; p = p.getParent()) {
            if (!p.isVisible()) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code n} lies in something that scrolls (a list, a table, a scroll pane). */
    private static boolean scrolls(Node n) {
        for (Node p = n.getParent(); p != null; p = p.getParent()) {
            if (p instanceof javafx.scene.control.ScrollPane || p instanceof javafx.scene.control.ListView
                    || p instanceof javafx.scene.control.TableView || p instanceof javafx.scene.control.ComboBoxBase) {
                return true;
            }
        }
        return false;
    }

    private static void labeled(Node n, List<Labeled> out) {
        if (n instanceof Labeled l && shown(l) && l.getText() != null && !l.getText().isBlank()) {
            out.add(l);
        }
        if (n instanceof Parent p) {
            p.getChildrenUnmodifiable().forEach(c -> labeled(c, out));
        }
    }

    /** Lays the scene out, then notes every shown Labeled whose text is cut, and keeps a screenshot. */
    private void check(FxRobot robot, String screen, Locale locale) {
        WaitForAsyncUtils.waitForFxEvents();
        List<String> found = new ArrayList<>();
        robot.interact(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            List<Labeled> all = new ArrayList<>();
            labeled(stage.getScene().getRoot(), all);
            double right = stage.getScene().getWidth();
            for (Labeled l : all) {
                // nothing laid out past the window's right edge (inside a list, a table or a scroll pane it scrolls)
                if (!scrolls(l) && l.localToScene(l.getLayoutBounds()).getMaxX() > right + 1) {
                    found.add(screen + ": past the window's edge: " + l.getClass().getSimpleName()
                            + (l.getId() == null ? "" : " #" + l.getId()) + " '" + l.getText().replace("\n", "\\n") + "'");
                }
                if (l.isTextTruncated()) {
                    found.add(screen + ": " + l.getClass().getSimpleName() + (l.getId() == null ? "" : " #" + l.getId()) + " '"
                            + l.getText().replace("\n", "\\n") + "' (" + Math.round(l.getWidth()) + " px)");
                }
            }
        });
        cut.addAll(found);
        Screenshots.save(robot, "walk-" + locale.getLanguage() + "-" + screen);
    }

    private void walk(FxRobot robot, Locale locale) throws Exception {
        AtomicReference<MainWindow> made = new AtomicReference<>();
        robot.interact(() -> {
            MainWindow w = new MainWindow(new ConsoleApp.Options(home, false, locale, EXAMPLES), new I18n(locale), new BackgroundTasks());
            ConsoleApp.show(stage, w, 1024, 768);
            w.start();
            made.set(w);
        });
        window = made.get();
        await(() -> robot.lookup("#hsm-facts").tryQuery().isPresent()
                && !robot.lookup("#cards-present").queryAs(Label.class).getText().isEmpty());
        check(robot, "01-start", locale);

        robot.clickOn("#nav-dashboard");
        await(() -> robot.lookup("#inventory").queryTableView().getItems().size() > 3);
        check(robot, "02-dashboard", locale);

        robot.clickOn("#nav-ceremonies");
        await(() -> !robot.lookup("#scripts").queryListView().getItems().isEmpty());
        check(robot, "03-choose", locale);
        ListView<CeremonyType> types = robot.lookup("#types").queryListView();
        for (CeremonyType t : CeremonyType.values()) {
            robot.interact(() -> types.getSelectionModel().select(t));
            robot.clickOn("#wizard-next");
            await(() -> window.ceremonyView().page() == CeremonyView.Page.PARAMETERS && window.ceremonyView().currentCheck() != null);
            check(robot, "04-parameters-" + t.yamlName(), locale);
            robot.clickOn("#wizard-back");
            await(() -> window.ceremonyView().page() == CeremonyView.Page.CHOOSE);
        }

        robot.interact(() -> types.getSelectionModel().select(CeremonyType.EXPORT_BUNDLE));
        robot.clickOn("#wizard-next");
        await(() -> !robot.lookup("#wizard-next").queryButton().isDisabled());
        robot.clickOn("#wizard-next");
        await(() -> robot.lookup("#run-ceremony").tryQuery().isPresent() && !robot.lookup("#run-ceremony").queryButton().isDisabled()
                && !robot.lookup("#quorum-rule").queryAs(Label.class).getText().contains("…"));
        check(robot, "05-review", locale);
        robot.clickOn("#run-ceremony");
        String[] pins = {"alice-1111", "bob-2222", "carol-3333"};
        boolean wrong = false;
        for (int i = 0; i < 3; i++) {
            await(() -> robot.lookup("#quorum-card").tryQuery().isPresent());
            ComboBox<String> card = robot.lookup("#quorum-card").queryComboBox();
            int n = i;
            robot.interact(() -> card.getSelectionModel().select(n));
            PasswordField pin = robot.lookup("#quorum-pin").queryAs(PasswordField.class);
            String p = i == 1 && !wrong ? "wrong-pin" : pins[i];
            robot.interact(() -> pin.setText(p));
            if (i == 1 && wrong) {
                check(robot, "06-quorum-refused", locale);
            }
            robot.clickOn("#quorum-present");
            if (p.equals("wrong-pin")) {
                wrong = true;
                i--;
            }
        }
        boolean stepShot = false;
        while (true) {
            await(() -> robot.lookup("#step-confirm").tryQuery().isPresent()
                    || robot.lookup("#report-preview").queryAs(javafx.scene.image.ImageView.class).getImage() != null);
            if (robot.lookup("#step-confirm").tryQuery().isEmpty()) {
                break;
            }
            if (!stepShot) {
                check(robot, "07-step", locale);
                stepShot = true;
            }
            robot.clickOn("#step-confirm");
            WaitForAsyncUtils.waitForFxEvents();
        }
        check(robot, "08-outputs", locale);

        robot.clickOn("#outputs-open-report");
        await(() -> window.reportsView().report() != null);
        check(robot, "09-reports", locale);

        robot.clickOn("#nav-audit");
        robot.clickOn("#audit-verify");
        await(() -> !robot.lookup("#audit-verdict").queryAs(Label.class).getText().isEmpty());
        check(robot, "10-audit", locale);

        robot.clickOn("#nav-start");
        await(() -> robot.lookup("#hsm-facts").tryQuery().isPresent());
        check(robot, "11-start-after", locale);
        robot.interact(() -> window.close());

        assertThat(cut).as("text cut with … at 1024 x 768 (%s)", locale).isEmpty();
    }
}
