package org.hsmc.reports;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** What an attacker with the store file can do, done to a copy of the demo console's store. */
final class Tampering {

    private Tampering() {
    }

    /** A consistent copy of the demo store in which audit entry {@code seq}'s actor was changed (its hash left as it was). */
    static Path copyWithChangedActor(DemoHome home, Path dir, long seq, String actor) throws Exception {
        Path copy = dir.resolve("tampered.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home.dir.resolve("console.db").toAbsolutePath());
             Statement st = c.createStatement()) {
            st.execute("VACUUM INTO '" + copy.toAbsolutePath().toString().replace("'", "''") + "'");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + copy.toAbsolutePath()); Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER audit_entry_no_update");
            st.executeUpdate("UPDATE audit_entry SET actor = '" + actor + "' WHERE seq = " + seq);
        }
        return copy;
    }
}
