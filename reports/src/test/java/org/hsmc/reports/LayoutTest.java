package org.hsmc.reports;

import org.hsmc.reports.pdf.FontFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * Layout without an HSM: a ceremony report from plain records with long notes, a Chinese operator,
 * hundreds of keys and a character no font has; rows split across pages keep their header, nothing
 * is lost, and the fonts are embedded subsets. Also where the fonts are found, and that a missing
 * one is refused with what to install.
 */
class LayoutTest {

    static CeremonyReportData bigRun(int keys, String notes) {
        List<CeremonyReportData.KeyChange> k = new ArrayList<>();
        for (int i = 1; i <= keys; i++) {
            k.add(new CeremonyReportData.KeyChange("wk/zone-" + (i % 7) + "/dek/v" + i, "WORKING_KEY", i, String.format("%010X", i * 7919L),
                    "CREATED", "AES-256", "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", null, null));
        }
        return new CeremonyReportData(
                new CeremonyReportData.Run("11111111-2222-3333-4444-555555555555", "generate-working-keys", "年度工作密钥 (yearly working keys)",
                        "big.yaml", "ab".repeat(32), "北京数据中心 · Beijing DC", "张伟", "COMPLETED", "2026-11-23T08:00:00Z",
                        "2026-11-23T08:10:00Z", null, false, notes, List.of("李娜", "Judy Auditor")),
                new CeremonyReportData.AuditSpan("1:" + "0".repeat(64), "99999:" + "f".repeat(64)),
                List.of(new CeremonyReportData.Participant("张伟", "c1", "SECURITY_OFFICER", "0011223344556677", List.of("2026-11-23T08:01:00Z"),
                        false, List.of(), List.of())),
                List.of(),
                List.of(new CeremonyReportData.StepAttempt(1, 1, "generate working keys 1–" + keys + " of " + keys, "2026-11-23T08:02:00Z",
                        "2026-11-23T08:09:00Z", "DONE", keys + " key(s) made")),
                k, List.of(), List.of(new CeremonyReportData.Bundle("2026-11-23T08:09:30Z", "zone-1", 7L, "cd".repeat(32), "ef".repeat(32), "zone-1-0007.p7m", 400, 2, "2026-12-23T08:09:30Z")),
                List.of(new CeremonyReportData.SignatureLine("OPERATOR", "张伟"), new CeremonyReportData.SignatureLine("WITNESS", "李娜"),
                        new CeremonyReportData.SignatureLine("AUDITOR", "")));
    }

    @Test
    void aLongReportBreaksIntoNumberedPagesAndLosesNothing() {
        String notes = ("第一段：密钥仪式在双人控制下进行。The ceremony follows the site's dual-control procedure; "
                + "every step is witnessed. ").repeat(120) + "Character no font has: \uDBFF\uDFFD.";
        CeremonyReportData d = bigRun(400, notes);
        RenderedReport r = CeremonyReport.render(d, ReportLanguage.EN, Instant.parse("2026-11-23T10:00:00Z"));
        List<String> pages = Pdfs.pages(r.pdf());
        assertThat(pages.size()).isGreaterThan(10).isEqualTo(r.pages());
        for (int i = 0; i < pages.size(); i++) {
            assertShows(pages.get(i), "Page " + (i + 1) + " of " + pages.size(), d.run().id(), r.sha256());
        }
        String all = String.join("\n", pages);
        for (CeremonyReportData.KeyChange k : d.keys()) {
            assertShows(all, k.id(), k.kcv());
        }
        assertShows(all, "张伟", "北京数据中心", "李娜", "[U+10FFFD]", "cd".repeat(32), "zone-1-0007.p7m", "ab".repeat(32));
        // the header of the keys table is repeated on every page the table spans
        long headers = pages.stream().filter(p -> p.contains("Key") && p.contains("KCV") && p.contains("Change")).count();
        assertThat(headers).isGreaterThan(5);
        Pdfs.preview(r.pdf(), "layout-long-report-en", 2);
    }

    @Test
    void fontsAreEmbeddedSubsets() throws Exception {
        RenderedReport r = CeremonyReport.render(bigRun(3, "注意"), ReportLanguage.ZH, Instant.parse("2026-11-23T10:00:00Z"));
        try (var doc = org.apache.pdfbox.Loader.loadPDF(r.pdf())) {
            List<String> fonts = new ArrayList<>();
            for (var page : doc.getPages()) {
                for (var name : page.getResources().getFontNames()) {
                    var f = page.getResources().getFont(name);
                    assertThat(f.isEmbedded()).as(f.getName()).isTrue();
                    fonts.add(f.getName());
                }
            }
            assertThat(fonts).allMatch(n -> n.matches("[A-Z]{6}\\+.*"), "subset prefix");
            assertThat(fonts).anyMatch(n -> n.contains("WenQuanYiZenHei")).anyMatch(n -> n.contains("DejaVuSansMono"));
        }
        assertThat(r.pdf().length).as("a subset, not the 16 MB collection").isLessThan(400_000);
    }

    @Test
    void fontsAreFoundInTheConfiguredFolderFirstAndAMissingOneIsNamedWithWhatToInstall(@TempDir Path dir) throws Exception {
        FontFiles system = FontFiles.locate();
        Files.copy(system.mono(), dir.resolve("DejaVuSansMono.ttf"));
        FontFiles mixed = FontFiles.locateIn(List.of(dir, system.regular().getParent(), system.cjk().getParent()));
        assertThat(mixed.mono()).isEqualTo(dir.resolve("DejaVuSansMono.ttf"));
        assertThat(mixed.regular()).isEqualTo(system.regular());
        assertThatThrownBy(() -> FontFiles.locateIn(List.of(dir)))
                .isInstanceOf(FontFiles.ReportFontsMissingException.class)
                .hasMessageContaining("wqy-zenhei.ttc").hasMessageContaining("DejaVuSans.ttf")
                .hasMessageContaining("apt-get install fonts-dejavu-core fonts-wqy-zenhei").hasMessageContaining(FontFiles.PROPERTY);
    }

    @Test
    void languagesAreReadFromTheirCodes() {
        assertThat(ReportLanguage.of("zh-CN")).isEqualTo(ReportLanguage.ZH);
        assertThat(ReportLanguage.of("EN")).isEqualTo(ReportLanguage.EN);
        assertThatThrownBy(() -> ReportLanguage.of("fr")).hasMessageContaining("en (English) or zh (Simplified Chinese)");
    }
}
