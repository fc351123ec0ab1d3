package org.hsmc.app.cli;

import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.node.BundleImporter;
import org.hsmc.node.BundleRefusedException;
import org.hsmc.node.BundleVerifier;
import org.hsmc.node.Manifest;
import org.hsmc.node.NodeState;
import org.hsmc.node.TrustedConsole;
import org.hsmc.node.VerifiedBundle;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code hsmc bundle verify|import|certificate}: the node side of signed key bundles (docs/bundle-format.md), and
 * the console certificate that nodes pin. Verify and import need no console home; import talks to the node's own
 * PKCS#11 token.
 */
@Command(name = "bundle", description = "Check and import signed key bundles (the online node's side), and write the console"
        + " certificate that nodes trust.",
        subcommands = {BundleCommand.Verify.class, BundleCommand.Import.class, BundleCommand.Certificate.class})
final class BundleCommand {

    private BundleCommand() {
    }

    static byte[] readBundle(Path file) {
        try {
            if (Files.size(file) > BundleVerifier.MAX_BYTES) {
                throw new Hsmc.UserError("The file " + file + " is larger than any bundle (" + BundleVerifier.MAX_BYTES + " bytes).");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Hsmc.UserError("The bundle " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** A refusal as the command line shows it: the sentence, then the kind in brackets. */
    static Hsmc.UserError refused(BundleRefusedException e) {
        return new Hsmc.UserError("REFUSED " + e.getMessage() + " [" + e.kind() + "]");
    }

    /** The default anti-rollback state file of a node token: $XDG_STATE_HOME/hsmc-node/TOKEN.state. */
    static Path defaultState(String tokenLabel) {
        String xdg = System.getenv("XDG_STATE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("hsmc-node").resolve(tokenLabel.replaceAll("[^A-Za-z0-9._-]", "_") + ".state");
    }

    static void print(PrintWriter out, Path file, VerifiedBundle b, TrustedConsole trust) {
        Manifest m = b.manifest();
        out.println(file.getFileName() + ": VERIFIED");
        out.println("  signed by    " + trust.subject() + " (certificate SHA-256 " + trust.fingerprint() + ")");
        out.println("  zone         " + m.zone() + (m.zoneStatus().equals("ACTIVE") ? "" : " (REVOKED)") + ", sequence " + m.sequence()
                + (m.previousSha256() == null ? " (the zone's first)" : ", after " + m.previousSha256()));
        out.println("  created      " + m.createdAt() + ", expires " + m.expiresAt());
        out.println("  ceremony     " + m.ceremonyId());
        out.println("  SHA-256      " + b.sha256());
        out.println("  keys         " + m.keys().size());
        for (Manifest.Key k : m.keys()) {
            out.println("    " + k.id() + "  " + k.purpose() + " " + k.algorithm() + " v" + k.version() + "  KCV " + k.kcv() + "  valid "
                    + k.validFrom() + " to " + k.validUntil() + "  under " + k.wrappingKeyId() + " (" + k.mechanism() + ", "
                    + k.wrappingKeyKcv() + ")");
        }
        out.println("  revocations  " + m.revocations().size());
        for (Manifest.Revocation r : m.revocations()) {
            out.println("    " + r.id() + "  revoked " + r.revokedAt() + (r.incident() == null ? "" : "  incident " + r.incident()));
        }
    }

    @Command(name = "verify", description = "Check a bundle: its signature against the trusted console certificate, its format and"
            + " expiry; with --zone, that it is for that zone; with --state, that it is newer than the last one imported.")
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The bundle (.p7m).")
        Path file;
        @Option(names = "--trust", required = true, paramLabel = "CERT", description = "The console certificate this node trusts"
                + " (PEM or DER), from 'hsmc bundle certificate'.")
        Path trust;
        @Option(names = "--zone", paramLabel = "ZONE", description = "The node's zone: refuse a bundle for another one.")
        String zone;
        @Option(names = "--state", paramLabel = "FILE", description = "The node's anti-rollback state file (read only here).")
        Path state;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] bytes = readBundle(file);
            try {
                TrustedConsole t = TrustedConsole.read(trust);
                VerifiedBundle b = new BundleVerifier(t, Clock.systemUTC()).verify(bytes);
                BundleVerifier.checkFor(b, zone, state == null ? null : NodeState.load(state));
                print(spec.commandLine().getOut(), file, b, t);
                return Hsmc.EXIT_OK;
            } catch (BundleRefusedException e) {
                throw refused(e);
            }
        }
    }

    @Command(name = "import", description = "Verify a bundle and unwrap its keys into the node's PKCS#11 token under the zone's"
            + " key (which the token must hold, labelled as the bundle names it), proving every KCV; destroy revoked keys;"
            + " remember the bundle against rollback. All or nothing.")
    static final class Import implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "The bundle (.p7m).")
        Path file;
        @Option(names = "--trust", required = true, paramLabel = "CERT", description = "The console certificate this node trusts.")
        Path trust;
        @Option(names = "--module", required = true, paramLabel = "LIB", description = "The node's PKCS#11 library.")
        Path module;
        @Option(names = "--token", required = true, paramLabel = "LABEL", description = "The node's token, by label.")
        String token;
        @Option(names = "--zone", required = true, paramLabel = "ZONE", description = "The node's zone.")
        String zone;
        @Option(names = "--state", paramLabel = "FILE", description = "The anti-rollback state file (default:"
                + " $XDG_STATE_HOME/hsmc-node/TOKEN.state, else ~/.local/state/hsmc-node/TOKEN.state).")
        Path state;
        @Option(names = "--pin-file", paramLabel = "FILE", description = "Rehearsal only: read the token's user PIN from the"
                + " first line of FILE instead of the terminal. A PIN is never given on the command line.")
        Path pinFile;
        @Option(names = "--module-env", paramLabel = "NAME=VALUE", description = "An environment variable the PKCS#11 library"
                + " reads, e.g. SOFTHSM2_CONF=/path/softhsm2.conf (repeatable).")
        Map<String, String> moduleEnv = new LinkedHashMap<>();
        @Option(names = "--init-args", paramLabel = "ARGS", description = "The string the PKCS#11 library takes at"
                + " initialisation, when it needs one (NSS: \"configdir='sql:DIR' certPrefix='' keyPrefix='' secmod='secmod.db'"
                + " flags=\", with --token 'NSS Certificate DB'). Never a secret.")
        String initArgs;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModuleSettings.checkNoSecret(initArgs, "--init-args", "The command line");
            byte[] bytes = readBundle(file);
            Path stateFile = state != null ? state : defaultState(token);
            try {
                TrustedConsole t = TrustedConsole.read(trust);
                VerifiedBundle b = new BundleVerifier(t, Clock.systemUTC()).verify(bytes);
                NodeState s = NodeState.load(stateFile);
                BundleVerifier.checkFor(b, zone, s); // before the token is touched
                print(out, file, b, t);
                char[] pin = pin();
                try (Pkcs11Module m = Pkcs11Module.load(org.hsmc.pkcs11.ModuleConfig.of(module, moduleEnv).withInitArgs(initArgs))) {
                    Token node = m.token(token);
                    try {
                        node.login(pin);
                    } finally {
                        Arrays.fill(pin, '\0');
                    }
                    try (Session session = node.openSession()) {
                        BundleImporter.Result r = new BundleImporter(Clock.systemUTC()).importInto(session, b, zone, s);
                        out.println("IMPORTED into token '" + token + "': bundle " + r.sequence() + " of zone " + r.zone()
                                + (r.skipped() > 0 ? " (" + r.skipped() + " older bundle(s) never imported; this one supersedes them)" : ""));
                        r.imported().forEach((id, kcv) -> out.println("  imported  " + id + "  KCV " + kcv + " (computed in the token)"));
                        r.alreadyPresent().forEach(id -> out.println("  present   " + id));
                        r.destroyed().forEach(id -> out.println("  destroyed " + id + " (revoked)"));
                        out.println("  anti-rollback state: " + stateFile);
                    } finally {
                        node.logout();
                    }
                }
                return Hsmc.EXIT_OK;
            } catch (BundleRefusedException e) {
                throw refused(e);
            }
        }

