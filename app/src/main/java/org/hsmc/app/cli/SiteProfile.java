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
                   Forms forms, LmkBackupPolicy lmkBackup) {

    static final String FILE = "site-profile.properties";

    /** A profile that backs LMKs up on recovery cards (the default, {@code lmk.backup=recovery-cards}). */
    SiteProfile(String site, Path hsmModule, String hsmToken, Path cardModule, Map<String, String> moduleEnvironment, Forms forms) {
        this(site, hsmModule, hsmToken, cardModule, moduleEnvironment, forms, LmkBackupPolicy.RECOVERY_CARDS);
    }

    /**
     * Where the key component forms go ({@code forms.output}): {@code printer} (the default at a real site:
     * {@code forms.print_command}, CUPS {@code lp} unless set; the window uses its print dialog) or
     * {@code rehearsal-folder} (a rehearsal home: PDFs in the home's {@code component-forms/}); and their
     * language ({@code forms.language}, en or zh).
     */
    record Forms(boolean rehearsalFolder, java.util.List<String> printCommand, String language) {
        static final Forms REAL_SITE = new Forms(false, java.util.List.of("lp"), "en");
        static final Forms REHEARSAL = new Forms(true, java.util.List.of("lp"), "en");
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
        String site = p.getProperty("site", "unnamed site");
        return new SiteProfile(site, Path.of(required(p, "hsm.module", file)),
                required(p, "hsm.token", file), Path.of(p.getProperty("cards.module", required(p, "hsm.module", file))), env,
                forms(p, file, site), policy);
    }

    private static Forms forms(Properties p, Path file, String site) {
        // homes made by 'hsmc demo' before forms.output existed are rehearsal homes too
        String output = p.getProperty("forms.output", site.startsWith("demo ") ? "rehearsal-folder" : "printer").trim();
        if (!output.equals("printer") && !output.equals("rehearsal-folder")) {
            throw new Hsmc.UserError("The site profile " + file + " says forms.output=" + output + "; write printer (component"
                    + " forms go to the printer) or rehearsal-folder (rehearsal homes only).");
        }
        String command = p.getProperty("forms.print_command", "lp").trim();
        if (command.isEmpty()) {
            throw new Hsmc.UserError("The site profile " + file + " has an empty forms.print_command; leave it out (lp) or name the"
                    + " command that prints a PDF read on its standard input, e.g. lp -d custodian-printer.");
        }
        String language = p.getProperty("forms.language", "en").trim();
        if (!language.equals("en") && !language.equals("zh")) {
            throw new Hsmc.UserError("The site profile " + file + " says forms.language=" + language + "; write en or zh.");
        }
        return new Forms(output.equals("rehearsal-folder"), java.util.List.of(command.split("\\s+")), language);
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
        p.setProperty("forms.output", forms.rehearsalFolder() ? "rehearsal-folder" : "printer");
        p.setProperty("forms.print_command", String.join(" ", forms.printCommand()));
        p.setProperty("forms.language", forms.language());
        try (Writer w = new java.io.OutputStreamWriter(org.hsmc.ceremony.store.PrivateFiles.newOutputStream(home.resolve(FILE)),
                StandardCharsets.UTF_8)) {
            p.store(w, "HSM Ceremony Console site profile: PKCS#11 libraries and token labels (no PINs, ever)");
        }
    }
}
