package org.hsmc.reports;

import org.hsmc.ceremony.run.CeremonyConsole.ComponentDelivery;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rehearsal material cannot pass for real: a component form printed in a demo home says REHEARSAL (演练) on its page,
 * a real one does not; a ceremony report is a rehearsal's when its PINs came from a rehearsal file or its site is a
 * demo home's.
 */
class RehearsalMarkTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private static ComponentDelivery delivery() {
        byte[] value = new byte[32];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (i * 7 + 3);
        }
        return new ComponentDelivery("run-1", "sh-01", "zmk/sh-01/v1", 1, 1, 3, "Bob", value, "0123456789", "9876543210");
    }

    @Test
    void aRehearsalFormSaysSoOnEveryPageAndARealOneDoesNot() {
        for (ReportLanguage lang : ReportLanguage.values()) {
            String mark = new Texts(lang).get("header.rehearsal");
            List<String> rehearsal = Pdfs.pages(ComponentForms.renderRehearsal(delivery(), lang, AT));
            assertThat(rehearsal).isNotEmpty().allSatisfy(page -> assertThat(page).contains(mark));
            List<String> real = Pdfs.pages(ComponentForms.render(delivery(), lang, AT));
            assertThat(real).noneSatisfy(page -> assertThat(page).contains(mark));
        }
        assertThat(new Texts(ReportLanguage.EN).get("header.rehearsal")).isEqualTo("REHEARSAL");
        assertThat(new Texts(ReportLanguage.ZH).get("header.rehearsal")).isEqualTo("演练");
    }

    private static CeremonyReportData.Run run(String site, boolean rehearsalPins) {
        return new CeremonyReportData.Run("r", "generate-master-key", "t", "s.yaml", "00", site, "Alice", "COMPLETED", "a", "b", null,
                rehearsalPins, null, List.of());
    }

    @Test
    void aReportIsARehearsalsWhenItsPinsWereReadFromAFileOrItRanInADemoHome() {
        assertThat(CeremonyReport.rehearsal(run("demo (SoftHSM2 rehearsal)", false))).isTrue();
        assertThat(CeremonyReport.rehearsal(run("Head office, room 4", true))).isTrue();
        assertThat(CeremonyReport.rehearsal(run("Head office, room 4", false))).isFalse();
    }
}
