package org.hsmc.pkcs11;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * How to load one PKCS#11 library: its path, the environment variables it reads, the string it
 * takes in {@code CK_C_INITIALIZE_ARGS} (the field the standard calls {@code pReserved}; NSS's
 * softokn reads its database folder from it), and extra vendor quirks for this site. None of these
 * is ever a secret: PINs never go in a module's configuration.
 *
 * @param path        the library
 * @param environment variables set in this process before the library is loaded
 * @param initArgs    the initialisation string, or empty for a library that takes none (most do)
 * @param quirksFile  a site's own vendor-quirks file (same format as the built-in one), read on top of it
 */
public record ModuleConfig(Path path, Map<String, String> environment, Optional<String> initArgs,
                           Optional<Path> quirksFile) {

    public ModuleConfig {
        environment = Map.copyOf(environment);
        initArgs = initArgs.filter(s -> !s.isBlank());
    }

    public static ModuleConfig of(Path path) {
        return new ModuleConfig(path, Map.of(), Optional.empty(), Optional.empty());
    }

    public static ModuleConfig of(Path path, Map<String, String> environment) {
        return new ModuleConfig(path, environment, Optional.empty(), Optional.empty());
    }

    public ModuleConfig withInitArgs(String args) {
        return new ModuleConfig(path, environment, Optional.ofNullable(args), quirksFile);
    }

    public ModuleConfig withQuirksFile(Path file) {
        return new ModuleConfig(path, environment, initArgs, Optional.ofNullable(file));
    }

    /**
     * The initialisation arguments NSS's softokn needs for the database in {@code dir} (made first
     * with {@code certutil -N -d sql:DIR --empty-password}): its one usable token is "NSS Certificate DB".
     */
    public static String nssInitArgs(Path dir) {
        return "configdir='sql:" + dir.toAbsolutePath() + "' certPrefix='' keyPrefix='' secmod='secmod.db' flags=";
    }
}
