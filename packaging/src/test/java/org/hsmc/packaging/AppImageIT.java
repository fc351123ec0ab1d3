package org.hsmc.packaging;

import org.hsmc.pkcs11.softhsm.SoftHsm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app-image that 'package' just made (target/jpackage/image/hsmc-console), run the way a user runs
 * the installed console: its own launcher and runtime, a home of its own, nothing from this JVM.
 * It checks the command line (--version, demo, the first example ceremony, the audit log), that the
 * launcher maps its AOT cache, how the window's launcher is set up (JavaFX linked into the runtime with
 * its native libraries, no ~/.openjfx), and that nothing is ever written into the image.
 */
class AppImageIT {

    private static final Path IMAGE = Path.of(System.getProperty("hsmc.image", "target/jpackage/image/hsmc-console"));
    private static Map<String, String> imageBefore;

    @TempDir
    static Path user;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void snapshotTheImage() throws IOException {
        assertThat(IMAGE.resolve("bin/hsmc")).as("the app-image; build it with 'mvn package -pl packaging -am'").isExecutable();
        imageBefore = snapshot(IMAGE);
    }

    @AfterAll
    static void nothingWasWrittenIntoTheImageNorIntoTheHome() throws IOException {
        assertThat(snapshot(IMAGE)).as("files of the app-image (path -> size, modified)").isEqualTo(imageBefore);
        Path home = user.resolve("home");
        if (Files.isDirectory(home)) {
            assertThat(home.resolve(".openjfx")).doesNotExist();
            try (Stream<Path> s = Files.list(home)) {
                assertThat(s.map(p -> p.getFileName().toString())).as("the home's top level").doesNotContain(".openjfx", ".java");
            }
        }
        Path cwd = user.resolve("cwd");
        if (Files.isDirectory(cwd)) {
            try (Stream<Path> s = Files.list(cwd)) {
                assertThat(s).as("files written into the working directory").isEmpty();
            }
        }
    }

    @Test
    void versionComesFromTheImagesOwnRuntimeAndStdoutHoldsNothingElse() throws Exception {
        Run r = hsmc(Map.of(), "--version");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).startsWith("hsmc ").contains("Java 25").hasLineCount(1);
        // the jar's Implementation-Version, the project's version, not "development build"
        assertThat(r.out()).startsWith("hsmc " + System.getProperty("hsmc.version") + " (");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theCommandLineLauncherMapsItsAotCache() throws Exception {
        Path log = user.resolve("aot.log");
        // _JAVA_OPTIONS comes after the launcher's own options, so this logging is not switched off by them
        Run r = hsmc(Map.of("_JAVA_OPTIONS", "-Xlog:aot=info:file=" + log), "--version");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(Files.readString(log)).contains("Opened AOT cache " + IMAGE.resolve("lib/app/hsmc.aot"))
                .contains("Using AOT-linked classes: true").doesNotContain("[error]");
    }

    @Test
    void theRuntimeHoldsOnlyTheModulesTheConsoleNeedsAndJavaFx() throws IOException {
        String release = Files.readString(IMAGE.resolve("lib/runtime/release"));
        String line = release.lines().filter(l -> l.startsWith("MODULES=")).findFirst().orElseThrow();
        Set<String> modules = new TreeSet<>(Arrays.asList(line.substring("MODULES=".length()).replace("\"", "").trim().split("\\s+")));
        // hsmc.runtime.modules in packaging/pom.xml, and what they require
        assertThat(modules.stream().filter(m -> !m.startsWith("javafx."))).containsExactlyInAnyOrder("java.base",
                "java.datatransfer", "java.desktop", "java.logging", "java.naming", "java.prefs", "java.security.sasl",
                "java.sql", "java.transaction.xa", "java.xml", "jdk.crypto.cryptoki", "jdk.localedata", "jdk.unsupported");
        // the JavaFX modules the app depends on, linked in
        assertThat(modules).contains("javafx.base", "javafx.graphics", "javafx.controls");
    }

