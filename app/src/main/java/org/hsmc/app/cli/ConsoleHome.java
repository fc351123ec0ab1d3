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

    /**
     * The home or store when others than the owner may read, write or enter it, as gpg warns of an unsafe
     * home directory: the path, its mode (octal) and the command that fixes it.
     *
     * @param home   true for the home (fix: {@code chmod 700}), false for a file of the store (fix: {@code chmod 600})
     */
    public record Exposure(Path path, String mode, boolean home, String fix) {
        /** The warning in English (the window has it in its own bundle: {@code start.permissions.*}). */
        public String message() {
            return "WARNING: unsafe permissions on " + (home ? "the console's home " : "the store ") + path + " (mode " + mode
                    + "): other users of this machine can " + (home ? "look into it" : "read or change it") + ". Run: " + fix;
        }
    }

    /**
     * What of the home and its store others may reach (empty when it is the officer's alone). The Start
     * screen and {@code hsmc status} call this.
     */
    public static java.util.List<Exposure> exposures(Path home) {
        java.util.List<Exposure> out = new java.util.ArrayList<>();
        org.hsmc.ceremony.store.PrivateFiles.openToOthers(home).ifPresent(m -> out.add(new Exposure(home.toAbsolutePath(), m, true,
                "chmod 700 " + shellQuote(home.toAbsolutePath()))));
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path f = home.resolve(STORE_FILE + suffix).toAbsolutePath();
            org.hsmc.ceremony.store.PrivateFiles.openToOthers(f).ifPresent(m -> out.add(new Exposure(f, m, false,
                    "chmod 600 " + shellQuote(f))));
        }
        return out;
    }

    private static String shellQuote(Path p) {
        String s = p.toString();
        return s.matches("[A-Za-z0-9_./+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
