package org.hsmc.reports;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.hsmc.ceremony.run.InitializeCeremony;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.reports.pdf.FontFiles;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The printed script, read back with PDFBox: every page carries the script's SHA-256 (and REHEARSAL for
 * a rehearsal site), every step is there in order with its box, the hash is there to read aloud, and the
 * script itself is attached.
 */
class PrintedScriptTest {

    private static final Path SCRIPT = Path.of("..", "examples", "ceremonies", "01-initialize.yaml");

    private static PrintedScript.Plan plan(boolean rehearsal, int extraSteps) throws Exception {
        byte[] bytes = Files.readAllBytes(SCRIPT);
        ParsedScript parsed = ScriptParser.parse(bytes, SCRIPT.getFileName().toString());
        InitializeScript s = (InitializeScript) parsed.script();
        List<String> steps = new ArrayList<>(InitializeCeremony.plannedSteps(s, "demo-hsm"));
        for (int i = 1; i <= extraSteps; i++) {
            steps.add("check card " + i + " again (a long plan, to make more pages)");
        }
        List<String[]> people = new ArrayList<>();
        people.add(new String[] {s.operator(), "OPERATOR"});
        s.custodians().forEach(c -> people.add(new String[] {c.name(), c.role().name()}));
        s.witnesses().forEach(w -> people.add(new String[] {w, "WITNESS"}));
        return new PrintedScript.Plan(s.title(), "initialize", "demo (SoftHSM2 rehearsal)", rehearsal, parsed.sourceName(),
                parsed.sha256(), people, steps, bytes);
    }

    @Test
    void everyPageCarriesTheHashAndRehearsalAndEveryStepIsListedInOrder() throws Exception {
        for (ReportLanguage lang : ReportLanguage.values()) {
            PrintedScript.Plan plan = plan(true, 60);
            byte[] pdf = PrintedScript.render(plan, lang, Instant.parse("2026-11-23T08:00:00Z"), FontFiles.locate());
            Texts t = new Texts(lang);
            String groups = PrintedScript.groups(plan.scriptSha256());
            assertThat(groups).hasSize(64 + 15).matches("([0-9a-f]{4} ){15}[0-9a-f]{4}");
            List<String> pages = Pdfs.pages(pdf);
            assertThat(pages.size()).as("a plan this long takes several pages").isGreaterThan(2);
            for (int i = 0; i < pages.size(); i++) {
                assertThat(pages.get(i)).as("page " + (i + 1)).contains(t.format("script.footer_hash", groups),
                        t.get("script.rehearsal_footer"), t.format("footer.page", i + 1, pages.size()));
            }
            String all = String.join("\n", pages);
            int at = -1;
            for (String step : plan.steps()) {
                int next = all.replaceAll("\\s+", " ").indexOf(step, at + 1);
                assertThat(next).as(step).isGreaterThan(at);
                at = next;
            }
            String flat = all.replaceAll("\\s+", " ");
            assertThat(flat).contains("☐", t.get("col.initials"), t.get("col.time"), t.get("script.col_expected"),
                    t.get("script.expect_enrol").replaceAll("\\s+", " "), "Alice", "Judy Auditor",
                    t.get("script.rehearsal_banner").substring(0, 8));
            for (String line : PrintedScript.spoken(plan.scriptSha256(), lang)) {
                assertThat(flat).contains(line.substring(0, 20));
            }
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                PDComplexFileSpecification spec = doc.getDocumentCatalog().getNames().getEmbeddedFiles().getNames()
                        .get(PrintedScript.ATTACHMENT);
                assertThat(spec.getEmbeddedFile().toByteArray()).isEqualTo(Files.readAllBytes(SCRIPT));
            }
        }
    }

    @Test
    void aRealSiteHasNoRehearsalMarkAndTheSpokenFormSpellsTheHash() throws Exception {
        PrintedScript.Plan plan = plan(false, 0);
        String all = Pdfs.text(PrintedScript.render(plan, ReportLanguage.EN, Instant.parse("2026-11-23T08:00:00Z"), FontFiles.locate()));
        assertThat(all).doesNotContain("REHEARSAL");
        String hex = java.util.HexFormat.of().formatHex(plan.scriptSha256());
        String spoken = String.join(" / ", PrintedScript.spoken(plan.scriptSha256(), ReportLanguage.EN));
        String[] words = spoken.replace(" / ", " ").split(" ");
        assertThat(words).hasSize(64);
        List<String> alphabet = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "alfa", "bravo",
                "charlie", "delta", "echo", "foxtrot");
        StringBuilder back = new StringBuilder();
        for (String w : words) {
            back.append(Character.forDigit(alphabet.indexOf(w), 16));
        }
        assertThat(back.toString()).isEqualTo(hex);
    }
}
