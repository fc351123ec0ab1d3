package org.hsmc.app.gui;

import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.app.cli.ComponentText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reveal of a key component at 1024 x 768, in English and Chinese: all 64 digits in groups of four and the line
 * with both KCVs and "everyone else looks away" are on the screen in full; nothing shows until the holder confirms
 * and presses the reveal button; Enter never reveals (the focus starts on the confirmation, and no button of the
 * panel is the default); every digit on the screen is one of the sixteen constant strings, never a new one.
 */
@ExtendWith(ApplicationExtension.class)
class ComponentRevealTest {

    @TempDir
    Path tmp;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    /** What the holder sees, read back from the digit nodes. */
    static String shown(ComponentReveal reveal) {
        StringBuilder b = new StringBuilder();
        reveal.cells().forEach(t -> b.append(t.getText()));
        return b.toString();
    }

    private static final byte[] VALUE = HexFormat.of().parseHex("0123456789ABCDEF0F1E2D3C4B5A69788796A5B4C3D2E1F0FEDCBA9876543210");

    private CeremonyView open(FxRobot robot, Locale locale, CompletableFuture<Boolean> done, char[] groups) {
        AtomicReference<CeremonyView> view = new AtomicReference<>();
        robot.interact(() -> {
            MainWindow w = new MainWindow(new ConsoleApp.Options(tmp, false, locale, tmp), new I18n(locale), new BackgroundTasks());
            ConsoleApp.show(stage, w, 1024, 768);
            CeremonyView v = w.ceremonyView();
            ((javafx.scene.layout.BorderPane) w.root()).setCenter(v.node());
            v.show(CeremonyView.Page.RUN);
            v.showComponent(new CeremonyConsole.ComponentDelivery("run-1", "sh-01", "zmk/sh-01/v1", 1, 2, 3, "Bob Custodian",
                    VALUE, "3A1F0C92DE", "79302E0A7E"), groups, done);
            view.set(v);
        });
        WaitForAsyncUtils.waitForFxEvents();
        return view.get();
    }

    private static boolean inside(Bounds inner, Bounds outer) {
        return inner.getMinX() >= outer.getMinX() - 0.5 && inner.getMaxX() <= outer.getMaxX() + 0.5
                && inner.getMinY() >= outer.getMinY() - 0.5 && inner.getMaxY() <= outer.getMaxY() + 0.5;
    }

    @Test
    void englishAt1024x768() {
        check(new FxRobot(), Locale.ENGLISH, "Everyone else looks away");
    }

    @Test
    void chineseAt1024x768() {
        check(new FxRobot(), Locale.SIMPLIFIED_CHINESE, "其他人请回避");
    }

    private void check(FxRobot robot, Locale locale, String looksAway) {
        char[] groups = ComponentText.groups(VALUE, 8);
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        CeremonyView v = open(robot, locale, done, groups);
        ComponentReveal reveal = v.componentReveal();
        Node focus = stage.getScene().getFocusOwner();
        assertThat(focus).isNotNull();
        assertThat(focus.getId()).isEqualTo("component-holder");
        assertThat(reveal.revealed()).isFalse();

        // Enter, before and after the holder confirms, and with the focus on the reveal button: nothing shows
        robot.clickOn("#component-for");
        assertThat(stage.getScene().getFocusOwner().getId()).isEqualTo("component-holder");
        robot.push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(reveal.revealed()).isFalse();
        assertThat(robot.lookup("#component-reveal").queryButton().isDisabled()).isTrue();
        robot.push(KeyCode.SPACE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#component-reveal").queryButton().isDisabled()).isFalse();
        robot.push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(reveal.revealed()).isFalse();
        robot.interact(() -> robot.lookup("#component-reveal").queryButton().requestFocus());
        robot.push(KeyCode.ENTER);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(reveal.revealed()).isFalse();
        assertThat(done).isNotDone();

        // the deliberate action: the reveal button itself
        robot.clickOn("#component-reveal");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(reveal.revealed()).isTrue();
        assertThat(shown(reveal)).isEqualTo(HexFormat.of().withUpperCase().formatHex(VALUE));
        List<Text> cells = reveal.cells();
        assertThat(cells).hasSize(64);
        // no digit is a String made for this key: each is one of the sixteen literals
        assertThat(cells).allSatisfy(t -> assertThat(t.getText()).isSameAs(t.getText().intern()));
        // in groups of four
        assertThat(reveal.node().getChildren()).hasSize(16);

        // every digit and the whole KCV line are inside the window and inside the panel, nothing cut
        Bounds scene = new javafx.geometry.BoundingBox(0, 0, stage.getScene().getWidth(), stage.getScene().getHeight());
        Node panel = robot.lookup("#interaction").query();
        Bounds panelBounds = panel.localToScene(panel.getLayoutBounds());
        assertThat(inside(panelBounds, scene)).as("the panel %s is inside the window %s", panelBounds, scene).isTrue();
        for (Text t : cells) {
            Bounds b = t.localToScene(t.getLayoutBounds());
            assertThat(inside(b, panelBounds)).as("digit at %s inside %s", b, panelBounds).isTrue();
            assertThat(t.isVisible()).isTrue();
        }
        Label line = robot.lookup("#component-for").queryAs(Label.class);
        assertThat(line.getText()).contains("3A1F0C92DE", "79302E0A7E", looksAway);
        assertThat(line.isTextTruncated()).as(line.getText()).isFalse();
        Bounds lb = line.localToScene(line.getLayoutBounds());
        assertThat(inside(lb, panelBounds)).isTrue();
        assertThat(robot.lookup("#component-holder").queryAs(javafx.scene.control.CheckBox.class).isTextTruncated()).isFalse();
        Screenshots.save(robot, "component-reveal-" + locale.getLanguage());

        robot.clickOn("#component-done");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(done).isCompletedWithValue(true);
        assertThat(reveal.revealed()).isFalse();
    }
}
