package org.hsmc.reports;

import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.store.Store;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * Audit extracts of the demo console's log by entry numbers and by days, in both languages, with the
 * verification result; and of a copy whose log was tampered with, which says so.
 */
@RequiresSoftHsm
class AuditExtractTest {

    private static DemoHome home;
    private static ReportData data;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
        data = new ReportData(home.store);
    }

    @Test
    void anExtractByEntryNumbersPrintsEveryEntryOfTheRangeAndTheVerification() {
        CeremonyReportData run = data.ceremony(home.run("03-generate-zone-master-key.yaml"));
        long from = AuditHead.parse(run.audit().headBefore()).seq() + 1;
        long to = AuditHead.parse(run.audit().headAfter()).seq();
        AuditExtractData x = data.auditExtract(new ReportData.AuditRange.BySequence(from, to));
        assertThat(x.entries()).hasSize((int) (to - from + 1));
        assertThat(x.verification().intact()).isTrue();
        assertThat(x.range().fromSeq()).isEqualTo(from);
        for (ReportLanguage lang : ReportLanguage.values()) {
            RenderedReport r = AuditExtract.render(x, lang, TestConsole.PRINTED_AT);
            List<String> pages = Pdfs.pages(r.pdf());
            Texts t = new Texts(lang);
            for (int i = 0; i < pages.size(); i++) {
                assertShows(pages.get(i), t.format("footer.page", i + 1, pages.size()), r.sha256());
            }
            String text = String.join("\n", pages);
            assertShows(text, t.get("extract.intact"), x.verification().head(), "zmk.component_delivered", "zmk.stored",
                    "zone.registered", t.format("extract.covered_value", from, to, x.entries().size()));
            for (AuditExtractData.Entry e : x.entries()) {
                assertShows(text, Labels.time(e.at()), e.action(), e.hash().substring(0, 16));
            }
            Pdfs.preview(r.pdf(), "audit-extract-" + lang.code(), 1);
        }
    }

    @Test
    void anExtractByDaysCoversTheEntriesOfThoseDays() {
        LocalDate today = LocalDate.ofInstant(Instant.parse(data.auditExtract(new ReportData.AuditRange.BySequence(1L, 1L))
                .entries().getFirst().at()), ZoneOffset.UTC);
        AuditExtractData x = data.auditExtract(new ReportData.AuditRange.ByDate(today, null));
        AuditExtractData all = data.auditExtract(new ReportData.AuditRange.BySequence(null, null));
        assertThat(x.entries().getFirst().seq()).isEqualTo(1);
        assertThat(x.range().by()).isEqualTo("DATE");
        AuditExtractData none = data.auditExtract(new ReportData.AuditRange.ByDate(LocalDate.of(2001, 1, 1), LocalDate.of(2001, 1, 31)));
        assertThat(none.entries()).isEmpty();
        assertShows(Pdfs.text(AuditExtract.render(none, ReportLanguage.EN, TestConsole.PRINTED_AT).pdf()),
                "No audit entry lies in this range.", "2001-01-01", "2001-01-31");
        assertThat(all.entries().size()).isGreaterThanOrEqualTo(x.entries().size());
    }

    @Test
    void anExtractOfATamperedLogSaysSoAndNamesTheEntry(@TempDir Path dir) throws Exception {
        Path copy = Tampering.copyWithChangedActor(home, dir, 5, "Mallory");
        try (Store tampered = Store.open(copy)) {
            AuditExtractData x = new ReportData(tampered).auditExtract(new ReportData.AuditRange.BySequence(1L, 10L));
            assertThat(x.verification().intact()).isFalse();
            assertThat(x.verification().damage()).isEqualTo("CHANGED");
            assertThat(x.verification().firstBadSeq()).isEqualTo(5L);
            String en = Pdfs.text(AuditExtract.render(x, ReportLanguage.EN, TestConsole.PRINTED_AT).pdf());
            assertShows(en, "NOT INTACT: an entry was changed, first bad entry 5", "Mallory", "cannot be trusted");
            String zh = Pdfs.text(AuditExtract.render(x, ReportLanguage.ZH, TestConsole.PRINTED_AT).pdf());
            assertShows(zh, "不完好：有记录被修改，首个异常记录 5");
        }
    }
}
