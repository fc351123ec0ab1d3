package org.hsmc.reports;

import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * The key inventory of the demo console, judged at a fixed moment (2027-06-01): grouped by zone,
 * every key with KCV, version and expiry, the expired, revoked and superseded ones marked, and the
 * keys due for rotation exactly those {@code KeyHierarchy.dueForRotation} names.
 */
@RequiresSoftHsm
class InventoryReportTest {

    private static final Instant AS_OF = Instant.parse("2027-06-01T00:00:00Z");
    private static DemoHome home;
    private static ReportData data;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
        data = new ReportData(home.store);
    }

    @Test
    void theInventoryIsGroupedByZoneWithExpiryAndTheKeysDueForRotation() {
        InventoryData inv = data.inventory(AS_OF, 365);
        List<String> due = new KeyHierarchy(home.store, home.audit, Clock.fixed(AS_OF, ZoneOffset.UTC)).dueForRotation(365).stream()
                .map(WorkingKey::id).toList();
        assertThat(inv.due()).extracting(InventoryData.DueKey::id).containsExactlyElementsOf(due)
                .containsExactlyInAnyOrder("wk/sh-01/dek/v2", "wk/sh-01/kek/v2", "wk/sh-01/mac/v2");
        assertThat(inv.zones()).extracting(InventoryData.ZoneSection::id).containsExactly("bj-01", "sh-01");
        InventoryData.ZoneSection sh = inv.zones().get(1);
        assertThat(sh.workingKeys()).hasSize(6);
        assertThat(sh.workingKeys()).filteredOn(k -> k.id().equals("wk/sh-01/kek/v1")).singleElement()
                .satisfies(k -> assertThat(k.condition()).isEqualTo("REVOKED"));
        assertThat(sh.workingKeys()).filteredOn(k -> k.id().equals("wk/sh-01/dek/v1")).singleElement()
                .satisfies(k -> assertThat(k.condition()).isEqualTo("EXPIRED"));
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            RenderedReport r = InventoryReport.render(inv, lang, TestConsole.PRINTED_AT);
            List<String> pages = Pdfs.pages(r.pdf());
            for (int i = 0; i < pages.size(); i++) {
                assertShows(pages.get(i), t.format("footer.page", i + 1, pages.size()), r.sha256());
            }
            String text = String.join("\n", pages);
            String bj = Pdfs.squash(t.format("inventory.zone", "bj-01", "Beijing online nodes", t.get("status.active")));
            String shHeading = Pdfs.squash(t.format("inventory.zone", "sh-01", DemoHome.ZONE_NAME_ZH + " (Shanghai online nodes)",
                    t.get("status.active")));
            assertThat(Pdfs.squash(text).indexOf(bj)).as("zones in order").isNotNegative().isLessThan(Pdfs.squash(text).indexOf(shHeading));
            assertShows(text, t.format("inventory.zone", "bj-01", "Beijing online nodes", t.get("status.active")), "lmk/v1", "zmk/bj-01/v1",
                    "79302E0A7E", t.get("inventory.is_due"), t.get("condition.expired"), t.get("condition.revoked"),
                    t.format("inventory.superseded_by", "wk/sh-01/dek/v2"), "2028-01-01 00:00:00Z", "2027-01-15 00:00:00Z",
                    DemoHome.ZONE_NAME_ZH);
            for (InventoryData.ZoneSection z : inv.zones()) {
                for (InventoryData.WorkingKeyRow k : z.workingKeys()) {
                    assertShows(text, k.id(), k.kcv(), Labels.time(k.validUntil()));
                }
            }
            Pdfs.preview(r.pdf(), "key-inventory-" + lang.code(), 1);
        }
    }

    @Test
    void withoutKeysDueTheInventorySaysSo() {
        InventoryData inv = data.inventory(Instant.parse("2026-01-01T00:00:00Z"), 0);
        assertThat(inv.due()).isEmpty();
        assertShows(Pdfs.text(InventoryReport.render(inv, ReportLanguage.EN, TestConsole.PRINTED_AT).pdf()),
                "No active key ends its validity within 0 days.", "not yet valid");
    }
}
