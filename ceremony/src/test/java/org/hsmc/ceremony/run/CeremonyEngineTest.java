package org.hsmc.ceremony.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.BundleRecord;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.bundle.Bundles;
import org.hsmc.ceremony.keys.KeyException;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.MechanismNotSupportedException;
import org.hsmc.pkcs11.WrapMechanism;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every ceremony type runs end to end on SoftHSM2 from its example script (examples/ceremonies), in
 * the order of the demo; then bad scripts are refused with their message and nothing changes.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CeremonyEngineTest {

    @TempDir
    static Path home;

    private static final Path EXAMPLES = Path.of("..", "examples", "ceremonies");
    private SoftHsmStore tokens;
    private Pkcs11Module module;
    private Store store;
    private AuditLog audit;
    private final Clock clock = Clock.systemUTC();
    private Token hsm;
    private CeremonyEngine engine;
    private ScriptedConsole console;

    /** The examples name demo cards; here demo-card-N is the fixture's card-(8+N). */
    private Token card(String demoLabel) {
        if (!demoLabel.startsWith("demo-card-")) {
            return module.token(demoLabel); // a label the store recorded at enrolment
        }
        int n = Integer.parseInt(demoLabel.substring("demo-card-".length()));
        return module.token(SoftHsmStore.cardLabel(8 + n));
    }

    @BeforeAll
    void open() {
        tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        store = Store.open(home.resolve("console.db"));
        audit = new AuditLog(store, clock);
        hsm = module.token(SoftHsmStore.HSM_B);
        engine = new CeremonyEngine(store, audit, clock, hsm, "test site").cards(this::card);
        console = new ScriptedConsole(this::card);
        console.hsmPin = new String(tokens.userPin(SoftHsmStore.HSM_B));
        String[] names = {"alice", "bob", "carol", "dave", "erin"};
        for (int i = 1; i <= 5; i++) {
            String label = "demo-card-" + i;
            console.transportPins.put(label, new String(tokens.userPin(SoftHsmStore.cardLabel(8 + i))));
            console.pins.put(label, names[i - 1] + "-" + String.valueOf(i).repeat(4));
            console.pins.put(SoftHsmStore.cardLabel(8 + i), names[i - 1] + "-" + String.valueOf(i).repeat(4));
        }
        console.typedComponents.put("zmk/bj-01/v1", List.of("11".repeat(32), "22".repeat(32), "44".repeat(32)));
    }

    @AfterAll
    void close() {
        store.close();
        module.close();
    }

    private RunRecord run(String file) throws Exception {
        return run(EXAMPLES.resolve(file).toString(), Files.readAllBytes(EXAMPLES.resolve(file)));
    }

    private RunRecord run(String name, byte[] bytes) {
        ParsedScript p = ScriptParser.parse(bytes, name);
        return engine.run(p, bytes, console.quorum("demo-card-1", "demo-card-2", "demo-card-3"), false);
    }

    @Test
    @Order(1)
    void initializeAdoptsTheHsmUnderThreeOfFiveCards() throws Exception {
        byte[] bytes = Files.readAllBytes(EXAMPLES.resolve("01-initialize.yaml"));
        RunRecord r = new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, this::card, "test site")
                .run(ScriptParser.parse(bytes, "01-initialize.yaml"), bytes, console, false);
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).hasSize(13).allMatch(s -> s.state() == StepRecord.State.DONE);
        byte[] der = store.read(c -> {
            try (var ps = c.prepareStatement("SELECT der FROM console_certificate"); var rs = ps.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        });
        var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
        cert.verify(cert.getPublicKey());
        assertThat(cert.getSubjectX500Principal().getName()).contains("CN=Key console");
        assertThat(cert.getSigAlgName()).isEqualTo("SHA384withECDSA");
        assertThat(hsm.isLoggedIn()).isFalse();
    }

    @Test
    @Order(2)
    void theMasterKeyIsANonExtractableWrapOnlyTokenObject() throws Exception {
        RunRecord r = run("02-generate-master-key.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(r.auditHeadAfter()).isNotEqualTo(r.auditHeadBefore());
        // three approvals, each a card's signature over the script's SHA-256
        int approvals = store.read(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM run_approval WHERE run_id = ?")) {
                ps.setString(1, r.id());
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
        assertThat(approvals).isEqualTo(3);
        var lmk = store.read(KeyRecords::activeMasterKey).orElseThrow();
        assertThat(lmk.label()).isEqualTo("lmk/v1");
        assertThat(lmk.kcv()).matches("[0-9A-F]{10}");
    }

    @Test
    @Order(3)
    void aZoneMasterKeyIsMadeFromThreeComponentsWithTheirKcvs() throws Exception {
        RunRecord r = run("03-generate-zone-master-key.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        ZoneKey zmk = store.read(c -> KeyRecords.activeZoneKey(c, "sh-01")).orElseThrow();
        assertThat(console.delivered).hasSize(3);
        assertThat(console.delivered).extracting(CeremonyConsole.ComponentDelivery::holder).containsExactly("Bob", "Carol", "Dave");
        byte[] combined = new byte[32];
        for (var d : console.delivered) {
            assertThat(Kcv.ofClearAesKey(d.value()).hex()).isEqualTo(d.componentKcv());
            assertThat(d.combinedKcv()).isEqualTo(zmk.kcv());
            for (int i = 0; i < 32; i++) {
                combined[i] ^= d.value()[i];
            }
        }
        assertThat(Kcv.ofClearAesKey(combined).hex()).isEqualTo(zmk.kcv());
        assertThat(zmk.components()).isEqualTo(3);
    }

    @Test
    @Order(4)
    void workingKeysAreStoredOnlyWrappedUnderTheLmkWithProvableKcvs() throws Exception {
        RunRecord r = run("04-generate-working-keys.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
        List<WorkingKey> inventory = keys.inventory(InventoryFilter.ALL.zone("sh-01"));
        assertThat(inventory).extracting(WorkingKey::id)
                .containsExactlyInAnyOrder("wk/sh-01/dek/v1", "wk/sh-01/kek/v1", "wk/sh-01/mac/v1");
        proveEveryKcv(keys);
    }

    @Test
    @Order(5)
    void rotationMakesNewVersionsAndTheOldOnesStayValidForTheOverlap() throws Exception {
        RunRecord r = run("05-rotate.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
        List<WorkingKey> all = keys.inventory(InventoryFilter.ALL.zone("sh-01"));
        assertThat(all).extracting(WorkingKey::id).contains("wk/sh-01/dek/v2", "wk/sh-01/kek/v2", "wk/sh-01/mac/v2");
        WorkingKey oldDek = all.stream().filter(w -> w.id().equals("wk/sh-01/dek/v1")).findFirst().orElseThrow();
        assertThat(oldDek.supersededBy()).isEqualTo("wk/sh-01/dek/v2");
        WorkingKey newDek = all.stream().filter(w -> w.id().equals("wk/sh-01/dek/v2")).findFirst().orElseThrow();
        // the old keys start on 2027-01-01: the new version starts with them, the old one ends 14 days later
        assertThat(newDek.validFrom()).isEqualTo(oldDek.validFrom());
        assertThat(oldDek.validUntil()).isEqualTo(newDek.validFrom().plus(14, ChronoUnit.DAYS));
        assertThat(newDek.validUntil()).isEqualTo(newDek.validFrom().plus(365, ChronoUnit.DAYS));
        assertThat(oldDek.status()).isEqualTo("ACTIVE");
        assertThat(keys.dueForRotation(800)).extracting(WorkingKey::id).contains("wk/sh-01/dek/v2")
                .doesNotContain("wk/sh-01/dek/v1");
    }

    @Test
    @Order(6)
    void revocationRecordsTheIncident() throws Exception {
        RunRecord r = run("06-revoke.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        WorkingKey kek = store.read(c -> KeyRecords.workingKey(c, "wk/sh-01/kek/v1")).orElseThrow();
        assertThat(kek.status()).isEqualTo("REVOKED");
        String incident = store.read(c -> {
            try (var ps = c.prepareStatement("SELECT reference FROM incident WHERE run_id = ?")) {
                ps.setString(1, r.id());
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
        assertThat(incident).isEqualTo("DEMO-INC-0001");
    }

    @Test
    @Order(7)
    void aZoneMasterKeyIsImportedFromTypedComponentsEachCheckedAgainstItsKcv() throws Exception {
        RunRecord r = run("07-import-zone-master-key.yaml");
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(store.read(c -> KeyRecords.activeZoneKey(c, "bj-01")).orElseThrow().kcv()).isEqualTo("79302E0A7E");
    }

    @Test
    @Order(8)
    void rotatingTheLmkRewrapsTheWholeInventoryAndProvesEveryKcv() {
        String script = """
                ceremony: generate-master-key
                format: 1
                title: Rotate the LMK to version 2
                operator: Alice
                version: 2
                rotate: true
                recovery:
                  vendor_backup: Security World backup, site procedure SP-12
                """;
        RunRecord r = run("lmk-v2.yaml", script.getBytes(StandardCharsets.UTF_8));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(store.read(KeyRecords::activeMasterKey).orElseThrow().label()).isEqualTo("lmk/v2");
        // the site's vendor backup is recorded, nothing split; lmk/v1 keeps its recovery cards
        assertThat(store.read(c -> KeyRecords.backup(c, 2)).orElseThrow())
                .isEqualTo(new KeyRecords.Backup("VENDOR", null, "Security World backup, site procedure SP-12"));
        assertThat(store.read(c -> KeyRecords.backup(c, 1)).orElseThrow().method()).isEqualTo("RECOVERY_CARDS");
        assertThat(engine.journal().steps(r.id()).getFirst().name()).contains("backed up by the vendor's procedure");
        assertThat(engine.journal().steps(r.id())).extracting(StepRecord::result).anyMatch(t -> t.contains("every KCV proved"));
        KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
        assertThat(keys.inventory(InventoryFilter.ALL)).allMatch(w -> w.lmkVersion() == 2);
        proveEveryKcv(keys);
    }

    @Test
    @Order(9)
    void scriptsThatDoNotFitTheStoreAreRefusedAndChangeNothing() {
        long keysBefore = store.read(KeyRecords::countWorkingKeys);
        int runsBefore = engine.journal().recent(1000).size();
        String noZone = """
                ceremony: generate-working-keys
                format: 1
                title: Keys for a zone that does not exist
                operator: Alice
                zone: nowhere
                keys:
                  - purpose: DEK
                    algorithm: AES-256
                    version: 1
                    valid_from: 2027-01-01T00:00:00Z
                    valid_until: 2028-01-01T00:00:00Z
                """;
        assertThatThrownBy(() -> run("no-zone.yaml", noZone.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CeremonyRefusedException.class).hasMessageContaining("the zone 'nowhere' does not exist");
        String existingLabel = noZone.replace("nowhere", "sh-01").replace("for a zone that does not exist", "again");
        assertThatThrownBy(() -> run("existing.yaml", existingLabel.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CeremonyRefusedException.class).hasMessageContaining("wk/sh-01/dek/v1 already exists");
        assertThat(store.read(KeyRecords::countWorkingKeys)).isEqualTo(keysBefore);
        assertThat(engine.journal().recent(1000)).hasSize(runsBefore);
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(10)
    void aComponentThatFailsItsKcvIsRefusedAndNothingIsStored() throws Exception {
        String bad = new String(Files.readAllBytes(EXAMPLES.resolve("07-import-zone-master-key.yaml")), StandardCharsets.UTF_8)
                .replace("bj-01", "gz-01");
        console.typedComponents.put("zmk/gz-01/v1", List.of("11".repeat(32), "33".repeat(32)));
        assertThatThrownBy(() -> run("gz.yaml", bad.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("did not match its KCV B82BB83EA1 in 3 attempts");
        Optional<org.hsmc.ceremony.keys.Zone> zone = store.read(c -> KeyRecords.zone(c, "gz-01"));
        List<ZoneKey> zoneKeys = store.read(c -> KeyRecords.zoneKeys(c, "gz-01"));
        assertThat(zone).isEmpty();
        assertThat(zoneKeys).isEmpty();
        long refusals = store.read(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery(
                    "SELECT COUNT(*) FROM audit_entry WHERE action = 'zmk.component_refused'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(refusals).isEqualTo(3);
        assertThat(engine.journal().recent(1).getFirst().state()).isEqualTo(RunState.FAILED);
        assertThat(store.integrityCheck()).isEqualTo("ok");
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();
    }

    // ------------------------------------------------------------------ export-bundle

    private Path scripts() throws java.io.IOException {
        return Files.createDirectories(home.resolve("scripts"));
    }

    private X509Certificate consoleCertificate() throws Exception {
        byte[] der = store.read(c -> BundleRecords.consoleCertificate(c).orElseThrow().der());
        return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(der));
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    private long auditCount(String action, String runId) {
        return store.read(c -> {
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM audit_entry WHERE action = ? AND details LIKE ?")) {
                ps.setString(1, action);
                ps.setString(2, "%" + runId + "%");
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Test
    @Order(11)
    void theExampleExportsABundlePerZoneSignedInTheHsmThatOpensslAccepts() throws Exception {
        Path scripts = scripts();
        engine.scriptDirectory(scripts);
        console.progress.clear();
        RunRecord r = run("08-export-bundle.yaml", Files.readAllBytes(EXAMPLES.resolve("08-export-bundle.yaml")));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).extracting(StepRecord::name)
                .containsExactly("bundle for zone bj-01 (1 of 2)", "bundle for zone sh-01 (2 of 2)");
        assertThat(console.progress).contains("bundles 1/2", "bundles 2/2");

        Path out = scripts.resolve("bundles");
        List<BundleRecord> records = store.read(c -> BundleRecords.ofRun(c, r.id()));
        assertThat(records).extracting(BundleRecord::zone).containsExactly("bj-01", "sh-01");
        for (BundleRecord b : records) {
            byte[] der = Files.readAllBytes(out.resolve(b.fileName()));
            assertThat(b.sequence()).isEqualTo(1);
            assertThat(b.previousSha256()).isNull();
            assertThat(b.writtenAt()).isNotNull();
            assertThat(b.fileName()).isEqualTo(b.zone() + "-000001.p7m");
            assertThat(sha256(der)).isEqualTo(b.sha256());
            byte[] stored = store.read(c -> BundleRecords.der(c, b.zone(), 1));
            assertThat(stored).isEqualTo(der);
            assertThat(Files.readString(out.resolve(b.fileName() + ".sha256"))).isEqualTo(b.sha256() + "  " + b.fileName() + "\n");
        }
        assertThat(auditCount("bundle.exported", r.id())).isEqualTo(2);
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();

        // sh-01 carries every key still valid (the superseded v1 keys are in their overlap window), and the revocation
        byte[] der = Files.readAllBytes(out.resolve("sh-01-000001.p7m"));
        JsonNode m = new ObjectMapper().readTree(Bundles.manifest(der));
        assertThat(m.get("zone").asText()).isEqualTo("sh-01");
        assertThat(m.get("sequence").asLong()).isEqualTo(1);
        assertThat(m.get("ceremony_id").asText()).isEqualTo(r.id());
        assertThat(m.get("previous_bundle_sha256").isNull()).isTrue();
        List<WorkingKey> valid = new KeyHierarchy(store, audit, clock).inventory(InventoryFilter.ALL.zone("sh-01").status("ACTIVE"))
                .stream().filter(w -> w.validUntil().isAfter(Instant.now())).toList();
        assertThat(valid).extracting(WorkingKey::id).contains("wk/sh-01/dek/v1", "wk/sh-01/dek/v2", "wk/sh-01/kek/v2")
                .doesNotContain("wk/sh-01/kek/v1");
        List<String> ids = new ArrayList<>();
        m.get("keys").forEach(k -> ids.add(k.get("id").asText()));
        assertThat(ids).containsExactlyElementsOf(valid.stream().map(WorkingKey::id).toList());
        for (JsonNode k : m.get("keys")) {
            WorkingKey w = valid.stream().filter(x -> x.id().equals(k.get("id").asText())).findFirst().orElseThrow();
            assertThat(k.get("kcv").asText()).isEqualTo(w.kcv());
            assertThat(k.get("wrapping_key").get("id").asText()).isEqualTo("zmk/sh-01/v1");
            assertThat(k.get("wrapping_key").get("mechanism").asText()).isEqualTo("AES-KWP");
        }
        assertThat(m.get("revocations").get(0).get("id").asText()).isEqualTo("wk/sh-01/kek/v1");
        assertThat(m.get("revocations").get(0).get("incident").asText()).isEqualTo("DEMO-INC-0001");

        // the wrapped keys open under the ZMK with their KCVs (the console's side of the round trip)
        withOpenHsm(s -> {
            ZoneKey zmk = store.read(c -> KeyRecords.activeZoneKey(c, "sh-01")).orElseThrow();
            var lmk = new KeyHierarchy(store, audit, clock).activeMasterKey(s);
            KeyHandle z = s.unwrap(WrapMechanism.AES_KWP, lmk.handle(), zmk.wrapped(), KeyTemplate.aes(32).token(false)
                    .sensitive(true).extractable(false).usages(KeyUsage.UNWRAP).build());
            try {
                for (JsonNode k : m.get("keys")) {
                    KeyHandle w = s.unwrap(WrapMechanism.AES_KWP, z, Base64.getDecoder().decode(k.get("wrapped").asText()),
                            KeyTemplate.aes(32).token(false).sensitive(true).extractable(false).usages(KeyUsage.SIGN).build());
                    assertThat(s.kcv(w).hex()).isEqualTo(k.get("kcv").asText());
                    s.destroy(w);
                }
            } finally {
                s.destroy(z);
            }
        });

        // anyone can check it: openssl with the console certificate as the only trust anchor
        Bundles.OpenSsl openssl = Bundles.opensslVerify(out.resolve("sh-01-000001.p7m"), consoleCertificate(), home);
        assertThat(openssl.exit()).as(openssl.messages()).isZero();
        assertThat(openssl.content()).isEqualTo(Bundles.manifest(der));

        // the next run makes sequence 2 of each zone, naming the first
        RunRecord again = run("08-export-bundle.yaml", Files.readAllBytes(EXAMPLES.resolve("08-export-bundle.yaml")));
        assertThat(again.state()).isEqualTo(RunState.COMPLETED);
        BundleRecord second = store.read(c -> BundleRecords.ofRun(c, again.id(), "sh-01")).orElseThrow();
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(second.previousSha256()).isEqualTo(records.get(1).sha256());
        JsonNode m2 = new ObjectMapper().readTree(Bundles.manifest(Files.readAllBytes(out.resolve("sh-01-000002.p7m"))));
        assertThat(m2.get("previous_bundle_sha256").asText()).isEqualTo(records.get(1).sha256());
        assertThat(Files.readAllBytes(out.resolve("sh-01-000001.p7m"))).as("never overwritten").isEqualTo(der);
    }

    @Test
    @Order(12)
    void aHundredZonesOfAHundredKeysExportInOneCeremonyWithProgress() throws Exception {
        int zones = 100;
        int keysPerZone = 100;
        List<String> ids = new ArrayList<>();
        withOpenHsm(s -> {
            KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
            List<KeyHierarchy.WorkingKeyRequest> requests = new ArrayList<>();
            for (int v = 1; v <= keysPerZone; v++) {
                requests.add(new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, v % 2 == 0 ? "AES-256" : "AES-128", v,
                        Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z")));
            }
            for (int i = 0; i < zones; i++) {
                String zone = "bulk-%03d".formatted(i);
                ids.add(zone);
                keys.registerZone(zone, "Bulk zone " + i, "bulk-setup");
                List<byte[]> parts = List.of(s.random(32), s.random(32));
                keys.storeZmkFromComponents(s, zone, 1, parts, "bulk-setup");
                keys.generateWorkingKeys(s, zone, requests, "bulk-setup");
            }
        });
        String script = """
                ceremony: export-bundle
                format: 1
                title: Bundles for a hundred zones
                operator: Alice
                zones: [%s]
                expires_in_days: 7
                output_directory: bulk
                """.formatted(String.join(", ", ids));
        engine.scriptDirectory(scripts());
        console.progress.clear();
        long t0 = System.nanoTime();
        RunRecord r = run("bulk.yaml", script.getBytes(StandardCharsets.UTF_8));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).hasSize(zones).allMatch(st -> st.state() == StepRecord.State.DONE);
        List<BundleRecord> records = store.read(c -> BundleRecords.ofRun(c, r.id()));
        assertThat(records).hasSize(zones).allSatisfy(b -> {
            assertThat(b.keyCount()).isEqualTo(keysPerZone);
            assertThat(b.writtenAt()).isNotNull();
            assertThat(scripts().resolve("bulk").resolve(b.fileName())).exists();
        });
        assertThat(console.progress).contains("bundles 1/100", "bundles 50/100", "bundles 100/100",
                "bundle bulk-042: keys translated 100/100");
        System.out.printf("export of %d zones x %d keys through the engine: %.2f s%n", zones, keysPerZone, seconds);
    }

    @Test
    @Order(13)
    void anExportIsSafeToRepeatNeverOverwritesAndRefusesWhatItCannotDo() throws Exception {
        Path dir = Files.createDirectories(home.resolve("repeat"));
        BundleExporter exporter = new BundleExporter(store, audit, clock);
        String run1 = newRun();
        BundleExporter.Progress quiet = (z, d, t) -> { };
        withOpenHsm(s -> {
            BundleExporter.Exported first = exporter.export(s, "sh-01", Duration.ofDays(30), dir, run1, quiet);
            assertThat(first.earlier()).isFalse();
            assertThat(first.record().sequence()).isEqualTo(3);
            byte[] bytes = read(first.file());

            // again: not signed twice, the same file
            BundleExporter.Exported again = exporter.export(s, "sh-01", Duration.ofDays(30), dir, run1, quiet);
            assertThat(again.earlier()).isTrue();
            assertThat(again.record().sha256()).isEqualTo(first.record().sha256());
            assertThat(read(first.file())).isEqualTo(bytes);

            // the medium lost the files: written again from the store, byte for byte
            delete(first.file());
            delete(dir.resolve(first.record().fileName() + ".sha256"));
            assertThat(exporter.export(s, "sh-01", Duration.ofDays(30), dir, run1, quiet).earlier()).isTrue();
            assertThat(read(first.file())).isEqualTo(bytes);
            assertThat(auditCount("bundle.exported", run1)).isEqualTo(1);
        });

        // someone else's file where the next bundle goes: refused, never overwritten; moved away, the run finishes
        String run2 = newRun();
        Path squatter = dir.resolve(BundleExporter.fileName("sh-01", 4));
        Files.writeString(squatter, "not a bundle");
        withOpenHsm(s -> {
            assertThatThrownBy(() -> exporter.export(s, "sh-01", Duration.ofDays(30), dir, run2, quiet))
                    .isInstanceOf(KeyException.class).hasMessageContaining("already exists and is not this bundle's")
                    .hasMessageContaining("never overwrites");
        });
        assertThat(Files.readString(squatter)).isEqualTo("not a bundle");
        BundleRecord pending = store.read(c -> BundleRecords.ofRun(c, run2, "sh-01")).orElseThrow();
        assertThat(pending.writtenAt()).isNull();
        assertThat(auditCount("bundle.exported", run2)).isZero();
        Files.move(squatter, home.resolve("moved-away"));
        withOpenHsm(s -> {
            BundleExporter.Exported done = exporter.export(s, "sh-01", Duration.ofDays(30), dir, run2, quiet);
            assertThat(done.earlier()).isTrue();
            assertThat(done.record().writtenAt()).isNotNull();
            byte[] stored = store.read(c -> BundleRecords.der(c, "sh-01", 4));
            assertThat(read(done.file())).isEqualTo(stored);
        });

        // a medium that is not there
        withOpenHsm(s -> assertThatThrownBy(() -> exporter.export(s, "bj-01", Duration.ofDays(30),
                home.resolve("no-such-medium").resolve("bundles"), newRun(), quiet))
                .isInstanceOf(KeyException.class).hasMessageContaining("Is the medium mounted?"));

        // a zone with a transport key: SoftHSM2 2.6 has RSA-OAEP only with SHA-1, and the driver says so
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(3072);
        RSAPublicKey transport = (RSAPublicKey) g.generateKeyPair().getPublic();
        String run3 = newRun();
        withOpenHsm(s -> {
            KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
            keys.registerZone("tk-01", "Transport key zone", run3);
            keys.storeTransportKey("tk-01", 1, transport, run3);
            keys.generateWorkingKeys(s, "tk-01", List.of(new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", 1,
                    Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2028-01-01T00:00:00Z"))), run3);
            assertThatThrownBy(() -> exporter.export(s, "tk-01", Duration.ofDays(30), dir, run3, quiet))
                    .isInstanceOfSatisfying(MechanismNotSupportedException.class, e -> assertThat(e.userMessage())
                            .contains("offers RSA-OAEP only with SHA-1, not with SHA-256")
                            .contains("cannot wrap keys for a zone transport key"));
        });
        List<BundleRecord> tk = store.read(c -> BundleRecords.ofZone(c, "tk-01"));
        assertThat(tk).isEmpty();
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();
    }

    @Test
    @Order(14)
    void anExportOfZonesThatDoNotFitIsRefusedBeforeTheQuorumAndChangesNothing() throws Exception {
        withOpenHsm(s -> new KeyHierarchy(store, audit, clock).registerZone("no-key", "A zone without a key", "test"));
        int runsBefore = engine.journal().recent(1000).size();
        String script = """
                ceremony: export-bundle
                format: 1
                title: Bundles for zones that do not fit
                operator: Alice
                zones: [sh-01, nowhere, no-key]
                expires_in_days: 30
                output_directory: refused
                """;
        assertThatThrownBy(() -> run("refused.yaml", script.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CeremonyRefusedException.class)
                .hasMessageContaining("zones[1]: the zone 'nowhere' does not exist")
                .hasMessageContaining("zones[2]: the zone 'no-key' has no zone master key or transport key");
        assertThat(engine.journal().recent(1000)).hasSize(runsBefore);
        assertThat(scripts().resolve("refused")).doesNotExist();
    }

    @Test
    @Order(15)
    void twoThousandKeysInTwoZonesFromAFiveLineSpecInBatchesThatResumeAndRefuseReuse() throws Exception {
        String script = """
                ceremony: generate-working-keys
                format: 1
                title: Key encryption keys for two zones
                operator: Alice
                zones: [bulk-000, bulk-001]
                keys:
                  - {purpose: KEK, algorithm: AES-256, version: 1, count: 1000, valid_from: 2027-01-01T00:00:00Z, valid_until: 2028-01-01T00:00:00Z}
                """;
        long before = store.read(KeyRecords::countWorkingKeys);
        console.progress.clear();
        RunRecord r = run("bulk-keys.yaml", script.getBytes(StandardCharsets.UTF_8));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(engine.journal().steps(r.id())).extracting(StepRecord::name).containsExactly(
                "generate working keys 1–500 of 1000 for zone bulk-000", "generate working keys 501–1000 of 1000 for zone bulk-000",
                "generate working keys 1–500 of 1000 for zone bulk-001", "generate working keys 501–1000 of 1000 for zone bulk-001");
        assertThat(console.progress).containsExactly("working keys 500/2000", "working keys 1000/2000", "working keys 1500/2000",
                "working keys 2000/2000");
        assertThat(store.read(KeyRecords::countWorkingKeys)).isEqualTo(before + 2000);
        for (String zone : List.of("bulk-000", "bulk-001")) {
            List<WorkingKey> made = store.read(c -> KeyRecords.workingKeys(c, new InventoryFilter(zone, KeyIds.KeyPurposeName.KEK,
                    null, null)));
            assertThat(made).hasSize(1000).allSatisfy(w -> {
                assertThat(w.runId()).isEqualTo(r.id());
                assertThat(w.algorithm()).isEqualTo("AES-256");
                assertThat(w.validFrom()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
            });
            assertThat(made).extracting(WorkingKey::version).containsExactlyElementsOf(
                    java.util.stream.IntStream.rangeClosed(1, 1000).boxed().toList());
            assertThat(made.stream().map(WorkingKey::kcv).collect(Collectors.toSet())).hasSize(1000);
        }
        // the KCVs of the first and the last key made prove under the LMK
        withOpenHsm(s -> {
            KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
            var lmk = keys.activeMasterKey(s);
            for (String id : List.of("wk/bulk-000/kek/v1", "wk/bulk-001/kek/v1000")) {
                WorkingKey w = store.read(c -> KeyRecords.workingKey(c, id)).orElseThrow();
                assertThat(keys.proveKcv(s, lmk.handle(), w.wrapped(), w.lengthBytes(), w.kcv(), w.id())).isEqualTo(w.kcv());
            }
        });
        assertThat(audit.verify(Optional.empty()).intact()).isTrue();

        // the same script again: every key exists, refused before the quorum, named by range not key by key
        int runsBefore = engine.journal().recent(1000).size();
        assertThatThrownBy(() -> run("bulk-keys-again.yaml", script.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CeremonyRefusedException.class)
                .hasMessageContaining("keys: the key wk/bulk-000/kek/v1 already exists")
                .hasMessageContaining("1990 more of the planned keys already exist (2000 in all)");
        assertThat(engine.journal().recent(1000)).hasSize(runsBefore);
    }

    private String newRun() {
        String id = UUID.randomUUID().toString();
        byte[] script = "export".getBytes(StandardCharsets.UTF_8);
        engine.journal().create(id, "export-bundle", "direct export", "test", script, "00".repeat(32), "test site", "Alice", false);
        return id;
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Opens the HSM with a quorum of three demo cards and runs {@code work} on a session. */
    private void withOpenHsm(Consumer<Session> work) {
        try (var q = org.hsmc.ceremony.custody.QuorumSession.begin(store, audit, clock,
                org.hsmc.ceremony.custody.CardSetPurpose.ADMIN, "test", "test")) {
            for (String c : List.of("demo-card-1", "demo-card-2", "demo-card-3")) {
                q.present(card(c), console.pins.get(c).toCharArray());
            }
            q.openHsm(hsm);
            try (Session s = hsm.openSession()) {
                work.accept(s);
            }
        }
    }

    private void proveEveryKcv(KeyHierarchy keys) {
        try (var q = org.hsmc.ceremony.custody.QuorumSession.begin(store, audit, clock,
                org.hsmc.ceremony.custody.CardSetPurpose.ADMIN, "prove", "test")) {
            for (String c : List.of("demo-card-1", "demo-card-2", "demo-card-3")) {
                q.present(card(c), console.pins.get(c).toCharArray());
            }
            q.openHsm(hsm);
            try (Session s = hsm.openSession()) {
                var lmk = keys.activeMasterKey(s);
                for (WorkingKey w : keys.inventory(InventoryFilter.ALL)) {
                    assertThat(keys.proveKcv(s, lmk.handle(), w.wrapped(), w.lengthBytes(), w.kcv(), w.id())).isEqualTo(w.kcv());
                }
                for (ZoneKey z : store.read(c -> KeyRecords.zoneKeys(c, "sh-01"))) {
                    assertThat(keys.proveKcv(s, lmk.handle(), z.wrapped(), 32, z.kcv(), z.id())).isEqualTo(z.kcv());
                }
            }
        }
    }
}
