package org.hsmc.pkcs11.nss;

import org.hsmc.pkcs11.ModuleConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NSS's software token (softokn, Debian {@code libnss3}), the console's second PKCS#11
 * implementation: where the library is, and the initialisation arguments that give it its token
 * databases. NSS keeps one token per database folder. {@link #initArgs(Path)} names one folder,
 * whose token is "NSS Certificate DB"; {@link #initArgs(Path, Map)} gives one token per label, each
 * with its own folder, in one library (NSS's {@code tokens=} parameter), as a rehearsal store or tests
 * need. The library reads the arguments once per process.
 */
public final class Nss {

    /** The label of the token of a single-database NSS configuration. */
    public static final String CERTIFICATE_DB = "NSS Certificate DB";
    /** NSS numbers the tokens of {@code tokens=} from here (its first user slot id). */
    private static final int FIRST_SLOT = 4;

    private Nss() {
    }

    /** NSS's softokn library on this machine, if it is installed. */
    public static Optional<Path> findModule() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("HSMC_NSS_MODULE");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.addAll(List.of(
                "/usr/lib/x86_64-linux-gnu/libsoftokn3.so",
                "/usr/lib/aarch64-linux-gnu/libsoftokn3.so",
                "/usr/lib64/libsoftokn3.so",
                "/usr/lib/libsoftokn3.so"));
        return candidates.stream().map(Path::of).filter(Files::isReadable).findFirst();
    }

    /** The sentence shown when NSS is missing. */
    public static String missingMessage() {
        return "NSS's software token (libsoftokn3.so) is not installed. Install it with"
                + " 'apt-get install -y libnss3 libnss3-tools', or set HSMC_NSS_MODULE to the path of libsoftokn3.so.";
    }

    /** The arguments for one database folder (made with {@code certutil -N -d sql:DIR --empty-password}). */
    public static String initArgs(Path dir) {
        return ModuleConfig.nssInitArgs(dir);
    }

    /**
     * The arguments for one token per label, each in its folder: {@code configdir} is {@code main}
     * (holding no token of ours), and {@code tokens=<0x4=[configdir='sql:…' tokenDescription='LABEL'] …>}.
     * NSS makes a missing database itself; such a token must be initialised (C_InitToken with an empty
     * SO PIN) before use. Labels are at most 32 bytes, without quotes or brackets.
     */
    public static String initArgs(Path main, Map<String, Path> tokenDirs) {
        StringBuilder b = new StringBuilder(ModuleConfig.nssInitArgs(main)).append(" tokens=<");
        int slot = FIRST_SLOT;
        for (Map.Entry<String, Path> e : tokenDirs.entrySet()) {
            String label = e.getKey();
            if (label.length() > 32 || label.matches(".*['\"\\[\\]<>].*")) {
                throw new IllegalArgumentException("An NSS token label must be at most 32 characters, without quotes"
                        + " or brackets: '" + label + "'");
            }
            b.append(slot == FIRST_SLOT ? "" : " ").append("0x").append(Integer.toHexString(slot++))
                    .append("=[configdir='sql:").append(e.getValue().toAbsolutePath())
                    .append("' certPrefix='' keyPrefix='' tokenDescription='").append(label).append("']");
        }
        return b.append('>').toString();
    }
}
