package org.hsmc.app.cli;

import org.hsmc.ceremony.bundle.BundleExporter;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The export's settings in the site profile: {@code export.hsm_sessions}, how many HSM sessions translate one zone's
 * keys side by side (1 to 16; default {@link BundleExporter#DEFAULT_SESSIONS}). An HSM that works on several requests at
 * once gains from more; SoftHSM2 serialises its token, where 2 does no harm (ADR 14).
 */
final class ExportSettings {

    static final String HSM_SESSIONS = "export.hsm_sessions";

    private ExportSettings() {
    }

    static int hsmSessions(Path home) {
        Path file = home.resolve(SiteProfile.FILE);
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new Hsmc.UserError("The site profile " + file + " cannot be read: " + e.getMessage());
            }
        }
        String v = p.getProperty(HSM_SESSIONS);
        if (v == null) {
            return BundleExporter.DEFAULT_SESSIONS;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 16) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Hsmc.UserError("The site profile " + file + " says " + HSM_SESSIONS + "=" + v + "; write a whole number from 1 to"
                + " 16 (the HSM sessions that translate a zone's keys side by side), or leave it out ("
                + BundleExporter.DEFAULT_SESSIONS + ").");
    }
}
