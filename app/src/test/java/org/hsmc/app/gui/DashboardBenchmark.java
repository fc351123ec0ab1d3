package org.hsmc.app.gui;

import javafx.scene.control.ComboBox;
import javafx.stage.Stage;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.Zone;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dashboard with 100,000 keys: how long the UI thread needs to show them, to filter them by
 * zone and to scroll to the end. Written as name=value lines to target/gui-bench.txt, printed by
 * {@code bin/bench --gui}. Never a timed test.
 */
@Tag("benchmark")
@ExtendWith(ApplicationExtension.class)
class DashboardBenchmark {

    private DashboardView view;

    @Start
    void start(Stage stage) {
        MainWindow w = new MainWindow(new ConsoleApp.Options(Path.of("/nonexistent"), false, Locale.ENGLISH, Path.of(".")),
                new I18n(Locale.ENGLISH), new BackgroundTasks());
        view = new DashboardView(w);
        ConsoleApp.show(stage, w);
        w.root().getChildrenUnmodifiable();
        ((javafx.scene.layout.BorderPane) w.root()).setCenter(view.node());
    }

    @Test
    void hundredThousandKeys(FxRobot robot) throws Exception {
        List<WorkingKey> keys = new ArrayList<>(100_000);
        Instant now = Instant.now();
        List<Zone> zones = new ArrayList<>();
        for (int z = 0; z < 100; z++) {
            zones.add(new Zone("zone-" + z, "Zone " + z, "ACTIVE", now));
        }
        for (int i = 0; i < 100_000; i++) {
            String zone = "zone-" + (i % 100);
            KeyIds.KeyPurposeName p = KeyIds.KeyPurposeName.values()[i % 3];
            int version = i / 300 + 1;
            keys.add(new WorkingKey(KeyIds.workingKey(zone, p, version), zone, p, "AES-256", version,
                    now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(i % 400)), i % 50 == 0 ? "REVOKED" : "ACTIVE",
                    "0123456789", 1, new byte[40], "run-" + (i % 7), now, null));
        }
        long[] t = new long[4];
        long s0 = System.nanoTime();
        List<WorkingKey> sorted = DashboardView.sortForDisplay(keys, now); // as refresh() does, in the background
        t[3] = System.nanoTime() - s0;
        robot.interact(() -> {
            long t0 = System.nanoTime();
            view.show(new DashboardView.Data(sorted, zones, List.of()));
            t[0] = System.nanoTime() - t0;
        });
        WaitForAsyncUtils.waitForFxEvents();
        ComboBox<String> zone = robot.lookup("#filter-zone").queryComboBox();
        robot.interact(() -> {
            long t0 = System.nanoTime();
            zone.setValue("zone-42");
            t[1] = System.nanoTime() - t0;
        });
        robot.interact(() -> {
            long t0 = System.nanoTime();
            zone.setValue(zone.getItems().getFirst());
            robot.lookup("#inventory").queryTableView().scrollTo(99_999);
            t[2] = System.nanoTime() - t0;
        });
        WaitForAsyncUtils.waitForFxEvents();
        String out = "dashboard_100k_show_ms=" + t[0] / 1_000_000 + "\n" + "dashboard_100k_filter_zone_ms=" + t[1] / 1_000_000
                + "\n" + "dashboard_100k_unfilter_scroll_ms=" + t[2] / 1_000_000 + "\n"
                + "dashboard_100k_sort_background_ms=" + t[3] / 1_000_000 + "\n";
        Files.writeString(Path.of("target", "gui-bench.txt"), out);
    }
}