        private char[] pin() {
            if (pinFile != null) {
                byte[] raw = null;
                try {
                    raw = Files.readAllBytes(pinFile);
                    int end = 0;
                    while (end < raw.length && raw[end] != '\n' && raw[end] != '\r') {
                        end++;
                    }
                    java.nio.CharBuffer decoded = StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(raw, 0, end));
                    char[] exact = new char[decoded.remaining()];
                    decoded.get(exact);
                    if (decoded.hasArray()) {
                        Arrays.fill(decoded.array(), '\0');
                    }
                    if (exact.length == 0) {
                        throw new Hsmc.UserError("The PIN file " + pinFile + " holds no PIN on its first line.");
                    }
                    return exact;
                } catch (IOException e) {
                    throw new Hsmc.UserError("The PIN file " + pinFile + " cannot be read: " + e.getMessage());
                } finally {
                    if (raw != null) {
                        Arrays.fill(raw, (byte) 0);
                    }
                }
            }
            java.io.Console c = System.console();
            if (c == null) {
                throw new Hsmc.UserError("There is no terminal to type the token's PIN on. Run the command in a terminal, or use"
                        + " --pin-file FILE for a rehearsal.");
            }
            char[] pin = c.readPassword("User PIN of the node token '%s': ", token);
            if (pin == null || pin.length == 0) {
                throw new Hsmc.UserError("No PIN was typed; nothing was imported.");
            }
            return pin;
        }
    }

    @Command(name = "certificate", description = "Write the console certificate (PEM) that nodes trust to verify bundles;"
            + " never overwrites a file.")
    static final class Certificate implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it, e.g. console-cert.pem.")
        Path out;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                BundleRecords.StoredCertificate cert = ctx.store.read(BundleRecords::consoleCertificate).orElseThrow(() ->
                        new Hsmc.UserError("This console has no console certificate yet; the initialize ceremony makes it."));
                String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(cert.der()) + "\n-----END CERTIFICATE-----\n";
                try {
                    Files.writeString(out, pem, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    throw new Hsmc.UserError("The file " + out + " already exists; it is never overwritten. Choose another --out.");
                }
                String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.der()));
                PrintWriter w = spec.commandLine().getOut();
                w.println("Console certificate of " + cert.keyId() + " written to " + out);
                w.println("  SHA-256 " + fp + " (compare it with the initialization report before a node trusts it)");
                return Hsmc.EXIT_OK;
            }
        }
    }
}
