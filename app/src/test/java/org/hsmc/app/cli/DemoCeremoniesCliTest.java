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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo path on the command line, as a newcomer runs it: {@code hsmc demo}, then every example
 * script in order with the rehearsal PIN file, then the inventory, zones, runs and the audit log.
 * Each command is its own JVM (as from the shell), so the demo home's SoftHSM2 store is loaded there.
 */
@RequiresSoftHsm
class DemoCeremoniesCliTest {

    @TempDir
    Path tmp;

    private static Result hsmc(String... args) throws Exception {
        return HsmcProcess.run(args);
    }

    @Test
    void theDemoRunsEveryExampleCeremonyFromTheCommandLine() throws Exception {
        Path home = tmp.resolve("home");
        String h = home.toString();
        Result demo = hsmc("demo", "--home", h);
        assertThat(demo.exit()).as(demo.out()).isZero();
        String pins = home.resolve("rehearsal-pins.properties").toString();
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        for (String script : List.of("01-initialize.yaml", "02-generate-master-key.yaml", "03-generate-zone-master-key.yaml",
                "04-generate-working-keys.yaml", "05-rotate.yaml", "06-revoke.yaml", "07-import-zone-master-key.yaml",
                // the custody ceremonies (issue 16): the demo's spare and new cards, unblock by the card's SO PIN
                "10-replace-card.yaml", "11-enrol-card.yaml", "12-unblock-card.yaml", "13-revoke-card.yaml",
                "14-change-quorum.yaml")) {
            Result r = hsmc("ceremony", "run", examples.resolve(script).toString(), "--home", h, "--rehearsal-pins", pins);
            assertThat(r.exit()).as("%s:%n%s", script, r.out()).isZero();
            assertThat(r.out()).contains(": COMPLETED").doesNotContain("FAILED");
        }
        Result keys = hsmc("keys", "--home", h, "--json");
        assertThat(keys.exit()).isZero();
        assertThat(keys.out()).contains("\"wk/sh-01/dek/v1\"", "\"wk/sh-01/dek/v2\"", "\"REVOKED\"").doesNotContain("wrapped");
        Result zones = hsmc("zones", "--home", h);
        assertThat(zones.out()).contains("sh-01", "bj-01", "zmk/bj-01/v1", "KCV 79302E0A7E");
        Result runs = hsmc("ceremony", "list", "--home", h);
        assertThat(runs.out()).doesNotContain("INTERRUPTED").contains("generate-working-keys  COMPLETED")
                .contains("replace-card  COMPLETED", "enrol-card  COMPLETED", "unblock-card  COMPLETED", "revoke-card  COMPLETED",
                        "change-quorum  COMPLETED");
        Result audit = hsmc("audit", "verify", "--home", h);
        assertThat(audit.exit()).as(audit.out()).isZero();

        // a script that does not fit is refused with its reason, exit code 1, and nothing changes
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(examples.resolve("04-generate-working-keys.yaml")).replace("zone: sh-01", "zone: xx-99"));
        Result refused = hsmc("ceremony", "run", bad.toString(), "--home", h, "--rehearsal-pins", pins);
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.out()).contains("the zone 'xx-99' does not exist").contains("nothing was changed");
        // a broken script is refused before anything is touched
        Files.writeString(bad, "ceremony: generate-working-keys\nformat: 1\ncolour: blue\n");
        Result broken = hsmc("ceremony", "check", bad.toString());
        assertThat(broken.exit()).isEqualTo(1);
        assertThat(broken.out()).contains("unknown field 'colour'");
    }
}
