package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
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
import java.util.List;
import java.util.Optional;

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
        engine = new CeremonyEngine(store, audit, clock, hsm, "test site");
        console = new ScriptedConsole(this::card);
        console.hsmPin = new String(tokens.userPin(SoftHsmStore.HSM_B));
        String[] names = {"alice", "bob", "carol", "dave", "erin"};
        for (int i = 1; i <= 5; i++) {
            String label = "demo-card-" + i;
            console.transportPins.put(label, new String(tokens.userPin(SoftHsmStore.cardLabel(8 + i))));
            console.pins.put(label, names[i - 1] + "-" + String.valueOf(i).repeat(4));
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
                """;
        RunRecord r = run("lmk-v2.yaml", script.getBytes(StandardCharsets.UTF_8));
        assertThat(r.state()).isEqualTo(RunState.COMPLETED);
        assertThat(store.read(KeyRecords::activeMasterKey).orElseThrow().label()).isEqualTo("lmk/v2");
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
