package org.hsmc.app.cli;

import org.hsmc.app.support.CapturedLogs;
import org.hsmc.app.support.ComponentFormChecks;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The generate-zone-master-key ceremony on the command line prints one component form per component, inside the
 * ceremony: in the demo home (a rehearsal) the forms land in its component-forms folder, marked REHEARSAL. Read
 * back, each shows the zone, the key id, "i of K", its component and KCVs that match; the KCVs are those of the
 * audit log and of the key the store holds; and no component reaches the terminal or the diagnostic log.
 */
@RequiresSoftHsm
class ComponentFormsCliTest {

    @TempDir
    Path tmp;

    @Test
    void theZmkCeremonyPrintsOneFormPerComponentAndNoComponentLeaks() throws Exception {
        Path home = tmp.resolve("demo");
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        String pins = home.resolve("rehearsal-pins.properties").toString();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> logs;
        try (CapturedLogs log = new CapturedLogs()) {
            PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(both);
            System.setErr(both);
            assertThat(Hsmc.run("demo", "--home", home.toString())).isZero();
            for (String s : List.of("01-initialize", "02-generate-master-key", "03-generate-zone-master-key")) {
                assertThat(Hsmc.run("ceremony", "run", examples.resolve(s + ".yaml").toString(), "--home", home.toString(),
                        "--rehearsal-pins", pins)).as(captured.toString(StandardCharsets.UTF_8)).isZero();
            }
            logs = log.lines();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String terminal = captured.toString(StandardCharsets.UTF_8);
        assertThat(terminal).contains("Component 1 of 3 of zmk/sh-01/v1 for Bob", "component form printed: rehearsal: written to");

        Path folder = home.resolve(RehearsalFormFolder.FOLDER);
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.sorted().toList();
        }
        assertThat(files).allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("REHEARSAL-zmk-sh-01-v1-component-"));
        List<ComponentFormChecks.Form> forms = ComponentFormChecks.check(files, "sh-01", "zmk/sh-01/v1", List.of("Bob", "Carol", "Dave"));

        // the same KCVs as the audit log and the store
        ByteArrayOutputStream zones = new ByteArrayOutputStream();
        System.setOut(new PrintStream(zones, true, StandardCharsets.UTF_8));
        try {
            assertThat(Hsmc.run("zones", "--home", home.toString())).isZero();
        } finally {
            System.setOut(out);
        }
        assertThat(zones.toString(StandardCharsets.UTF_8)).contains("KCV " + forms.getFirst().combinedKcv());
        try (org.hsmc.ceremony.store.Store store = org.hsmc.ceremony.store.Store.open(ConsoleHome.store(home))) {
            List<String> delivered = new org.hsmc.ceremony.audit.AuditLog(store, java.time.Clock.systemUTC()).entries(1, Long.MAX_VALUE)
                    .stream().filter(e -> e.action().equals("zmk.component_delivered")).map(e -> e.detailsJson()).toList();
            assertThat(delivered).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(delivered.get(i)).contains(forms.get(i).componentKcv()).contains((i + 1) + " of 3");
            }
        }

        // no component on the terminal, in the log, or anywhere in the home but its own form
        for (ComponentFormChecks.Form f : forms) {
            for (String spelling : ComponentFormChecks.spellings(f.component())) {
                assertThat(terminal).doesNotContain(spelling);
                assertThat(logs).noneMatch(l -> l.contains(spelling));
            }
        }
        assertThat(logs).as("the log was captured at every level").isNotEmpty();
    }
}
