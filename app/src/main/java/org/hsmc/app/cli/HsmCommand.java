package org.hsmc.app.cli;

import org.hsmc.pkcs11.ModuleConfig;
import org.hsmc.pkcs11.ModuleDescription;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.ReadinessCheck;
import org.hsmc.pkcs11.SlotDescription;
import org.hsmc.pkcs11.TokenDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code hsmc hsm check}: is a module and its token ready for a ceremony? Known-answer tests of what
 * the console needs (ReadinessCheck: the RFC 5649 wrap, the CMAC KCV, ECDSA, ECDH, OAEP, the RNG, PIN
 * lengths), each judged by Bouncy Castle or the JDK, with a verdict that names what is missing. Session
 * objects only, destroyed afterwards: nothing on the token changes, and no PIN is asked for.
 */
@Command(name = "hsm", description = "The HSM and card modules, checked before a ceremony.",
        subcommands = {HsmCommand.Check.class})
final class HsmCommand {

    @Command(name = "check", description = "Check that the HSM token (and each card present) does what the console needs:"
            + " RFC 5649 key wrap, AES-CMAC KCV, ECDSA, ECDH, RSA-OAEP, random numbers, PIN lengths. Known-answer tests on"
            + " session objects only; nothing on the token changes. Without --module, the site profile's HSM and cards."
            + " Exits 1 when a token is not ready.")
    static final class Check implements Callable<Integer> {
        @Mixin
        HomeOption homeOption = new HomeOption();
        @Option(names = "--module", paramLabel = "LIB", description = "Check this PKCS#11 library instead of the site profile's.")
        Path module;
        @Option(names = "--token", paramLabel = "LABEL", description = "The token to check (its label, or its slot's"
                + " description); with --module, required.")
        String token;
        @Option(names = "--init-args", paramLabel = "ARGS", description = "The library's initialisation arguments, when it"
                + " needs some (NSS). Never a secret.")
        String initArgs;
        @Option(names = "--quirks", paramLabel = "FILE", description = "A site's vendor-quirks file, read on top of the built-in one.")
        Path quirks;
        @Option(names = "--module-env", paramLabel = "NAME=VALUE", description = "An environment variable the library reads (repeatable).")
        Map<String, String> moduleEnv = new LinkedHashMap<>();
        @Option(names = "--card", description = "Check the token as an admin card (ECDH, ECDSA P-256, PIN length) instead of as the HSM.")
        boolean card;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<ReadinessCheck.Report> reports = new ArrayList<>();
            if (module != null) {
                if (token == null) {
                    throw new Hsmc.UserError("With --module, name the token to check with --token LABEL (pkcs11-tool --module "
                            + module + " --list-slots lists the labels).");
                }
                ModuleSettings.checkNoSecret(initArgs, "--init-args", "The command line");
                ModuleConfig config = new ModuleConfig(module, moduleEnv, Optional.ofNullable(initArgs), Optional.ofNullable(quirks));
                try (Pkcs11Module m = Pkcs11Module.load(config)) {
                    printModule(out, m);
                    reports.add(report(out, ReadinessCheck.run(m.token(token), card ? ReadinessCheck.Role.CARD : ReadinessCheck.Role.HSM)));
                }
            } else {
                Path home = homeOption.resolve();
                SiteProfile profile = SiteProfile.read(home);
                ModuleSettings modules = ModuleSettings.read(home, profile);
                String hsmLabel = token != null ? token : profile.hsmToken();
                try (Pkcs11Module m = Pkcs11Module.load(modules.hsm())) {
                    printModule(out, m);
                    reports.add(report(out, ReadinessCheck.run(m.token(hsmLabel), card ? ReadinessCheck.Role.CARD : ReadinessCheck.Role.HSM)));
                }
                if (token == null) {
                    try (Pkcs11Module cm = Pkcs11Module.load(modules.cards())) {
                        if (!cm.path().equals(modules.hsm().path().toAbsolutePath().normalize())) {
                            printModule(out, cm);
                        }
                        for (SlotDescription slot : cm.slots()) {
                            Optional<TokenDescription> t = slot.token();
                            if (t.isEmpty() || !t.get().initialized() || t.get().label().equals(profile.hsmToken())) {
                                continue;
                            }
                            reports.add(report(out, ReadinessCheck.run(cm.token(t.get().label()), ReadinessCheck.Role.CARD)));
                        }
                    }
                }
            }
            List<String> notReady = reports.stream().filter(r -> !r.ready())
                    .map(r -> "'" + r.tokenLabel() + "' (" + role(r) + ") lacks " + String.join(", ", r.missing())).toList();
            out.println();
            if (notReady.isEmpty()) {
                out.println("READY: " + reports.size() + " token(s) checked; each does what the console needs.");
                return Hsmc.EXIT_OK;
            }
            out.println("NOT READY: " + String.join("; ", notReady) + ". Use a token (or configure the HSM) that offers what is"
                    + " missing, or name its vendor's mechanism in the vendor quirks; see docs/hsm-compatibility.md.");
            return Hsmc.EXIT_REFUSED;
        }

        private static String role(ReadinessCheck.Report r) {
            return r.role() == ReadinessCheck.Role.HSM ? "as the HSM" : "as an admin card";
        }

        private static void printModule(PrintWriter out, Pkcs11Module m) {
            ModuleDescription d = m.description();
            out.println("Module: " + d.path() + " (" + d.manufacturer() + ", " + d.description() + " " + d.libraryVersion()
                    + ", Cryptoki " + d.cryptokiVersion() + ")");
        }

        private static ReadinessCheck.Report report(PrintWriter out, ReadinessCheck.Report r) {
            TokenDescription t = r.token();
            out.println();
            out.println("Token '" + r.tokenLabel() + "' " + role(r) + ": " + t.manufacturer() + " " + t.model() + ", serial "
                    + t.serialNumber());
            for (ReadinessCheck.Item i : r.items()) {
                String mark = switch (i.verdict()) {
                    case PASS -> "PASS    ";
                    case FAIL -> "MISSING ";
                    case OPTIONAL_MISSING -> "LIMITED ";
                };
                out.println("  " + mark + i.title() + ": " + i.detail());
            }
            out.println("  => " + (r.ready() ? "ready " + role(r) : "NOT READY " + role(r) + ": lacks " + String.join(", ", r.missing())));
            return r;
        }
    }
}
