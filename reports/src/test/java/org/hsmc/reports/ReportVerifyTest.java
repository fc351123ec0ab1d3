package org.hsmc.reports;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.hsmc.ceremony.store.Store;
import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hsmc report verify} at work: a report as printed checks out (also after later ceremonies
 * changed the keys it lists); each kind of tampering fails its own check and names what differs.
 */
@RequiresSoftHsm
class ReportVerifyTest {

    private static DemoHome home;
    private static ReportData data;
    private static FontFiles fonts;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
        data = new ReportData(home.store);
        fonts = FontFiles.locate();
    }

    private static Path printed(Path dir, String file, ReportLanguage lang) {
        RenderedReport r = CeremonyReport.render(data.ceremony(home.run(file)), lang, Instant.parse("2026-11-23T11:00:00Z"), fonts);
        Path pdf = dir.resolve(file.replace(".yaml", "") + "-" + lang.code() + ".pdf");
        ReportFiles.write(r, pdf, true);
        return pdf;
    }

    private static Map<String, ReportVerifier.Check> verify(Path pdf) {
        return ReportVerifier.byName(ReportVerifier.verify(pdf, data, fonts));
    }

    @Test
    void aReportAsPrintedChecksOutInBothLanguagesEvenAfterLaterCeremonies(@TempDir Path dir) {
        // run 04's keys were rotated (05) and one revoked (06) after it; its report still checks out
        for (ReportLanguage lang : ReportLanguage.values()) {
            ReportVerifier.Result r = ReportVerifier.verify(printed(dir, "04-generate-working-keys.yaml", lang), data, fonts);
            assertThat(r.checks()).extracting(ReportVerifier.Check::name)
                    .containsExactly("facts", "pdf file", "pages", "records", "printed text", "audit log");
            assertThat(r.checks()).allSatisfy(c -> assertThat(c.passed()).as(c.name() + ": " + c.findings()).isTrue());
            assertThat(r.verified()).isTrue();
            assertThat(r.kind()).isEqualTo(ReportJson.CEREMONY);
            assertThat(r.subject()).contains(home.run("04-generate-working-keys.yaml"));
        }
    }

    @Test
    void aChangedCompanionIsNamed(@TempDir Path dir) throws Exception {
        Path pdf = printed(dir, "02-generate-master-key.yaml", ReportLanguage.EN);
        Path json = dir.resolve("02-generate-master-key-en.json");
        Files.writeString(json, Files.readString(json).replace("\"site\":\"test site\"", "\"site\":\"other site\""));
        Map<String, ReportVerifier.Check> checks = verify(pdf);
        assertThat(checks.get("facts").passed()).isFalse();
        assertThat(checks.get("facts").findings()).singleElement().asString().contains("companion 02-generate-master-key-en.json");
        assertThat(checks.get("records").passed()).isTrue();
    }

    @Test
    void changedFactsInsideThePdfBreakTheHashAndAreNamedByPath(@TempDir Path dir) throws Exception {
        Path pdf = printed(dir, "03-generate-zone-master-key.yaml", ReportLanguage.EN);
        Files.delete(dir.resolve("03-generate-zone-master-key-en.json"));
        String kcv = data.ceremony(home.run("03-generate-zone-master-key.yaml")).keys().get(1).kcv();
        replaceAttachment(pdf, json -> json.replace("\"kcv\":\"" + kcv + "\"", "\"kcv\":\"0000000000\""));
        Map<String, ReportVerifier.Check> checks = verify(pdf);
        assertThat(checks.get("facts").findings()).anySatisfy(f -> assertThat(f).contains("the facts were changed after printing"));
        assertThat(checks.get("records").findings()).containsExactly(
                "keys[1].kcv: the report says '0000000000', the console's records say '" + kcv + "'.");
    }

    @Test
    void aMissingPageIsNoticed(@TempDir Path dir) throws Exception {
        Path pdf = printed(dir, "01-initialize.yaml", ReportLanguage.ZH);
        int pages;
        try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
            pages = doc.getNumberOfPages();
            assertThat(pages).isGreaterThanOrEqualTo(3);
            doc.removePage(1);
            save(doc, pdf);
        }
        Map<String, ReportVerifier.Check> checks = verify(pdf);
        assertThat(checks.get("pages").passed()).isFalse();
        assertThat(checks.get("pages").findings()).anySatisfy(f -> assertThat(f)
                .contains("Page 2 does not say '第 2 页，共 " + (pages - 1) + " 页', but '第 3 页，共 " + pages + " 页'"));
        assertThat(checks.get("facts").passed()).isTrue();
    }

    @Test
    void textAddedToAPageIsNoticed(@TempDir Path dir) throws Exception {
        Path pdf = printed(dir, "06-revoke.yaml", ReportLanguage.EN);
        try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
            try (PDPageContentStream cs = new PDPageContentStream(doc, doc.getPage(0), PDPageContentStream.AppendMode.APPEND, true)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 9);
                cs.newLineAtOffset(300, 400);
                cs.showText("approved by the board");
                cs.endText();
            }
            save(doc, pdf);
        }
        Map<String, ReportVerifier.Check> checks = verify(pdf);
        assertThat(checks.get("printed text").passed()).isFalse();
        assertThat(checks.get("printed text").findings()).singleElement().asString().startsWith("Page 1 differs from what the facts print");
        assertThat(checks.get("facts").passed()).isTrue();
        assertThat(checks.get("records").passed()).isTrue();
    }

    @Test
    void aReportOfOtherFactsIsNamedByPath(@TempDir Path dir) {
        CeremonyReportData real = data.ceremony(home.run("02-generate-master-key.yaml"));
        CeremonyReportData.Run r = real.run();
        CeremonyReportData forged = new CeremonyReportData(new CeremonyReportData.Run(r.id(), r.type(), r.title(), r.source(),
                r.scriptSha256(), r.site(), "Mallory", r.state(), r.startedAt(), r.endedAt(), r.failure(), r.rehearsalPins(), r.notes(),
                r.witnesses()), real.audit(), real.participants(), real.refusals(), real.steps(), real.keys(), real.components(),
                real.bundles(), real.signatures(), real.auditorRecord());
        Path pdf = dir.resolve("forged.pdf");
        ReportFiles.write(CeremonyReport.render(forged, ReportLanguage.EN, Instant.now(), fonts), pdf, true);
        Map<String, ReportVerifier.Check> checks = verify(pdf);
        assertThat(checks.get("facts").passed()).isTrue();
        assertThat(checks.get("pages").passed()).isTrue();
        assertThat(checks.get("records").findings()).containsExactly("run.operator: the report says 'Mallory', the console's records say 'Alice'.");
        assertThat(checks.get("printed text").passed()).isFalse();
    }

    @Test
    void aTamperedAuditLogFailsTheReport(@TempDir Path dir) throws Exception {
        Path pdf = printed(dir, "05-rotate.yaml", ReportLanguage.EN);
        Path copy = Tampering.copyWithChangedActor(home, dir, 3, "Mallory");
        try (Store tampered = Store.open(copy)) {
            Map<String, ReportVerifier.Check> checks = ReportVerifier.byName(ReportVerifier.verify(pdf, new ReportData(tampered), fonts));
            assertThat(checks.get("audit log").passed()).isFalse();
            assertThat(checks.get("audit log").findings()).anySatisfy(f -> assertThat(f).contains("CHANGED at entry 3"));
        }
    }

    @Test
    void extractsAndInventoriesCheckOutAndAFormIsNoReport(@TempDir Path dir) throws Exception {
        Path extract = dir.resolve("extract.pdf");
        ReportFiles.write(AuditExtract.render(data.auditExtract(new ReportData.AuditRange.BySequence(10L, 40L)), ReportLanguage.ZH,
                Instant.now(), fonts), extract, false);
        assertThat(ReportVerifier.verify(extract, data, fonts).checks())
                .allSatisfy(c -> assertThat(c.passed()).as(c.name() + ": " + c.findings()).isTrue());
        Path inventory = dir.resolve("inventory.pdf");
        ReportFiles.write(InventoryReport.render(data.inventory(Instant.parse("2027-06-01T00:00:00Z"), 30), ReportLanguage.EN,
                Instant.now(), fonts), inventory, false);
        assertThat(ReportVerifier.verify(inventory, data, fonts).verified()).isTrue();
        Path form = dir.resolve("form.pdf");
        Files.write(form, home.console.delivered.getFirst().formEn());
        ReportVerifier.Result r = ReportVerifier.verify(form, data, fonts);
        assertThat(r.verified()).isFalse();
        assertThat(r.checks()).singleElement().satisfies(c -> assertThat(c.findings().getFirst()).contains("carries no report facts"));
    }

    private static void replaceAttachment(Path pdf, java.util.function.UnaryOperator<String> change) throws Exception {
        try (PDDocument doc = Loader.loadPDF(Files.readAllBytes(pdf))) {
            PDComplexFileSpecification spec = doc.getDocumentCatalog().getNames().getEmbeddedFiles().getNames().get(ReportJson.ATTACHMENT);
            String json = new String(spec.getEmbeddedFile().toByteArray(), StandardCharsets.UTF_8);
            byte[] changed = change.apply(json).getBytes(StandardCharsets.UTF_8);
            assertThat(changed).isNotEqualTo(json.getBytes(StandardCharsets.UTF_8));
            PDEmbeddedFile ef = new PDEmbeddedFile(doc, new ByteArrayInputStream(changed));
            spec.setEmbeddedFile(ef);
            spec.setEmbeddedFileUnicode(ef);
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(Map.of(ReportJson.ATTACHMENT, spec));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            doc.getDocumentCatalog().setNames(names);
            save(doc, pdf);
        }
    }

    private static void save(PDDocument doc, Path pdf) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        doc.save(out);
        Files.write(pdf, out.toByteArray());
    }

    static List<String> names(ReportVerifier.Result r) {
        return new ArrayList<>(ReportVerifier.byName(r).keySet());
    }
}
