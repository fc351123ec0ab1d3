package org.hsmc.app.cli;

import org.hsmc.app.support.Cli.Result;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.engines.AESWrapPadEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hsmc.ceremony.bundle.BundleCms;
import org.hsmc.ceremony.bundle.BundleManifest;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.hsmc.app.support.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc bundle verify|import|certificate}. The bundle is made by the console's own code, its keys wrapped
 * with Bouncy Castle's RFC 5649 (any implementation will do) and signed in software; verify and certificate run
 * in-process, import in a child JVM on a token store of its own (SoftHSM2 reads one configuration per process).
 */
class BundleCommandTest {

    @TempDir
    static Path dir;

    static KeyPair consoleKey;
    static X509Certificate consoleCert;
    static Path pem;
    static byte[] zmk = new byte[32];
    static final List<byte[]> clearKeys = new ArrayList<>();
    static BundleManifest manifest;
    static Path bundle;

    @BeforeAll
    static void makeABundle() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        consoleKey = g.generateKeyPair();
        X500Name name = new X500Name("CN=Key console, O=CLI test");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        consoleCert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(86400)), name, consoleKey.getPublic())
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(consoleKey.getPrivate())));
        pem = Files.writeString(dir.resolve("console-cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(consoleCert.getEncoded()) + "\n-----END CERTIFICATE-----\n");

        SecureRandom r = new SecureRandom();
        r.nextBytes(zmk);
        String zmkKcv = Kcv.ofClearAesKey(zmk).hex();
        List<BundleManifest.Key> keys = new ArrayList<>();
        String[][] specs = {{"DEK", "AES-256", "32"}, {"KEK", "AES-192", "24"}, {"MAC", "AES-128", "16"}};
        for (String[] spec : specs) {
            byte[] clear = new byte[Integer.parseInt(spec[2])];
            r.nextBytes(clear);
            clearKeys.add(clear);
            AESWrapPadEngine kwp = new AESWrapPadEngine();
            kwp.init(true, new KeyParameter(zmk));
            keys.add(new BundleManifest.Key("wk/sh-01/" + spec[0].toLowerCase() + "/v1", spec[0], spec[1], 1, now.minusSeconds(3600),
                    now.plusSeconds(365L * 86400), Kcv.ofClearAesKey(clear).hex(), "zmk/sh-01/v1", zmkKcv, BundleManifest.AES_KWP,
                    kwp.wrap(clear, 0, clear.length)));
        }
        manifest = new BundleManifest("sh-01", "ACTIVE", 1, now, now.plusSeconds(86400), "cli-test-run", null, keys, List.of());
        byte[] der = BundleCms.sign(manifest.toJson(), consoleCert, new JcaContentSignerBuilder("SHA384withECDSA")
                .build(consoleKey.getPrivate()), now);
        bundle = Files.write(dir.resolve("sh-01-000001.p7m"), der);
    }

    @Test
    void verifyShowsWhatTheBundleHoldsAndRefusesTamperingWithItsKind() throws Exception {
        Result ok = run("bundle", "verify", bundle.toString(), "--trust", pem.toString(), "--zone", "sh-01");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("sh-01-000001.p7m: VERIFIED").contains("zone         sh-01, sequence 1 (the zone's first)")
                .contains("wk/sh-01/dek/v1  DEK AES-256 v1  KCV " + manifest.keys().getFirst().kcv())
                .contains("under zmk/sh-01/v1 (AES-KWP, " + Kcv.ofClearAesKey(zmk).hex() + ")");

        Result other = run("bundle", "verify", bundle.toString(), "--trust", pem.toString(), "--zone", "bj-01");
        assertThat(other.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(other.err()).contains("hsmc: REFUSED The bundle is for another zone").endsWith("[WRONG_ZONE]\n");

        byte[] bytes = Files.readAllBytes(bundle);
        int z = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\"zone\":\"sh-01\"");
        bytes[z + 12] ^= 0x03;
        Path altered = Files.write(dir.resolve("altered.p7m"), bytes);
        Result bad = run("bundle", "verify", altered.toString(), "--trust", pem.toString());
        assertThat(bad.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(bad.err()).contains("REFUSED The bundle's manifest was altered after it was signed").contains("[CONTENT_ALTERED]");

        Result noTrust = run("bundle", "verify", bundle.toString());
        assertThat(noTrust.exit()).isEqualTo(Hsmc.EXIT_USAGE);
    }

    @Test
    void certificateWritesThePinnedCertificateOnceAndNeverOverwrites() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        new SiteProfile("test", Path.of("/nonexistent/lib.so"), "hsm", Path.of("/nonexistent/lib.so"), Map.of(),
                SiteProfile.Forms.REAL_SITE).write(home);
        try (Store store = Store.open(ConsoleHome.store(home))) {
            store.write(c -> {
                try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                        + " created_at, run_id) VALUES ('bundle-signer/v1', ?, 's', 'a', 'b', 'c', 'r')")) {
                    ps.setBytes(1, consoleCert.getEncoded());
                    ps.executeUpdate();
                } catch (java.security.cert.CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
        }
        Path out = dir.resolve("written-cert.pem");
        Result r = run("bundle", "certificate", "--home", home.toString(), "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("written to " + out).contains("SHA-256 ");
        Result ok = run("bundle", "verify", bundle.toString(), "--trust", out.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        Result again = run("bundle", "certificate", "--home", home.toString(), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(again.err()).contains("already exists; it is never overwritten");
    }

    @Test
    void importRefusesBeforeTouchingATokenAndAsksForAPinOnlyOnATerminal() throws Exception {
        Result wrongZone = run("bundle", "import", bundle.toString(), "--trust", pem.toString(), "--module", "/nonexistent/lib.so",
                "--token", "node", "--zone", "bj-01", "--state", dir.resolve("unused.state").toString());
        assertThat(wrongZone.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(wrongZone.err()).contains("[WRONG_ZONE]");
        Result noTerminal = run("bundle", "import", bundle.toString(), "--trust", pem.toString(), "--module", "/nonexistent/lib.so",
                "--token", "node", "--zone", "sh-01", "--state", dir.resolve("unused.state").toString());
        assertThat(noTerminal.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(noTerminal.err()).contains("There is no terminal to type the token's PIN on").contains("--pin-file");
        assertThat(dir.resolve("unused.state")).doesNotExist();
    }

    @Test
    void importUnwrapsTheKeysIntoTheNodesTokenWithTheirKcvsAndThenRefusesAReplay() throws Exception {
        Assumptions.assumeTrue(SoftHsmStore.findModule().isPresent() || SoftHsmStore.inCi(), "SoftHSM2 is not installed");
        SoftHsmStore tokens = SoftHsmStore.create(List.of("node-cli"));
        Path pinFile = Files.writeString(dir.resolve("node.pin"), new String(tokens.userPin("node-cli")) + "\n");
        Path state = dir.resolve("node-cli.state");
        assertThat(child(NodeZmkLoader.class.getName(), tokens.module().toString(), tokens.config().toString(), "node-cli",
                new String(tokens.userPin("node-cli")), "zmk/sh-01/v1", HexFormat.of().formatHex(zmk)).out()).contains("ZMK LOADED");

        String[] importArgs = {"bundle", "import", bundle.toString(), "--trust", pem.toString(), "--module", tokens.module().toString(),
                "--token", "node-cli", "--zone", "sh-01", "--state", state.toString(), "--pin-file", pinFile.toString(),
                "--module-env", "SOFTHSM2_CONF=" + tokens.config()};
        Result first = child(Hsmc.class.getName(), importArgs);
        assertThat(first.exit()).as(first.out()).isZero();
        for (int i = 0; i < clearKeys.size(); i++) {
            BundleManifest.Key k = manifest.keys().get(i);
            assertThat(first.out()).contains("imported  " + k.id() + "  KCV " + Kcv.ofClearAesKey(clearKeys.get(i)).hex()
                    + " (computed in the token)");
        }
        assertThat(Files.readString(state)).contains("zone sh-01 sequence 1 sha256 ");
        Result replay = child(Hsmc.class.getName(), importArgs);
        assertThat(replay.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(replay.out()).contains("REFUSED The bundle is not newer than the last one imported").contains("[ROLLBACK]");
    }

    private static Result child(String main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), main));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, "");
    }
}
