package org.hsmc.reports;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyChangeSummaryTest {

    private static CeremonyReportData.KeyChange made(String zone, String purpose, int v, String algorithm, String until) {
        String id = "wk/" + zone + "/" + purpose + "/v" + v;
        return new CeremonyReportData.KeyChange(id, "WORKING_KEY", ReportData.version(id), "ABCDEF0123", "CREATED", algorithm,
                "2027-01-01T00:00:00Z", until, null, null);
    }

    private static final CeremonyReportData.KeyChange ZONE = new CeremonyReportData.KeyChange("z-1", "ZONE", null, null,
            "REGISTERED", null, null, null, "Zone 1", null);

    @Test
    void aFewKeysKeepARowEach() {
        List<CeremonyReportData.KeyChange> keys = new ArrayList<>();
        for (int v = 1; v <= KeyChangeSummary.ROWS_PER_KEY_UP_TO; v++) {
            keys.add(made("z-1", "dek", v, "AES-256", "2028-01-01T00:00:00Z"));
        }
        assertThat(KeyChangeSummary.summarise(keys)).isSameAs(keys);
    }

    @Test
    void manyKeysAreOneRowPerZonePurposeAlgorithmAndValidityInPlace() {
        List<CeremonyReportData.KeyChange> keys = new ArrayList<>();
        keys.add(ZONE);
        for (String zone : List.of("z-1", "z-2")) {
            for (int v = 1; v <= 1000; v++) {
                keys.add(made(zone, "dek", v, "AES-256", "2028-01-01T00:00:00Z"));
            }
            keys.add(made(zone, "mac", 7, "AES-128", "2028-01-01T00:00:00Z"));
            keys.add(made(zone, "mac", 8, "AES-128", "2029-01-01T00:00:00Z"));
        }
        CeremonyReportData.KeyChange signer = new CeremonyReportData.KeyChange("bundle-signer/v2", "BUNDLE_SIGNER", 2, null,
                "CREATED", "EC P-384", null, null, null, null);
        keys.add(signer);

        List<CeremonyReportData.KeyChange> out = KeyChangeSummary.summarise(keys);

        assertThat(out).extracting(CeremonyReportData.KeyChange::id).containsExactly("z-1",
                "wk/z-1/dek/v1–v1000", "wk/z-1/mac/v7", "wk/z-1/mac/v8", "wk/z-2/dek/v1–v1000", "wk/z-2/mac/v7", "wk/z-2/mac/v8",
                "bundle-signer/v2");
        CeremonyReportData.KeyChange dek = out.get(1);
        assertThat(dek.reason()).isEqualTo("1000");
        assertThat(dek.kcv()).isNull();
        assertThat(dek.algorithm()).isEqualTo("AES-256");
        assertThat(dek.validUntil()).isEqualTo("2028-01-01T00:00:00Z");
        assertThat(out.get(3).validUntil()).isEqualTo("2029-01-01T00:00:00Z");
        assertThat(out.get(3).reason()).isEqualTo("1");
    }
}
