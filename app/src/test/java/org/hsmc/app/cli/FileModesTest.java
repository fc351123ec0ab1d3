package org.hsmc.app.cli;

import org.hsmc.app.gui.HomePermissions;
import org.hsmc.app.gui.I18n;
import org.hsmc.app.support.Cli;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The home is the officer's alone: under the usual umask of 022 (a forked JVM started by {@code sh -c
 * 'umask 022; exec java …'}), the demo home is 0700, and the store, the PIN sheets, the component forms,
 * an exported log and a backup with its manifest are 0600. {@code hsmc status} (and the Start screen's
 * {@link HomePermissions}) warn, naming the chmod command, when the home or store is open to others.
 */
@RequiresSoftHsm
class FileModesTest {

    @TempDir
    Path tmp;

    /** What the forked JVM runs: the demo, three ceremonies (03 prints component forms), an export, a backup. */
    public static void main(String[] args) {
        String home = args[0];
        Path out = Path.of(args[1]);
        Path examples = Path.of(args[2]);
        check(Hsmc.run("demo", "--home", home), "demo");
        for (String s : List.of("01-initialize", "02-generate-master-key", "03-generate-zone-master-key")) {
            check(Hsmc.run("ceremony", "run", examples.resolve(s + ".yaml").toString(), "--home", home, "--rehearsal-pins",
                    Path.of(home, DemoCommand.REHEARSAL_PINS).toString()), s);
        }
        check(Hsmc.run("audit", "export", "--home", home, "--out", out.resolve("audit.jsonl").toString()), "export");
        check(Hsmc.run("backup", "--home", home, "--out", out.resolve("backup").resolve("console-backup.db").toString()), "backup");
        System.exit(0);
    }

    private static void check(int exit, String what) {
        if (exit != 0) {
            System.out.println("FAILED: " + what + " exit " + exit);
            System.exit(1);
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void underUmask022TheHomeIs0700AndItsSecretFiles0600() throws Exception {
        Path home = tmp.resolve("demo");
        Path out = tmp.resolve("out");
        Files.createDirectory(out);
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), FileModesTest.class.getName(), home.toString(), out.toString(),
                examples.toString()));
        StringBuilder cmd = new StringBuilder("umask 022 && exec");
        for (String a : java) {
            cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Process p = new ProcessBuilder("sh", "-c", cmd.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();

        // what umask 022 alone would give: a control, made by the same shell
        Process control = new ProcessBuilder("sh", "-c", "umask 022 && mkdir '" + out.resolve("control-dir") + "' && : > '"
                + out.resolve("control-file") + "'").start();
        assertThat(control.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(mode(out.resolve("control-dir"))).isEqualTo("rwxr-xr-x");
        assertThat(mode(out.resolve("control-file"))).isEqualTo("rw-r--r--");

        assertThat(mode(home)).isEqualTo("rwx------");
        for (String f : List.of("console.db", "demo-pins.txt", DemoCommand.REHEARSAL_PINS, SiteProfile.FILE)) {
            assertThat(mode(home.resolve(f))).as(f).isEqualTo("rw-------");
        }
        Path forms = home.resolve(RehearsalFormFolder.FOLDER);
        assertThat(mode(forms)).isEqualTo("rwx------");
        List<Path> pdfs;
        try (Stream<Path> s = Files.list(forms)) {
            pdfs = s.toList();
        }
        assertThat(pdfs).hasSize(3).allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
        assertThat(mode(out.resolve("audit.jsonl"))).isEqualTo("rw-------");
        try (Stream<Path> s = Files.list(out.resolve("backup"))) {
            List<Path> backup = s.toList();
            assertThat(backup).hasSize(2).allSatisfy(f -> assertThat(mode(f)).as(f.toString()).isEqualTo("rw-------"));
        }
        assertThat(mode(out.resolve("backup"))).isEqualTo("rwx------");
        assertThat(ConsoleHome.exposures(home)).isEmpty();

        // opened up as umask 022 would have made them: status warns, as gpg does, and names the fix
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("console.db"), PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result status = Cli.run("status", "--home", home.toString());
        assertThat(status.out()).contains("WARNING: unsafe permissions on the console's home " + home.toAbsolutePath() + " (mode 755)",
                "Run: chmod 700 " + home.toAbsolutePath(),
                "WARNING: unsafe permissions on the store " + home.resolve("console.db").toAbsolutePath() + " (mode 644)",
                "Run: chmod 600 " + home.resolve("console.db").toAbsolutePath());
        assertThat(HomePermissions.warnings(home, new I18n(Locale.SIMPLIFIED_CHINESE)))
                .hasSize(2).anySatisfy(w -> assertThat(w).contains("权限不安全", "chmod 700 " + home.toAbsolutePath()));
    }
}
