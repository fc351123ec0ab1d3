package org.hsmc.app.cli;

import java.nio.file.Path;

/** The files of the console's home (data directory), by name. */
public final class ConsoleHome {

    /** The console's SQLite store: custody, the audit log, keys and runs. */
    static final String STORE_FILE = "console.db";

    private ConsoleHome() {
    }

    public static Path store(Path home) {
        return home.resolve(STORE_FILE);
    }
}
