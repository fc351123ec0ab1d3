package org.hsmc.app.cli;

import org.hsmc.pkcs11.ModuleConfig;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.nss.Nss;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * The demo's cards on NSS's softokn ({@code hsmc demo --cards-on nss}): one NSS database folder per card
 * under the home, all in one library (NSS's {@code tokens=} argument), each initialised with NSS's empty SO
 * PIN and the card's demo transport PIN. The site profile gets {@code cards.module.init_args}.
 */
final class DemoNssCards {

    private DemoNssCards() {
    }

    /** Makes the card tokens; returns the library's initialisation arguments. */
    static String create(Path dir, PrintWriter out, int cards, String spare, Function<String, String> transportPin, Path module)
            throws IOException {
        Path main = Files.createDirectories(dir.resolve("main"));
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (int i = 1; i <= cards; i++) {
            dirs.put(DemoCommand.cardLabel(i), Files.createDirectories(dir.resolve(DemoCommand.cardLabel(i))));
        }
        dirs.put(spare, Files.createDirectories(dir.resolve(spare)));
        String args = Nss.initArgs(main, dirs);
        out.println("Creating the demo cards on NSS in " + dir + " …");
        try (Pkcs11Module m = Pkcs11Module.load(new ModuleConfig(module, Map.of(), Optional.of(args), Optional.empty()))) {
            for (String label : dirs.keySet()) {
                m.initToken(label, new char[0], label);
                char[] pin = (label.equals(spare) ? "spare-1234" : transportPin.apply(label)).toCharArray();
                try {
                    m.token(label).initUserPin(new char[0], pin);
                } finally {
                    java.util.Arrays.fill(pin, '\0');
                }
            }
        }
        return args;
    }

    /** Adds {@code cards.module.init_args} to the site profile, escaped as a properties value. */
    static void appendInitArgs(Path profile, String args) throws IOException {
        Properties p = new Properties();
        p.setProperty("cards.module.init_args", args);
        StringWriter w = new StringWriter();
        p.store(w, null);
        String line = w.toString().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
        Files.writeString(profile, "# NSS's softokn reads its card databases from these initialisation arguments (never a secret)\n"
                + line + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
