package org.hsmc.pkcs11.softhsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * SoftHSM2 token stores for rehearsals (the demo) and tests: where the library is, how to lay out
 * a store (one {@code softhsm2.conf} and its token directory), and how to create a token in it with
 * {@code softhsm2-util}. SoftHSM reads its configuration once, when the library is initialised, and
 * sees only the tokens that exist then; create every token before loading the module.
 */
public final class SoftHsm {

    private SoftHsm() {
    }

    /** The SoftHSM2 PKCS#11 library on this machine, if it is installed. */
    public static Optional<Path> findModule() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("HSMC_SOFTHSM_MODULE");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of(
                "/usr/lib/softhsm/libsofthsm2.so",
                "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                "/usr/lib64/pkcs11/libsofthsm2.so",
                "/usr/local/lib/softhsm/libsofthsm2.so",
                "/opt/homebrew/lib/softhsm/libsofthsm2.so"));
        return candidates.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    /** The sentence shown when SoftHSM2 is missing. */
    public static String missingMessage() {
        return "SoftHSM2 is not installed, so there is no software HSM to rehearse with. "
                + "Install it with 'apt-get install -y softhsm2', or set HSMC_SOFTHSM_MODULE to the path of libsofthsm2.so.";
    }

    /**
     * Writes {@code dir/softhsm2.conf} with its token directory {@code dir/tokens}, and returns the
     * configuration path. Refuses a directory that already holds a configuration.
     */
    public static Path createStore(Path dir) {
        try {
            Files.createDirectories(dir);
            Path tokens = Files.createDirectories(dir.resolve("tokens"));
            Path conf = dir.resolve("softhsm2.conf");
            Files.writeString(conf, """
                    # SoftHSM2 token store (rehearsal only: keys here are software keys)
                    directories.tokendir = %s
                    objectstore.backend = file
                    log.level = ERROR
                    slots.removable = false
                    """.formatted(tokens.toAbsolutePath()), StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            return conf;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the SoftHSM2 token store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Creates a token with {@code softhsm2-util --init-token}. The PINs pass on its command line. */
    public static void initToken(Path conf, String label, char[] soPin, char[] userPin) {
        List<String> command = List.of(softHsmUtil(), "--init-token", "--free", "--label", label,
                "--so-pin", new String(soPin), "--pin", new String(userPin));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("SOFTHSM2_CONF", conf.toString());
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("softhsm2-util could not create the token '" + label + "': "
                        + new String(out, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run softhsm2-util: " + e.getMessage()
                    + ". Install it with 'apt-get install -y softhsm2'.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the token '" + label + "'", e);
        }
    }

    /** The environment the library needs to find this store. */
    public static Map<String, String> environment(Path conf) {
        return Map.of("SOFTHSM2_CONF", conf.toAbsolutePath().toString());
    }

    private static String softHsmUtil() {
        for (String candidate : List.of("/usr/bin/softhsm2-util", "/usr/local/bin/softhsm2-util",
                "/opt/homebrew/bin/softhsm2-util")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "softhsm2-util";
    }
}
