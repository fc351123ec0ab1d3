package org.hsmc.reports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * The ceremony report of every run of the demo console (real ceremonies on SoftHSM2), read back
 * with PDFBox text extraction in English and Chinese: ids, type, script hash, site and times;
 * participants with role and card serial; every step attempt, failures and retries included; keys
 * with KCV and version, checked against the key store; bundles; the audit heads; signature lines;
 * and on every page "page n of m", the run id and the report hash.
 */
@RequiresSoftHsm
class CeremonyReportTest {

    private static DemoHome home;
    private static ReportData data;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
        data = new ReportData(home.store);
    }

    private static RenderedReport render(String file, ReportLanguage lang) {
        return CeremonyReport.render(data.ceremony(home.run(file)), lang, TestConsole.PRINTED_AT);
    }

    static Stream<Arguments> everyRunInBothLanguages() {
        List<Arguments> out = new ArrayList<>();
        for (String f : List.of("01-initialize.yaml", "02-generate-master-key.yaml", "03-generate-zone-master-key.yaml",
                "04-generate-working-keys.yaml", "05-rotate.yaml", "06-revoke.yaml", "07-import-zone-master-key.yaml",
                "08-export-bundle.yaml", "10-replace-card.yaml", "11-enrol-card.yaml", "12-unblock-card.yaml",
                "13-revoke-card.yaml", "14-change-quorum.yaml")) {
            for (ReportLanguage l : ReportLanguage.values()) {
                out.add(Arguments.of(f, l));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("everyRunInBothLanguages")
    void everyPageShowsPageNOfMTheRunIdAndTheReportHash(String file, ReportLanguage lang) {
        String runId = home.run(file);
        RenderedReport r = render(file, lang);
        List<String> pages = Pdfs.pages(r.pdf());
        assertThat(pages).hasSize(r.pages());
        Texts t = new Texts(lang);
        for (int i = 0; i < pages.size(); i++) {
            assertShows(pages.get(i), t.format("footer.page", i + 1, pages.size()), runId, r.sha256());
        }
        CeremonyReportData d = data.ceremony(runId);
        String all = String.join("\n", pages);
        assertShows(all, d.run().id(), d.run().type(), d.run().scriptSha256(), d.run().site(), d.run().operator(),
                Labels.time(d.run().startedAt()), Labels.time(d.run().endedAt()), d.audit().headBefore(), d.audit().headAfter());
        for (CeremonyReportData.StepAttempt s : d.steps()) {
            String said = org.hsmc.ceremony.i18n.Words.of(lang.locale()).stepName(s.name());
            assertThat(org.hsmc.ceremony.i18n.Words.stepKeyOf(s.name())).as(s.name()).isPresent();
            assertShows(all, said, Labels.time(s.startedAt()));
        }
        for (CeremonyReportData.SignatureLine s : d.signatures()) {
            assertShows(all, s.name(), new Labels(t).of(Labels.ROLES, s.role()));
        }
        assertShows(all, t.get("ceremony.signatures"), t.get("signature.sign"), t.get("ceremony.bundles"));
        // the report hash is the SHA-256 of the companion's bytes, and the language is not a fact
        assertThat(ReportJson.sha256(r.json())).isEqualTo(r.sha256());
        assertThat(r.sha256()).isEqualTo(render(file, lang == ReportLanguage.EN ? ReportLanguage.ZH : ReportLanguage.EN).sha256());
    }

    @Test
    void theZoneMasterKeyReportShowsParticipantsComponentsAndTheKey() throws Exception {
        String runId = home.run("03-generate-zone-master-key.yaml");
        ZoneKey zmk = home.store.read(c -> KeyRecords.zoneKeys(c, "sh-01")).getFirst();
        List<String[]> cards = cardsOf(runId);
        assertThat(cards).hasSize(3);
        for (ReportLanguage lang : ReportLanguage.values()) {
            RenderedReport r = render("03-generate-zone-master-key.yaml", lang);
            String text = Pdfs.text(r.pdf());
            Texts t = new Texts(lang);
            assertShows(text, t.get("ceremony.report"), t.get("type.generate_zone_master_key"), "zmk/sh-01/v1", zmk.kcv(),
                    t.get("kind.zmk"), t.get("change.created"), DemoHome.ZONE_NAME_ZH, DemoHome.WITNESS_ZH, "Judy Auditor",
                    t.get("role.auditor"), t.get("ceremony.no_bundles"));
            for (String[] card : cards) {
                assertShows(text, card[0], card[1], new Labels(t).of(Labels.ROLES, card[2]));
            }
            for (TestConsole.Delivered d : home.console.delivered) {
                assertShows(text, d.delivery().holder(), d.delivery().componentKcv());
            }
            assertThat(text).doesNotContain(hex(home.console.delivered.getFirst().value()).substring(0, 16));
            if (lang == ReportLanguage.EN) {
                assertShows(text, "Zone master key", "1 of 3", "2 of 3", "3 of 3", "Dave", "received component 3 of 3", "Key custodian");
            } else {
                assertShows(text, "区域主密钥", "第 3 个（共 3 个）", "密钥保管人", "第 1 页，共 ");
            }
            Pdfs.preview(r.pdf(), "ceremony-report-03-" + lang.code(), 1);
        }
    }

    @Test
    void theImportReportShowsTheFailedAttemptTheRetryAndBothQuorums() {
        String runId = home.run("07-import-zone-master-key.yaml");
        CeremonyReportData d = data.ceremony(runId);
        assertThat(d.run().state()).isEqualTo("COMPLETED");
        assertThat(d.steps()).extracting(CeremonyReportData.StepAttempt::attempt, CeremonyReportData.StepAttempt::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "FAILED"), org.assertj.core.groups.Tuple.tuple(2, "DONE"));
        assertThat(d.components()).filteredOn(c -> c.event().equals("REFUSED")).hasSize(3);
        assertThat(d.components()).filteredOn(c -> c.event().equals("ACCEPTED")).extracting(CeremonyReportData.Component::kcv)
                .containsExactly("FE1B058031", "B82BB83EA1", "989846F53E");
        assertThat(d.keys()).extracting(CeremonyReportData.KeyChange::id, CeremonyReportData.KeyChange::change)
                .contains(org.assertj.core.groups.Tuple.tuple("zmk/bj-01/v1", "IMPORTED"), org.assertj.core.groups.Tuple.tuple("bj-01", "REGISTERED"));
        // two quorums: Alice approved twice, Bob and Carol for the first, Dave and Erin for the resume
        assertThat(d.participants()).filteredOn(p -> p.name().equals("Alice")).singleElement()
                .satisfies(p -> assertThat(p.approvedAt()).hasSize(2));
        assertThat(d.participants()).extracting(CeremonyReportData.Participant::name).contains("Bob", "Carol", "Dave", "Erin");
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            String text = Pdfs.text(render("07-import-zone-master-key.yaml", lang).pdf());
            assertShows(text, t.get("outcome.failed"), t.get("outcome.done"), "did not match its KCV", "79302E0A7E",
                    t.get("component.refused"), t.get("component.accepted"), t.get("change.imported"));
        }
    }

    @Test
    void theMasterKeyReportShowsTheRefusedCardAndTheLmk() {
        String runId = home.run("02-generate-master-key.yaml");
        CeremonyReportData d = data.ceremony(runId);
        assertThat(d.refusals()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("WRONG_PIN");
            assertThat(f.actor()).isEqualTo("Bob");
        });
        // the recovery cards' holders are participants, Dave too, who was not in the quorum: his card was checked
        assertThat(d.participants()).filteredOn(p -> List.of("Bob", "Carol", "Dave").contains(p.name()))
                .hasSize(3).allSatisfy(p -> assertThat(p.checkedAt()).hasSize(1));
        assertThat(d.participants()).filteredOn(p -> p.name().equals("Dave")).singleElement()
                .satisfies(p -> assertThat(p.approvedAt()).isEmpty());
        String kcv = home.store.read(c -> KeyRecords.masterKey(c, 1)).orElseThrow().kcv();
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            RenderedReport r = render("02-generate-master-key.yaml", lang);
            String checked = t.format("participant.checked", "").strip();
            assertShows(Pdfs.text(r.pdf()), "lmk/v1", kcv, t.get("kind.lmk"), "WRONG_PIN", t.get("ceremony.refusals"), "Dave",
                    checked.substring(0, Math.min(checked.length(), 8)));
        }
    }

    @Test
    void theInitializeReportListsEveryCustodianWithTheCardEnrolledAndTheSigningKeys() {
        String runId = home.run("01-initialize.yaml");
        CeremonyReportData d = data.ceremony(runId);
        List<String[]> cards = home.store.read(c -> {
            List<String[]> out = new ArrayList<>();
            // the cards of initialize (later custody ceremonies record their run on the card)
            try (var ps = c.prepareStatement("SELECT p.name, k.serial, p.role FROM card k JOIN custodian p ON p.id = k.custodian_id"
                    + " WHERE k.run_id IS NULL");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            return out;
        });
        assertThat(cards).hasSize(5);
        assertThat(d.steps()).hasSize(13).allMatch(s -> s.outcome().equals("DONE"));
        assertThat(d.keys()).extracting(CeremonyReportData.KeyChange::id).containsExactly("bundle-signer/v1", "audit-signer/v1");
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            RenderedReport r = render("01-initialize.yaml", lang);
            String text = Pdfs.text(r.pdf());
            for (String[] c : cards) {
                assertShows(text, c[0], c[1], new Labels(t).of(Labels.ROLES, c[2]));
            }
            assertShows(text, t.get("participant.enrolled"), t.get("kind.bundle_signer"), t.get("kind.audit_signer"), "CN=Key console");
        }
    }

    @Test
    void workingKeysKeepTheValidityTheRunGaveThemAndRotationAndRevocationShow() {
        CeremonyReportData made = data.ceremony(home.run("04-generate-working-keys.yaml"));
        List<WorkingKey> created = home.store.read(c -> KeyRecords.workingKeys(c, org.hsmc.ceremony.keys.InventoryFilter.ALL)).stream()
                .filter(w -> w.runId().equals(home.run("04-generate-working-keys.yaml"))).toList();
        assertThat(created).hasSize(3);
        for (WorkingKey w : created) {
            assertThat(made.keys()).anySatisfy(k -> {
                assertThat(k.id()).isEqualTo(w.id());
                assertThat(k.kcv()).isEqualTo(w.kcv());
                assertThat(k.version()).isEqualTo(w.version());
                assertThat(k.algorithm()).isEqualTo(w.algorithm());
                assertThat(k.validFrom()).isEqualTo(w.validFrom().toString());
                // rotation (run 05) has shortened the store's validity since; the report keeps what the run made
                assertThat(k.validUntil()).isEqualTo("2028-01-01T00:00:00Z");
            });
        }
        String rotated = Pdfs.text(render("05-rotate.yaml", ReportLanguage.EN).pdf());
        assertShows(rotated, "wk/sh-01/dek/v2", "superseded", "successor wk/sh-01/dek/v2");
        String revoked = Pdfs.text(render("06-revoke.yaml", ReportLanguage.ZH).pdf());
        assertShows(revoked, "wk/sh-01/kek/v1", "已撤销", "DEMO-INC-0001");
        Pdfs.preview(render("05-rotate.yaml", ReportLanguage.EN).pdf(), "ceremony-report-05-en", 1);
    }

    @Test
    void theExportReportIsTheReceiptOfEveryBundleWritten() throws Exception {
        String runId = home.run("08-export-bundle.yaml");
        List<String[]> bundles = home.store.read(c -> {
            List<String[]> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT zone_id, sequence, sha256, file_name, key_count, directory, revocation_count FROM bundle WHERE run_id = ?"
                    + " ORDER BY zone_id")) {
                ps.setString(1, runId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getString(7)});
                    }
                }
            }
            return out;
        });
        assertThat(bundles).extracting(b -> b[0]).containsExactly("bj-01", "sh-01");
        CeremonyReportData d = data.ceremony(runId);
        assertThat(d.bundles()).hasSize(2);
        for (String[] b : bundles) {
            byte[] file = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(b[5]).resolve(b[3]));
            assertThat(ReportJson.sha256(file)).as("the report names the SHA-256 of the file on the medium").isEqualTo(b[2]);
            assertThat(d.bundles()).anySatisfy(x -> {
                assertThat(x.zone()).isEqualTo(b[0]);
                assertThat(x.sequence()).isEqualTo(Long.parseLong(b[1]));
                assertThat(x.sha256()).isEqualTo(b[2]);
                assertThat(x.keys()).isEqualTo(Integer.parseInt(b[4]));
            });
        }
        for (ReportLanguage lang : ReportLanguage.values()) {
            Texts t = new Texts(lang);
            RenderedReport r = render("08-export-bundle.yaml", lang);
            String text = Pdfs.text(r.pdf());
            assertShows(text, t.get("type.export_bundle"), t.get("ceremony.bundles"), t.get("col.sequence"));
            for (String[] b : bundles) {
                assertShows(text, b[0], b[2], b[3], t.format("bundle.contents", Integer.parseInt(b[4]), Integer.parseInt(b[6])));
            }
            Pdfs.preview(r.pdf(), "ceremony-report-08-" + lang.code(), 2);
        }
    }

    @Test
    void theCompanionCarriesTheSameFactsAsCanonicalJson() throws Exception {
        RenderedReport r = render("04-generate-working-keys.yaml", ReportLanguage.EN);
        JsonNode json = new ObjectMapper().readTree(new String(r.json(), StandardCharsets.UTF_8));
        assertThat(json.path("report").asText()).isEqualTo(ReportJson.CEREMONY);
        assertThat(json.path("run").path("id").asText()).isEqualTo(home.run("04-generate-working-keys.yaml"));
        assertThat(json.path("keys")).hasSize(3);
        assertThat(json.path("keys").get(0).path("kcv").asText()).matches("[0-9A-F]{10}");
        assertThat(json.path("audit").path("head_after").asText()).matches("\\d+:[0-9a-f]{64}");
        // canonical: reading and writing it again gives the same bytes, so the hash can be recomputed anywhere
        assertThat(ReportJson.canonical(json)).isEqualTo(r.json());
        assertThat(new String(r.json(), StandardCharsets.UTF_8)).doesNotEndWith("\n").startsWith("{\"audit\":");
    }

    /** (holder, card serial, role) of a run's approvals. */
    private static List<String[]> cardsOf(String runId) {
        return home.store.read(c -> {
            List<String[]> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT p.name, a.card_serial, p.role FROM run_approval a JOIN custodian p"
                    + " ON p.id = a.custodian_id WHERE a.run_id = ?")) {
                ps.setString(1, runId);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
            return out;
        });
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().withUpperCase().formatHex(b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("languages")
    void theReplaceCardReportShowsTheRevokedCardTheNewCardCheckedAndTheRotatedCredential(ReportLanguage lang) {
        CeremonyReportData d = data.ceremony(home.run("10-replace-card.yaml"));
        assertThat(d.keys()).extracting(k -> k.kind() + "/" + k.change()).contains("CARD/REVOKED", "CARD_SET/ROTATED");
        CeremonyReportData.KeyChange revoked = d.keys().stream().filter(k -> k.kind().equals("CARD")).findFirst().orElseThrow();
        assertThat(revoked.related()).isEqualTo("Erin");
        String all = String.join("\n", Pdfs.pages(render("10-replace-card.yaml", lang).pdf()));
        Texts t = new Texts(lang);
        Labels l = new Labels(t);
        assertShows(all, l.of(Labels.TYPES, "replace-card"), l.of(Labels.KINDS, "CARD"), l.of(Labels.KINDS, "CARD_SET"),
                revoked.id());
        CeremonyReportData quorum = data.ceremony(home.run("14-change-quorum.yaml"));
        assertThat(quorum.keys()).extracting(k -> k.kind() + "/" + k.change()).contains("CARD_SET/ROTATED", "ROLE_RULE/CHANGED");
        String rule = String.join("\n", Pdfs.pages(render("14-change-quorum.yaml", lang).pdf()));
        assertShows(rule, l.of(Labels.KINDS, "ROLE_RULE"), l.of(Labels.TYPES, "change-quorum"));
    }

    static Stream<ReportLanguage> languages() {
        return Stream.of(ReportLanguage.values());
    }
}
