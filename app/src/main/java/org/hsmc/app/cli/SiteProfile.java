package org.hsmc.app.cli;

import org.hsmc.ceremony.run.LmkBackupPolicy;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the hardware is: the HSM's PKCS#11 library and token label, the card reader's library,
 * and the environment those libraries need. Kept apart from ceremony scripts, so that a script
 * reviewed in advance runs unchanged at any site. Stored as {@code site-profile.properties} in the
 * console's home.
 */
record SiteProfile(String site, Path hsmModule, String hsmToken, Path cardModule, Map<String, String> moduleEnvironment,
                   LmkBackupPolicy lmkBackup) {

    static final String FILE = "site-profile.properties";

    /** A profile that backs LMKs up on recovery cards (the default, {@code lmk.backup=recovery-cards}). */
    SiteProfile(String site, Path hsmModule, String hsmToken, Path cardModule, Map<String, String> moduleEnvironment) {
        this(site, hsmModule, hsmToken, cardModule, moduleEnvironment, LmkBackupPolicy.RECOVERY_CARDS);
    }

    static SiteProfile read(Path home) {
        Path file = home.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new Hsmc.UserError("There is no site profile at " + file + ". Run 'hsmc demo' to create a rehearsal"
                    + " home, or pass --home with the console's data directory.");
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new Hsmc.UserError("The site profile " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (k.startsWith("module.env.")) {
                env.put(k.substring("module.env.".length()), p.getProperty(k));
            }
        }
        String backup = p.getProperty("lmk.backup", "recovery-cards");
        LmkBackupPolicy policy = LmkBackupPolicy.fromProfile(backup).orElseThrow(() -> new Hsmc.UserError("The site profile "
                + file + " says lmk.backup=" + backup + "; write recovery-cards (the console splits each LMK onto recovery"
                + " cards) or vendor (the HSM vendor's backup procedure)."));
        return new SiteProfile(p.getProperty("site", "unnamed site"), Path.of(required(p, "hsm.module", file)),
                required(p, "hsm.token", file), Path.of(p.getProperty("cards.module", required(p, "hsm.module", file))), env,
                policy);
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new Hsmc.UserError("The site profile " + file + " has no '" + key + "'. Add it (see README, 'Point the console at a real HSM').");
        }
        return v.trim();
    }

    void write(Path home) throws IOException {
        Properties p = new Properties();
        p.setProperty("site", site);
        p.setProperty("hsm.module", hsmModule.toString());
        p.setProperty("hsm.token", hsmToken);
        p.setProperty("cards.module", cardModule.toString());
        p.setProperty("lmk.backup", lmkBackup == LmkBackupPolicy.VENDOR ? "vendor" : "recovery-cards");
        moduleEnvironment.forEach((k, v) -> p.setProperty("module.env." + k, v));
        try (Writer w = Files.newBufferedWriter(home.resolve(FILE), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            p.store(w, "HSM Ceremony Console site profile: PKCS#11 libraries and token labels (no PINs, ever)");
        }
    }
}
