package org.hsmc.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hsmc.ceremony.audit.SignerKeys;
import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, points 6, 7 and 12 in the ceremony report: the HSM and console identity, the trust anchors
 * with what each fingerprint covers, and which hash is which (the facts hash on the pages, the PDF
 * file's own SHA-256 in the companion), each checked by {@code report verify}.
 */
@RequiresSoftHsm
class AuditorRecordReportTest {

    private static DemoHome home;
    private static ReportData data;
    private static FontFiles fonts;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
        data = new ReportData(home.store);
        fonts = FontFiles.locate();
    }

    @Test
    void theInitializeReportPrintsTheCertificateAndAuditKeyFingerprintsOverTheirDer() {
        CeremonyReportData d = data.ceremony(home.run("01-initialize.yaml"));
        byte[] der = home.store.read(c -> {
            try (var ps = c.prepareStatement("SELECT der FROM console_certificate WHERE key_id = 'bundle-signer/v1'"); var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBytes(1);
            }
        });
        PublicKey auditKey = home.audit.signers().get("audit-signer/v1");
        assertThat(d.auditorRecord().trustAnchors()).containsExactly(
                new AuditorRecord.TrustAnchor("CONSOLE_CERTIFICATE", "bundle-signer/v1", ReportJson.sha256(der)),
                new AuditorRecord.TrustAnchor("AUDIT_KEY", "audit-signer/v1", SignerKeys.fingerprint(auditKey)));
        // the certificate's hash is in the audit entry too, not only derived for the report
        assertThat(home.audit.entries(1, Long.MAX_VALUE)).filteredOn(e -> e.action().equals("console_certificate.created"))
                .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("certificate_sha256", ReportJson.sha256(der)));
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            String text = Pdfs.text(CeremonyReport.render(d, lang, TestConsole.PRINTED_AT).pdf()).replaceAll("\\s+", "");
            for (String s : List.of(ReportJson.sha256(der), SignerKeys.fingerprint(auditKey), t.get("ceremony.anchors"),
                    t.get("anchor.certificate_covers"), t.get("anchor.audit_key_covers"))) {
                assertThat(text).contains(s.replaceAll("\\s+", ""));
            }
        }
        // a run that makes no signer prints no anchors
        assertThat(data.ceremony(home.run("04-generate-working-keys.yaml")).auditorRecord().trustAnchors()).isEmpty();
    }

    @Test
    void theExportReportListsEveryExportedKeyWithItsKcv() {
        CeremonyReportData d = data.ceremony(home.run("08-export-bundle.yaml"));
        List<AuditorRecord.ExportedKey> exported = d.auditorRecord().exportedKeys();
        int carried = d.bundles().stream().mapToInt(b -> b.keys() == null ? 0 : b.keys()).sum();
        assertThat(exported).hasSize(carried).isNotEmpty();
        // each KCV is the inventory's for that key
        Map<String, String> inventory = new java.util.HashMap<>();
        home.store.read(c -> org.hsmc.ceremony.keys.KeyRecords.workingKeys(c, org.hsmc.ceremony.keys.InventoryFilter.ALL))
                .forEach(k -> inventory.put(k.id(), k.kcv()));
        for (AuditorRecord.ExportedKey k : exported) {
            assertThat(k.kcv()).as(k.keyId()).isEqualTo(inventory.get(k.keyId()));
        }
        for (ReportLanguage lang : ReportLanguage.values()) {
            String text = Pdfs.text(CeremonyReport.render(d, lang, TestConsole.PRINTED_AT).pdf());
            assertThat(text).contains(new Texts(lang).get("ceremony.exported_keys"));
            for (AuditorRecord.ExportedKey k : exported) {
                assertThat(text).contains(k.keyId(), k.kcv());
            }
        }
    }

    @Test
    void everyRunThatOpenedTheHsmNamesTheHsmAndTheConsole() {
        for (String f : List.of("01-initialize.yaml", "02-generate-master-key.yaml", "04-generate-working-keys.yaml", "08-export-bundle.yaml")) {
            AuditorRecord.Identity i = data.ceremony(home.run(f)).auditorRecord().identity();
            assertThat(i).as(f).isNotNull();
            assertThat(i.tokenLabel()).isEqualTo("hsm");
            assertThat(i.tokenManufacturer()).contains("SoftHSM");
            assertThat(i.tokenSerial()).isNotBlank();
            assertThat(i.tokenFirmware()).matches("\\d+\\.\\d+");
            assertThat(i.library()).endsWith("libsofthsm2.so");
            assertThat(i.libraryVersion()).matches("\\d+\\.\\d+");
            assertThat(i.consoleVersion()).isNotBlank();
            assertThat(i.consoleBuild()).contains("Java " + Runtime.version().feature());
            for (ReportLanguage lang : ReportLanguage.values()) {
                String text = Pdfs.text(CeremonyReport.render(data.ceremony(home.run(f)), lang, TestConsole.PRINTED_AT).pdf());
                assertThat(text).contains(new Texts(lang).get("ceremony.identity_heading"), i.tokenSerial(), i.tokenFirmware());
            }
        }
    }

    @Test
    void theFacsHashIsNamedAsSuchAndTheCompanionCarriesThePdfFilesOwnHash(@TempDir Path dir) throws Exception {
        RenderedReport r = CeremonyReport.render(data.ceremony(home.run("02-generate-master-key.yaml")), ReportLanguage.EN,
                Instant.parse("2026-11-23T11:00:00Z"), fonts);
        Path pdf = dir.resolve("r.pdf");
        ReportFiles.write(r, pdf, true);
        assertThat(ReportJson.sha256(Files.readAllBytes(pdf))).isEqualTo(r.pdfSha256()).isNotEqualTo(r.factsSha256());
        JsonNode companion = new ObjectMapper().readTree(Files.readString(dir.resolve("r.json")));
        assertThat(companion.get("pdf_sha256").asText()).isEqualTo(r.pdfSha256());
        assertThat(ReportJson.readCompanionFile(Files.readAllBytes(dir.resolve("r.json"))).facts()).isEqualTo(r.json());
        assertThat(Pdfs.pages(r.pdf())).allSatisfy(p -> assertThat(p).contains("Facts SHA-256 " + r.factsSha256()));
        assertThat(Pdfs.text(r.pdf())).doesNotContain("Report SHA-256");
        assertThat(ReportVerifier.verify(pdf, data, fonts).verified()).isTrue();

        // another PDF file put in its place (here: the same report printed again at another time) is named
        RenderedReport again = CeremonyReport.render(data.ceremony(home.run("02-generate-master-key.yaml")), ReportLanguage.EN,
                Instant.parse("2026-11-24T11:00:00Z"), fonts);
        Files.write(pdf, again.pdf());
        Map<String, ReportVerifier.Check> checks = ReportVerifier.byName(ReportVerifier.verify(pdf, data, fonts));
        assertThat(checks.get("facts").passed()).isTrue();
        assertThat(checks.get("pdf file").passed()).isFalse();
        assertThat(checks.get("pdf file").findings()).singleElement().asString()
                .contains("names the PDF's SHA-256 " + r.pdfSha256(), "has SHA-256 " + again.pdfSha256());
    }
}
