package org.hsmc.app.gui;

import org.hsmc.app.cli.ConsoleHome;

import java.nio.file.Path;
import java.util.List;

/**
 * The Start screen's warning, as gpg gives one, when the console's home or its store can be read or
 * written by other users of the machine: one sentence per exposed path, naming the command that fixes it.
 * Reads file modes only (no store, no PKCS#11), so it may run on any thread.
 */
public final class HomePermissions {

    private HomePermissions() {
    }

    /** The warnings for {@code home}, in the window's language; empty when the home is the officer's alone. */
    public static List<String> warnings(Path home, I18n i18n) {
        return ConsoleHome.exposures(home).stream()
                .map(e -> i18n.t(e.home() ? "start.permissions.home" : "start.permissions.store", e.path().toString(), e.mode(), e.fix()))
                .toList();
    }
}
