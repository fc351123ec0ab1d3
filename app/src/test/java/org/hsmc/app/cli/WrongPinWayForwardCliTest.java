package org.hsmc.app.cli;

import org.hsmc.app.support.HsmcProcess;
import org.hsmc.app.support.HsmcProcess.Result;

import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, finding 1, on the command line as a newcomer meets it: a wrong transport PIN for the third
 * custodian during 01-initialize. The run stops with the PIN refused in words (the PKCS#11 code on a details
 * line), names the run and both ways forward; 01 again is refused naming them; the resume starts and stops
 * at the same prompt (no internal error); the abort needs no quorum and puts the two enrolled cards back;
 * then 01 runs again on the same home, this time with a wrong PIN typed first and the right one at the
 * second attempt, and completes. Each command is its own JVM, as from the shell.
 */
@RequiresSoftHsm
class WrongPinWayForwardCliTest {

    @TempDir
    Path tmp;

    private static Result hsmc(String... args) throws Exception {
        return HsmcProcess.run(args);
    }

    @Test
    void aWrongTransportPinLeavesAWayForwardAndTheHomeLives() throws Exception {
        Path home = tmp.resolve("home");
        String h = home.toString();
        assertThat(hsmc("demo", "--home", h).exit()).isZero();
        Path good = home.resolve("rehearsal-pins.properties");
        String pins = Files.readString(good);
        Path wrong = tmp.resolve("wrong.properties");
        Files.writeString(wrong, pins.replaceAll("(?m)^card\\.demo-card-3\\.transport=.*$", "card.demo-card-3.transport=999999"));
        String init = Path.of("..", "examples", "ceremonies", "01-initialize.yaml").toAbsolutePath().normalize().toString();

        Result stopped = hsmc("ceremony", "run", init, "--home", h, "--rehearsal-pins", wrong.toString());
        assertThat(stopped.exit()).as(stopped.out()).isEqualTo(1);
        assertThat(stopped.out()).contains("REFUSED: The transport PIN of card 'demo-card-3' was not accepted. 2 tries are left",
                "details: C_SetPIN returned CKR_PIN_INCORRECT (0xa0)", "no attempt 2");
        assertThat(line(stopped.out(), "REFUSED:")).doesNotContain("CKR_", "0xa0");
        Matcher m = Pattern.compile("hsmc ceremony resume ([0-9a-f-]{36})").matcher(stopped.out());
        assertThat(m.find()).as(stopped.out()).isTrue();
        String run = m.group(1);
        assertThat(stopped.out()).contains("hsmc ceremony abort " + run + " --reason");

        Result again = hsmc("ceremony", "run", init, "--home", h, "--rehearsal-pins", good.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.out()).contains("the initialize run " + run + " is FAILED and not resolved", "resume it", "abort it");
        assertThat(hsmc("ceremony", "list", "--home", h).out()).contains("FAILED OR INTERRUPTED", run);

        // the resume starts (no internal error) and stops at the same prompt: the file still has the wrong PIN
        Result resumed = hsmc("ceremony", "resume", run, "--home", h, "--rehearsal-pins", wrong.toString());
        assertThat(resumed.exit()).as(resumed.out()).isEqualTo(1);
        assertThat(resumed.out()).doesNotContain("internal error", "ERR-", "already enrolled")
                .contains("[2] done: enrolled in an earlier attempt", "REFUSED: The transport PIN of card 'demo-card-3'");

        Result aborted = hsmc("ceremony", "abort", run, "--reason", "Carol's transport PIN letter was wrong", "--home", h,
                "--rehearsal-pins", good.toString());
        assertThat(aborted.exit()).as(aborted.out()).isZero();
        assertThat(aborted.out()).contains("put back: card 'demo-card-1'", "put back: card 'demo-card-2'",
                "transport PIN set back", "Run " + run + ": ABORTED").doesNotContain("NOT put back", "not been initialised");

        // 01 again on the same home: a wrong transport PIN first, the right one at the second attempt
        Path retry = tmp.resolve("retry.properties");
        Files.writeString(retry, Files.readString(wrong) + "card.demo-card-3.transport.2="
                + pins.lines().filter(l -> l.startsWith("card.demo-card-3.transport=")).findFirst().orElseThrow()
                .substring("card.demo-card-3.transport=".length()) + "\n");
        Result done = hsmc("ceremony", "run", init, "--home", h, "--rehearsal-pins", retry.toString());
        assertThat(done.exit()).as(done.out()).isZero();
        assertThat(done.out()).contains("REFUSED: The transport PIN of card 'demo-card-3'", "attempt 2 from the rehearsal PIN file",
                ": COMPLETED");
        Result audit = hsmc("audit", "verify", "--home", h);
        assertThat(audit.exit()).as(audit.out()).isZero();
        assertThat(hsmc("ceremony", "list", "--home", h).out()).doesNotContain("FAILED OR INTERRUPTED");
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.trim().startsWith(start)).findFirst().orElseThrow();
    }
}
