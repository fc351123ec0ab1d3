package org.hsmc.app.cli;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.hsmc.app.support.Cli;
import org.hsmc.reports.PrintedScript;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc script print} in a rehearsal home, read back with PDFBox page by page: the hash and
 * REHEARSAL on every page, the steps the run will journal; then the run's report names the printed
 * script by the same hash.
 */
@RequiresSoftHsm
class ScriptPrintCliTest {

    @TempDir
    Path tmp;

    private static List<String> pages(Path pdf) throws Exception {
        try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
            java.util.ArrayList<String> out = new java.util.ArrayList<>();
            for (int i = 1; i <= doc.getNumberOfPages(); i++) {
                PDFTextStripper s = new PDFTextStripper();
                s.setStartPage(i);
                s.setEndPage(i);
                out.add(s.getText(doc));
            }
            return out;
        }
    }

    @Test
    void thePrintedScriptCarriesItsHashOnEveryPageAndTheReportNamesIt() throws Exception {
        Path home = tmp.resolve("demo");
        Path examples = Path.of("..", "examples", "ceremonies").toAbsolutePath().normalize();
        assertThat(Cli.run("demo", "--home", home.toString()).exit()).isZero();
        Path script = examples.resolve("01-initialize.yaml");
        String groups = PrintedScript.groups(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script)));

        for (String lang : List.of("en", "zh")) {
            Path pdf = tmp.resolve("01-" + lang + ".pdf");
            Cli.Result r = Cli.run("script", "print", script.toString(), "--out", pdf.toString(), "--lang", lang, "--home", home.toString());
            assertThat(r.exit()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("Script SHA-256: " + groups, "(REHEARSAL)", "Steps:          13");
            List<String> pages = pages(pdf);
            assertThat(pages).isNotEmpty().allSatisfy(p -> assertThat(p).contains(groups).containsAnyOf("REHEARSAL", "演练"));
            String all = String.join(" ", pages).replaceAll("\\s+", " ");
            assertThat(all).contains("enrol Bob (KEY_CUSTODIAN) with card 'demo-card-2'", "split the HSM credential 3-of-5 over the cards");
        }
        Cli.Result again = Cli.run("script", "print", script.toString(), "--out", tmp.resolve("01-en.pdf").toString(), "--home", home.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("exists already");

        // a quorum ceremony's steps come from the engine, as the run will journal them
        Cli.Result lmk = Cli.run("script", "print", examples.resolve("02-generate-master-key.yaml").toString(), "--out",
                tmp.resolve("02.pdf").toString(), "--home", home.toString());
        assertThat(lmk.exit()).as(lmk.out() + lmk.err()).isZero();
        assertThat(String.join(" ", pages(tmp.resolve("02.pdf"))).replaceAll("\\s+", " "))
                .contains("create lmk/v1 in the HSM, split 2-of-3 onto the recovery cards of Bob, Carol, Dave");

        // the run's report names the printed script by its hash
        Cli.Result run = Cli.run("ceremony", "run", script.toString(), "--home", home.toString(), "--rehearsal-pins",
                home.resolve(DemoCommand.REHEARSAL_PINS).toString());
        assertThat(run.exit()).as(run.out()).isZero();
        String runId = run.out().lines().filter(l -> l.startsWith("Run ")).findFirst().orElseThrow().split("[ :]")[1];
        Path report = tmp.resolve("report.pdf");
        Cli.Result rep = Cli.run("report", "ceremony", runId, "--out", report.toString(), "--home", home.toString());
        assertThat(rep.exit()).as(rep.out() + rep.err()).isZero();
        assertThat(String.join(" ", pages(report)).replaceAll("\\s+", " ")).contains("Printed script", groups);
    }
}
