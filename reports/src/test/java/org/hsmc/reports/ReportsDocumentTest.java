package org.hsmc.reports;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked example of docs/reports.md, re-derived from the document's own text. */
class ReportsDocumentTest {

    private static final Path DOC = Path.of("..", "docs", "reports.md");

    /** The fenced block after {@code <!-- example:NAME -->}. */
    static String block(String doc, String name) {
        int at = doc.indexOf("<!-- example:" + name + " -->");
        assertThat(at).as(name).isNotNegative();
        int start = doc.indexOf("```\n", at) + 4;
        return doc.substring(start, doc.indexOf("\n```", start));
    }

    @Test
    void theFactsHashAndTheCompanionOfTheWorkedExample() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        byte[] facts = block(doc, "facts").getBytes(StandardCharsets.UTF_8);
        assertThat(ReportJson.canonical(ReportJson.parse(facts))).as("the facts are canonical").isEqualTo(facts);
        assertThat(ReportJson.sha256(facts)).isEqualTo(block(doc, "facts-hash"));
        String pdfSha = doc.substring(doc.indexOf("whose own SHA-256 is") + "whose own SHA-256 is".length()).strip();
        pdfSha = pdfSha.substring(pdfSha.indexOf('`') + 1, pdfSha.indexOf('`', 1));
        byte[] companion = ReportJson.companionFile(facts, pdfSha);
        assertThat(new String(companion, StandardCharsets.UTF_8)).isEqualTo(block(doc, "companion"));
        ReportJson.CompanionFile back = ReportJson.readCompanionFile(block(doc, "companion").getBytes(StandardCharsets.UTF_8));
        assertThat(back.facts()).isEqualTo(facts);
        assertThat(back.pdfSha256()).isEqualTo(pdfSha);
        // every member the document's facts table names is a member of the facts record
        for (String member : new String[] {"run", "audit", "participants", "refusals", "steps", "keys", "components", "bundles",
                "signatures", "auditor_record"}) {
            assertThat(doc).contains("| `" + member + "` |");
        }
        assertThat(java.util.Arrays.stream(CeremonyReportData.class.getRecordComponents()).map(c -> c.getName()
                .replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT)))
                .allSatisfy(m -> assertThat(doc).contains("| `" + m + "` |"));
    }
}
