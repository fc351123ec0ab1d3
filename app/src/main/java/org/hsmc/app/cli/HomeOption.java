package org.hsmc.app.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --home DIR}: the console's data directory. */
final class HomeOption {

    @Option(names = "--home", paramLabel = "DIR",
            description = "The console's data directory (default: $HSMC_HOME, else ~/.local/share/hsmc-demo for the demo).")
    Path home;

    Path resolve() {
        if (home != null) {
            return home.toAbsolutePath();
        }
        String env = System.getenv("HSMC_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("hsmc-demo");
    }
}
