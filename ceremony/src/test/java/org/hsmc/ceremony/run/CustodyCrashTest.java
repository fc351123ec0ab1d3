package org.hsmc.ceremony.run;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
 * Kills the console process ({@link CrashChild}, destroyForcibly) at every journaled step boundary of
 * replace-card and change-quorum, then restarts it and resumes (or, for some boundaries, aborts) the run.
 * Afterwards the store passes PRAGMA integrity_check, the audit log verifies, no run is left interrupted,
 * exactly one admin card set is active and no re-share is left half done (no credential rollover, no
 * pending set), the active set's cards open the HSM (the inspect child forms a quorum of cards 1–3), and
 * the HSM holds no object the store does not know.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CustodyCrashTest {

    @TempDir
    static Path dir;

    private SoftHsmStore tokens;
    private Path home;
    /** Dave's card now: each replace-card replaces it with the next spare. */
    private int daveCard = 4;
    private int nextSpare = 6;

    @BeforeAll
    void setUp() throws Exception {
        List<String> labels = new ArrayList<>(List.of(CrashChild.HSM));
        for (int i = 1; i <= CrashChild.CARDS_MAX; i++) {
            labels.add(CrashChild.card(i));
        }
        tokens = SoftHsmStore.create(labels);
        home = Files.createDirectories(dir.resolve("home"));
        assertThat(child("setup").out()).contains("SETUP done");
    }

    static Stream<Arguments> replaceBoundaries() {
        List<Arguments> a = new ArrayList<>();
        for (int step = 1; step <= 4; step++) {
            a.add(Arguments.of(step, "STARTED"));
            a.add(Arguments.of(step, "DONE"));
        }
        return a.stream();
    }

    static Stream<Arguments> changeQuorumBoundaries() {
        List<Arguments> a = new ArrayList<>();
        for (int step = 1; step <= 5; step++) {
            a.add(Arguments.of(step, "STARTED"));
            a.add(Arguments.of(step, "DONE"));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "killed at step {0} {1}, resumed")
    @MethodSource("replaceBoundaries")
    @Order(1)
    void replaceCardSurvivesAKillAtEveryStepBoundary(int step, String state) throws Exception {
        String old = CrashChild.card(daveCard);
        String spare = CrashChild.card(nextSpare);
        Path script = script("replace-" + nextSpare + ".yaml", """
                ceremony: replace-card
                format: 1
                title: Replace %s with %s
                operator: Alice
                card: %s
                new_card: %s
                reason: crash test
                """.formatted(old, spare, old, spare));
        crashAndRecover(script, step, state, "resume");
        daveCard = nextSpare++;
    }

    @ParameterizedTest(name = "killed at step {0} {1}, resumed")
    @MethodSource("changeQuorumBoundaries")
    @Order(2)
    void changeQuorumSurvivesAKillAtEveryStepBoundary(int step, String state) throws Exception {
        int m = (step + (state.equals("DONE") ? 1 : 0)) % 2 == 0 ? 2 : 3;
        Path script = script("quorum-" + step + state + ".yaml", changeQuorum(m));
        crashAndRecover(script, step, state, "resume");
    }

    @ParameterizedTest(name = "killed at step {0} {1}, aborted")
    @MethodSource("changeQuorumBoundaries")
    @Order(3)
    void changeQuorumKilledAndAbortedLeavesAConsistentConsole(int step, String state) throws Exception {
        Path script = script("quorum-abort-" + step + state + ".yaml", changeQuorum(step % 2 == 0 ? 2 : 3));
        crashAndRecover(script, step, state, "abort");
    }

    private static String changeQuorum(int m) {
        return """
                ceremony: change-quorum
                format: 1
                title: %d of cards 1 to 3, one security officer
                operator: Alice
                threshold: %d
                cards: [%s, %s, %s]
                rule:
                  roles: [SECURITY_OFFICER, KEY_CUSTODIAN]
                  minimum:
                    - {role: SECURITY_OFFICER, count: 1}
                """.formatted(m, m, CrashChild.card(1), CrashChild.card(2), CrashChild.card(3));
    }

    private void crashAndRecover(Path script, int step, String state, String how) throws Exception {
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
        Result recovered = child(how);
        assertThat(recovered.out()).contains("INTEGRITY ok").contains(how.equals("resume") ? "COMPLETED" : "ABORTED");
        Result after = child("inspect", "none");
        assertThat(after.out()).contains("INTEGRITY ok").contains("AUDIT intact").contains("INTERRUPTED 0")
                .contains("ORPHANS 0 []").contains("CUSTODY rollovers=0 active_admin_sets=1 pending_sets=0");
    }

    private Path script(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    record Result(int exit, String out) {
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
