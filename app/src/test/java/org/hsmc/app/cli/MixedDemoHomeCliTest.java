package org.hsmc.app.cli;

import org.hsmc.app.support.HsmcProcess;
import org.hsmc.app.support.HsmcProcess.Result;

import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed demo home from the command line: {@code hsmc demo --cards-on nss} puts the HSM on SoftHSM2 and the
 * cards on NSS's softokn (init args in the site profile); the first ceremonies (initialize, the master key with its recovery cards) run with the rehearsal PINs,
 * {@code hsmc hsm check} finds both modules ready, and the audit log verifies. Each command is its own JVM,
 * as from the shell (NSS reads its initialisation arguments once per process).
 */
class MixedDemoHomeCliTest {

    @TempDir
    Path tmp;

    private static Result hsmc(String... args) throws Exception {
        return HsmcProcess.run(args);
    }

    @Test
    void theHsmOnSoftHsmAndTheCardsOnNssRunTheFirstCeremonies() throws Exception {
        TokenStores.softHsm();
        TokenStores.nss(); // both installed (or the test skips; with CI=true it fails)
        Path home = tmp.resolve("home");
        String h = home.toString();
        Result demo = hsmc("demo", "--home", h, "--cards-on", "nss");
        assertThat(demo.exit()).as(demo.out()).isZero();
        assertThat(Files.readString(home.resolve(SiteProfile.FILE))).contains("cards.module.init_args=configdir\\='sql\\:")
                .contains("libsoftokn3.so");
        assertThat(demo.out()).contains("'demo-card-1' serial 0000000000000000/demo-card-1");
        String pins = home.resolve("rehearsal-pins.properties").toString();
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        for (String script : List.of("01-initialize.yaml", "02-generate-master-key.yaml")) {
            Result r = hsmc("ceremony", "run", examples.resolve(script).toString(), "--home", h, "--rehearsal-pins", pins);
            assertThat(r.exit()).as("%s:%n%s", script, r.out()).isZero();
            assertThat(r.out()).contains(": COMPLETED").doesNotContain("FAILED");
        }
        Result check = hsmc("hsm", "check", "--home", h);
        assertThat(check.exit()).as(check.out()).isZero();
        assertThat(check.out()).contains("Token 'demo-hsm' as the HSM: SoftHSM", "Token 'demo-card-3' as an admin card: Mozilla Foundation",
                "READY: 7 token(s) checked");
        Result audit = hsmc("audit", "verify", "--home", h);
        assertThat(audit.exit()).as(audit.out()).isZero();
        org.hsmc.app.support.Cli.Result bad = org.hsmc.app.support.Cli.run("demo", "--home", tmp.resolve("other").toString(),
                "--cards-on", "opencryptoki");
        assertThat(bad.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(bad.err()).contains("--cards-on opencryptoki: write softhsm2 or nss");
        assertThat(tmp.resolve("other")).doesNotExist();
    }
}