    @Test
    void theWindowLauncherFindsJavaFxAndItsNativeLibrariesInTheRuntimeAndKeepsNoCacheInTheHome() throws IOException {
        List<String> cfg = Files.readAllLines(IMAGE.resolve("lib/app/hsmc-console.cfg"));
        assertThat(cfg).contains("app.mainclass=org.hsmc.app.gui.ConsoleApp",
                "java-options=--enable-native-access=javafx.graphics",
                "java-options=-Djavafx.cachedir=$HOME/.cache/hsmc/openjfx",
                "java-options=-Dhsmc.examples=$ROOTDIR/lib/examples/ceremonies");
        assertThat(cfg).noneMatch(l -> l.contains("javafx-") || l.contains("--module-path"));
        try (Stream<Path> s = Files.list(IMAGE.resolve("lib/runtime/lib"))) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .as("JavaFX's native libraries where the runtime keeps its own: loaded from there, never unpacked")
                    .contains("libglass.so", "libglassgtk3.so", "libprism_sw.so", "libjavafx_font.so");
        }
        try (Stream<Path> s = Files.walk(IMAGE.resolve("lib/app"))) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("javafx-"));
        }
        assertThat(IMAGE.resolve("lib/examples/ceremonies/01-initialize.yaml")).isRegularFile();
    }

    @Test
    void demoAndTheFirstCeremonyRunFromTheImage() throws Exception {
        if (SoftHsm.findModule().isEmpty()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true: " + SoftHsm.missingMessage());
            }
            Assumptions.abort(SoftHsm.missingMessage());
        }
        Path home = user.resolve("home/.local/share/hsmc-demo");
        Run demo = hsmc(Map.of(), "demo");
        assertThat(demo.exit()).as(demo.all()).isZero();
        assertThat(home.resolve("site-profile.properties")).as("the demo home, in the user's XDG data directory").isRegularFile();

        Path script = IMAGE.resolve("lib/examples/ceremonies/01-initialize.yaml");
        Run init = hsmc(Map.of(), "ceremony", "run", script.toString(), "--rehearsal-pins",
                home.resolve("rehearsal-pins.properties").toString());
        assertThat(init.exit()).as(init.all()).isZero();
        assertThat(init.out()).contains(": COMPLETED").doesNotContain("FAILED");

        Run audit = hsmc(Map.of(), "audit", "verify");
        assertThat(audit.exit()).as(audit.all()).isZero();
        assertThat(home.resolve("console.db")).isRegularFile();
    }

    /** Runs bin/hsmc of the image with a fresh user environment (HOME and XDG under the temp dir). */
    private static Run hsmc(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IMAGE.resolve("bin/hsmc").toString()));
        cmd.addAll(List.of(args));
        Path home = Files.createDirectories(user.resolve("home"));
        Path cwd = Files.createDirectories(user.resolve("cwd"));
        Path out = Files.createTempFile(user, "out", ".txt");
        Path err = Files.createTempFile(user, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("XDG_") || k.startsWith("HSMC_") || k.contains("JAVA_OPTIONS")
                || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JAVA_HOME") || k.equals("SOFTHSM2_CONF"));
        env.put("HOME", home.toString());
        // the JVM takes user.home from the password database, not from HOME: name the XDG data directory
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.putAll(extraEnv);
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("hsmc %s finished", String.join(" ", args)).isTrue();
        String o = Files.readString(out, StandardCharsets.UTF_8);
        String e = Files.readString(err, StandardCharsets.UTF_8)
                .lines().filter(l -> !l.startsWith("Picked up _JAVA_OPTIONS")).collect(Collectors.joining("\n"));
        Files.delete(out);
        Files.delete(err);
        return new Run(p.exitValue(), o, e);
    }

    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                files.put(root.relativize(p).toString(), (a.isDirectory() ? "dir" : a.size()) + " " + a.lastModifiedTime().toMillis());
            }
        }
        return files;
    }
}
