package org.hsmc.app.cli;

import org.hsmc.app.support.Cli.Result;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.hsmc.app.support.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc demo}, {@code hsmc status} and their refusals, run in-process against a real SoftHSM2
 * demo home. SoftHSM2 reads one configuration per process, so only one test here may create a demo home.
 */
@RequiresSoftHsm
class HsmcCommandLineTest {

    @Test
    void theDemoCreatesARehearsalHomeShowsItAndReusesIt(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("demo-home");
        Result first = run("demo", "--home", home.toString());
        assertThat(first.exit()).as(first.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(first.out()).contains("Demo home created: " + home)
                .contains("HSM module:  ").contains("SoftHSM")
                .contains("HSM token:   'demo-hsm'").contains("not logged in")
                .contains("every mechanism the console needs is present")
                .contains("'demo-card-1'", "'demo-card-2'", "'demo-card-3'", "'demo-card-4'", "'demo-card-5'");
        assertThat(first.out().indexOf("'demo-card-1'")).isLessThan(first.out().indexOf("'demo-card-5'"));
        assertThat(Files.readString(home.resolve("site-profile.properties")))
                .contains("hsm.token=demo-hsm").doesNotContain("demo-hsm-1234", "demo-so-1234", "123451");
        assertThat(Files.readString(home.resolve("demo-pins.txt"))).contains("DEMO PIN SHEET").contains("demo-card-5");

        Result again = run("demo", "--home", home.toString());
        assertThat(again.exit()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(again.out()).contains("Demo home already set up").contains("'demo-card-3'");

        Result status = run("status", "--home", home.toString());
        assertThat(status.exit()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(status.out()).contains("HSM token:   'demo-hsm'");
    }

    @Test
    void statusWithoutASiteProfileSaysWhatToDo(@TempDir Path tmp) {
        Result r = run("status", "--home", tmp.resolve("nowhere").toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.err()).contains("There is no site profile at").contains("Run 'hsmc demo'");
    }

    @Test
    void theDemoNeverWritesIntoADirectoryThatHoldsSomethingElse(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("keep-me.txt"), "important");
        Result r = run("demo", "--home", tmp.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.err()).contains("is not empty").contains("--home");
        assertThat(Files.readString(tmp.resolve("keep-me.txt"))).isEqualTo("important");
        assertThat(tmp.resolve("softhsm")).doesNotExist();
    }

    @Test
    void aWrongCommandLineExitsWithTwo() {
        Result r = run("no-such-command");
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_USAGE);
        assertThat(r.err()).contains("no-such-command");
    }

    @Test
    void versionNamesTheRuntime() {
        Result r = run("--version");
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(r.out()).startsWith("hsmc ").contains("Java 25");
    }
}
