package org.hsmc.app.cli;

import org.hsmc.pkcs11.ModuleConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * How to load the HSM's and the cards' PKCS#11 libraries, from the site profile: the library and
 * environment ({@link SiteProfile}), plus, for a library that needs them, its initialisation
 * arguments ({@code hsm.module.init_args}, {@code cards.module.init_args}; NSS's softokn reads its
 * database folder from them) and a site's own vendor-quirks file ({@code hsm.quirks},
 * {@code cards.quirks}). The token itself is chosen by label ({@code hsm.token}; a slot description
 * such as NSS's "NSS Certificate DB" works too). None of these may hold a secret.
 */
record ModuleSettings(ModuleConfig hsm, ModuleConfig cards) {

    static ModuleSettings read(Path home, SiteProfile profile) {
        Path file = home.resolve(SiteProfile.FILE);
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new Hsmc.UserError("The site profile " + file + " cannot be read: " + e.getMessage());
            }
        }
        ModuleConfig hsm = config(profile.hsmModule(), profile, p, "hsm", file);
        ModuleConfig cards = profile.cardModule().equals(profile.hsmModule()) && p.getProperty("cards.module.init_args") == null
                && p.getProperty("cards.quirks") == null
                ? new ModuleConfig(profile.cardModule(), profile.moduleEnvironment(), hsm.initArgs(), hsm.quirksFile())
                : config(profile.cardModule(), profile, p, "cards", file);
        return new ModuleSettings(hsm, cards);
    }

    private static ModuleConfig config(Path module, SiteProfile profile, Properties p, String prefix, Path file) {
        String args = p.getProperty(prefix + ".module.init_args");
        checkNoSecret(args, prefix + ".module.init_args", file.toString());
        String quirks = p.getProperty(prefix + ".quirks");
        Optional<Path> quirksFile = quirks == null || quirks.isBlank() ? Optional.empty() : Optional.of(Path.of(quirks.trim()));
        quirksFile.ifPresent(q -> {
            if (!Files.isRegularFile(q)) {
                throw new Hsmc.UserError("The site profile " + file + " says " + prefix + ".quirks=" + q + ", and there is no"
                        + " such file. Write the path of the site's vendor-quirks file, or remove the line.");
            }
        });
        return new ModuleConfig(module, profile.moduleEnvironment(), Optional.ofNullable(args).map(String::trim), quirksFile);
    }

    /** Initialisation arguments are configuration, never a secret: refuses anything that looks like a PIN or password. */
    static void checkNoSecret(String args, String what, String where) {
        if (args == null) {
            return;
        }
        String lower = args.toLowerCase(Locale.ROOT);
        if (lower.contains("pin") || lower.contains("password") || lower.contains("passwd") || lower.contains("secret")) {
            throw new Hsmc.UserError(where + ": " + what + " seems to hold a PIN or password. Initialisation arguments are"
                    + " kept in plain text and must never hold a secret: remove it; PINs are typed when a token is used.");
        }
    }
}
