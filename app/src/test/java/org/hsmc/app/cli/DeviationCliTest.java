package org.hsmc.app.cli;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.hsmc.app.support.Cli;
import org.hsmc.ceremony.audit.AuditEntry;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.store.Store;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point 4: a deviation is recorded (and audited), appears in the run's report under its own heading and
 * is counted on the first page, in English and Chinese; a report printed before it no longer matches the
 * records; a bad deviation is refused and the refusal audited.
 */
@RequiresSoftHsm
class DeviationCliTest {

    @TempDir
    Path tmp;

    private static String page(Path pdf, int n) throws Exception {
        try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
            PDFTextStripper s = new PDFTextStripper();
            s.setStartPage(n);
            s.setEndPage(n == 0 ? doc.getNumberOfPages() : n);
            if (n == 0) {
                s.setStartPage(1);
            }
            return s.getText(doc).replaceAll("\\s+", " ");
        }
    }

    @Test
    void aDeviationIsAuditedReportedAndCounted() throws Exception {
        Path home = tmp.resolve("demo");
        String h = home.toString();
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        assertThat(Cli.run("demo", "--home", h).exit()).isZero();
        // the unattended rehearsal loop takes deviations from a small file next to the PIN file
        Files.writeString(home.resolve(RehearsalRecord.FILE), """
                initialize.deviation.1.step=1
                initialize.deviation.1.what=The HSM token was adopted ten minutes late
                initialize.deviation.1.instead=the operator waited for the second witness
                initialize.deviation.1.by=Alice
                generate-master-key.deviation.1.what=not this ceremony
                generate-master-key.deviation.1.instead=-
                """);
        Cli.Result run = Cli.run("ceremony", "run", examples.resolve("01-initialize.yaml").toString(), "--home", h, "--rehearsal-pins",
                home.resolve(DemoCommand.REHEARSAL_PINS).toString());
        assertThat(run.exit()).as(run.out()).isZero();
        String runId = run.out().lines().filter(l -> l.startsWith("Run ")).findFirst().orElseThrow().split("[ :]")[1];

        Path before = tmp.resolve("before.pdf");
        assertThat(Cli.run("report", "ceremony", runId, "--out", before.toString(), "--home", h).exit()).isZero();
        assertThat(run.out()).contains("Deviation 1 recorded from " + RehearsalRecord.FILE);
        assertThat(page(before, 1)).contains("Deviations 1 recorded");

        Cli.Result dev = Cli.run("ceremony", "deviation", runId, "--step", "3", "--what", "Carol's card reader failed",
                "--instead", "the spare reader from the safe was used", "--by", "Alice", "--home", h);
        assertThat(dev.exit()).as(dev.err()).isZero();
        Cli.Result bad = Cli.run("ceremony", "deviation", runId, "--step", "-2", "--what", "x", "--instead", "y", "--by", "Alice", "--home", h);
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("not recorded", "numbered from 1");
        try (Store store = Store.open(ConsoleHome.store(home))) {
            List<AuditEntry> devs = new AuditLog(store, Clock.systemUTC()).entries(1, Long.MAX_VALUE).stream()
                    .filter(e -> e.action().equals("run.deviation")).toList();
            assertThat(devs).extracting(AuditEntry::outcome).containsExactly("DONE", "DONE", "REFUSED");
            assertThat(devs.get(1).details()).containsEntry("run", runId).containsEntry("step", "3")
                    .containsEntry("what", "Carol's card reader failed");
        }

        for (String lang : List.of("en", "zh")) {
            Path after = tmp.resolve("after-" + lang + ".pdf");
            assertThat(Cli.run("report", "ceremony", runId, "--out", after.toString(), "--lang", lang, "--home", h).exit()).isZero();
            String first = page(after, 1);
            assertThat(first).containsAnyOf("Deviations 2 recorded", "偏差 已记录 2 项");
            assertThat(page(after, 0)).containsAnyOf("Deviations from the script", "与脚本的偏差")
                    .contains("Carol's card reader failed", "the spare reader from the safe was used",
                            "The HSM token was adopted ten minutes late").doesNotContain("not this ceremony");
            Cli.Result verify = Cli.run("report", "verify", after.toString(), "--home", h);
            assertThat(verify.exit()).as(verify.out()).isZero();
        }
        Cli.Result stale = Cli.run("report", "verify", before.toString(), "--home", h);
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.out()).contains("auditor_record.deviations");
    }
}
