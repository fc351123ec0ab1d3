package org.hsmc.app.gui;

import javafx.scene.control.Label;
import javafx.scene.layout.Pane;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;

/** Waiting on conditions, never on time: what the tests that drive a ceremony wait for between two answers. */
final class Waits {

    private Waits() {
    }

    /** Until the ceremony asks something (the prompt panel is not empty) or has ended (its result says so). */
    static void untilPromptOrEnd(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(240, TimeUnit.SECONDS, () -> {
            WaitForAsyncUtils.waitForFxEvents();
            Pane interaction = robot.lookup("#interaction").queryAs(Pane.class);
            String result = robot.lookup("#ceremony-result").queryAs(Label.class).getText();
            return !interaction.getChildren().isEmpty() || result.startsWith("Ceremony ") || result.startsWith("The ceremony stopped");
        });
    }
}
