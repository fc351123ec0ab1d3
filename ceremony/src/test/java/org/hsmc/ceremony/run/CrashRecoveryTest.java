package org.hsmc.ceremony.run;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills the console process (a child JVM, destroyForcibly) at every journaled step boundary of
 * generate-zone-master-key and generate-working-keys, then restarts it. After each crash the store
 * passes PRAGMA integrity_check and the audit log verifies; the restarted console finds the run
 * interrupted and resumes it to completion; no HSM object is left orphaned; and every key the run
 * was to make exists once, with a KCV proved by unwrapping it under the LMK.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

    @TempDir
    static Path dir;

    private SoftHsmStore tokens;
    private Path home;

    @BeforeAll
    void setUp() throws Exception {
        List<String> labels = new ArrayList<>(List.of(CrashChild.HSM));
        for (int i = 1; i <= 5; i++) {
            labels.add(CrashChild.card(i));
        }
        tokens = SoftHsmStore.create(labels); // its own token store: only child processes load it
        home = Files.createDirectories(dir.resolve("home"));
        assertThat(child("setup").out()).contains("SETUP done");
        Path zmk = script("zmk-wk.yaml", zmkScript("wk-zone"));
        assertThat(child("run", zmk.toString(), "99:DONE").out()).contains("RUN COMPLETED");
    }

    static Stream<Arguments> zmkBoundaries() {
        return Stream.of(Arguments.of(1, "STARTED"), Arguments.of(1, "DONE"), Arguments.of(2, "STARTED"), Arguments.of(2, "DONE"));
    }

    static Stream<Arguments> workingKeyBoundaries() {
        List<Arguments> a = new ArrayList<>();
        for (int step = 1; step <= 3; step++) {
            a.add(Arguments.of(step, "STARTED"));
            a.add(Arguments.of(step, "DONE"));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "killed at step {0} {1}")
    @MethodSource("zmkBoundaries")
    void generateZoneMasterKeySurvivesAKillAtEveryStepBoundary(int step, String state) throws Exception {
        String zone = "crash-" + step + state.toLowerCase();
        Path script = script(zone + ".yaml", zmkScript(zone));
        Result after = crashAndRecover(script, step, state, "zmk/" + zone + "/");
        assertThat(after.lines("ZMK ")).anyMatch(l -> l.startsWith("ZMK zmk/" + zone + "/v1 "));
        String voided = after.lines("VOIDED ").getFirst();
        if (step == 2 && state.equals("STARTED")) {
            // components may have been handed out before the kill: the log says those forms are void
            assertThat(voided).contains("zmk/" + zone + "/v1");
        } else {
            assertThat(voided).doesNotContain("zmk/" + zone + "/v1");
        }
    }

    @ParameterizedTest(name = "killed at step {0} {1}")
    @MethodSource("workingKeyBoundaries")
    void generateWorkingKeysSurvivesAKillAtEveryStepBoundary(int step, String state) throws Exception {
        int base = 1000 * (step * 2 + (state.equals("DONE") ? 1 : 0));
        Path script = script("wk-" + base + ".yaml", workingKeysScript(base, KEYS));
        // keys of this run only: versions base+1 … base+250 of one purpose, so one prefix per thousand
        Result after = crashAndRecover(script, step, state, "wk/wk-zone/dek/v" + (base / 1000));
        List<String> keys = after.lines("KEY wk/wk-zone/dek/v").stream()
                .filter(l -> {
                    int v = Integer.parseInt(l.split(" ")[1].substring("wk/wk-zone/dek/v".length()));
                    return v > base && v <= base + KEYS;
                }).toList();
        assertThat(keys).as("every planned key exists exactly once, its KCV proved").hasSize(KEYS);
    }

    /** Keys per working-key run: three journaled steps of 100 (the child's step size). */
    private static final int KEYS = 250;

    private Result crashAndRecover(Path script, int step, String state, String provePrefix) throws Exception {
        Process p = start("run", script.toString(), step + ":" + state);
        List<String> seen = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                seen.add(line);
                if (line.startsWith("PAUSED ")) {
                    break;
                }
            }
            assertThat(seen).as("the child reached the boundary; it printed %s", seen).contains("PAUSED " + step + " " + state);
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        Result resumed = child("resume");
        assertThat(resumed.out()).contains("INTEGRITY ok").contains("AUDIT intact").contains("COMPLETED");
        Result after = child("inspect", provePrefix);
        assertThat(after.out()).contains("INTEGRITY ok").contains("AUDIT intact").contains("INTERRUPTED 0").contains("ORPHANS 0 []");
        return after;
    }

    private String zmkScript(String zone) {
        return """
                ceremony: generate-zone-master-key
                format: 1
                title: Zone %s
                operator: Alice
                zone: {id: %s, name: Crash zone}
                version: 1
                components: 3
                component_holders: [Bob, Carol, Dave]
                """.formatted(zone, zone);
    }

    private String workingKeysScript(int base, int count) {
        return """
                ceremony: generate-working-keys
                format: 1
                title: %d keys from version %d
                operator: Alice
                zone: wk-zone
                keys:
                  - purpose: DEK
                    algorithm: AES-128
                    version: %d
                    count: %d
                    valid_from: 2027-01-01T00:00:00Z
                    valid_until: 2028-01-01T00:00:00Z
                """.formatted(count, base + 1, base + 1, count);
    }

    private Path script(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    record Result(int exit, String out) {
        List<String> lines(String prefix) {
            return out.lines().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports=jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "-Dhsmc.test.log=" + dir.resolve("child.log"),
                "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), args[0], home.toString(),
                tokens.config().toString(), tokens.module().toString()));
        cmd.addAll(List.of(args).subList(1, args.length));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private Result child(String... args) throws Exception {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("child %s failed:%n%s", List.of(args), out).isZero();
        return new Result(p.exitValue(), out);
    }
}
