package org.hsmc.node;

import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleCms;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.BundleManifest;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.WrapMechanism;
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

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Console to node on two SoftHSM2 tokens: the console ({@code hsm}) exports bundles with the same code as the
 * export-bundle ceremony, signed in its HSM; the node ({@code node}) verifies them against the pinned console
 * certificate and unwraps the keys into its own token under its ZMK. The node's keys equal the console's: the
 * KCVs computed on the node equal those the console computed when it made the keys, and the keys in the node's
 * token prove themselves to the console's HSM. Then every refusal that needs a token, each leaving the token and
 * the anti-rollback state as they were.
 */
@RequiresSoftHsm
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoundTripTest {

    @TempDir
    static Path dir;

    private final Clock clock = Clock.systemUTC();
    private Pkcs11Module module;
    private Token hsm;
    private Token node;
    private Store store;
    private AuditLog audit;
    private KeyHierarchy keys;
    private RunJournal journal;
    private BundleExporter exporter;
    private X509Certificate consoleCert;
    private TrustedConsole trust;
    private NodeState state;
    private final BundleImporter importer = new BundleImporter(Clock.systemUTC());
    private final List<byte[]> sh01Components = new ArrayList<>();
    private byte[] bundle1;

    @BeforeAll
    void setUp() throws Exception {
        SoftHsmStore tokens = SoftHsmStore.shared();
        module = Pkcs11Module.load(tokens.module(), tokens.environment());
        hsm = module.token(SoftHsmStore.HSM);
        node = module.token(SoftHsmStore.NODE);
        hsm.login(tokens.userPin(SoftHsmStore.HSM));
        node.login(tokens.userPin(SoftHsmStore.NODE));
        store = Store.open(dir.resolve("console.db"));
        audit = new AuditLog(store, clock);
        keys = new KeyHierarchy(store, audit, clock);
        journal = new RunJournal(store, audit, clock);
        exporter = new BundleExporter(store, audit, clock);
        Instant from = Instant.parse("2026-01-01T00:00:00Z");
        Instant until = Instant.parse("2036-01-01T00:00:00Z");
        try (Session s = hsm.openSession()) {
            keys.createMasterKey(s, 1, "setup");
            KeyPairHandles signer = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("bundle-signer/v1",
                    "setup".getBytes(StandardCharsets.UTF_8), true, false, KeyUsage.SIGN));
            consoleCert = ConsoleCertificate.create(s, signer, "CN=Round trip console, O=Test", clock.instant(), Duration.ofDays(365),
                    BigInteger.TEN);
            store.write(c -> {
                try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                        + " created_at, run_id) VALUES (?,?,?,?,?,?,?)")) {
                    ps.setString(1, "bundle-signer/v1");
                    ps.setBytes(2, consoleCert.getEncoded());
                    ps.setString(3, "CN=Round trip console");
                    ps.setString(4, clock.instant().toString());
                    ps.setString(5, clock.instant().toString());
                    ps.setString(6, clock.instant().toString());
                    ps.setString(7, "setup");
                    ps.executeUpdate();
                } catch (java.security.cert.CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            for (String zone : List.of("sh-01", "bj-01")) {
                keys.registerZone(zone, "Zone " + zone, "setup");
                List<byte[]> parts = List.of(s.random(32), s.random(32), s.random(32));
                if (zone.equals("sh-01")) {
                    sh01Components.addAll(parts);
                }
                keys.storeZmkFromComponents(s, zone, 1, parts, "setup");
            }
            keys.generateWorkingKeys(s, "sh-01", List.of(
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", 1, from, until),
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", 2, from, until),
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.KEK, "AES-192", 1, from, until),
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.MAC, "AES-128", 1, from, until),
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.MAC, "AES-256", 2, from, until)), "setup");
            keys.generateWorkingKeys(s, "bj-01", List.of(
                    new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", 1, from, until)), "setup");
        }
        // the node's ZMK of sh-01, from the same components (as its custodians would type them)
        byte[] zmk = new byte[32];
        for (byte[] p : sh01Components) {
            for (int i = 0; i < 32; i++) {
                zmk[i] ^= p[i];
            }
        }
        try (Session n = node.openSession()) {
            n.createSecretKey(zmkTemplate("zmk/sh-01/v1"), zmk);
        } finally {
            java.util.Arrays.fill(zmk, (byte) 0);
        }
        Path pem = Files.writeString(dir.resolve("console-cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(consoleCert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        trust = TrustedConsole.read(pem);
        state = NodeState.load(dir.resolve("node-state"));
    }

    @AfterAll
    void tearDown() {
        store.close();
        module.close();
    }

    private static KeyTemplate zmkTemplate(String label) {
        return KeyTemplate.aes(32).label(label).token(true).sensitive(true).extractable(false)
                .usages(KeyUsage.UNWRAP, KeyUsage.SIGN).build();
    }

    private String newRun() {
        String id = UUID.randomUUID().toString();
        journal.create(id, "export-bundle", "round trip", "test", new byte[] {1}, "00".repeat(32), "test", "Alice", false);
        return id;
    }

    private byte[] export(String zone) throws Exception {
        try (Session s = hsm.openSession()) {
            BundleExporter.Exported e = exporter.export(s, zone, Duration.ofDays(30), dir.resolve("media"), newRun(), (z, d, t) -> { });
            return Files.readAllBytes(e.file());
        }
    }

    private BundleVerifier verifier() {
        return new BundleVerifier(trust, clock);
    }

    private <T> T onNode(Function<Session, T> work) {
        try (Session n = node.openSession()) {
            return work.apply(n);
        }
    }

    private Map<String, String> nodeLabels() {
        return onNode(n -> {
            Map<String, String> out = new TreeMap<>();
            for (KeyHandle h : n.findKeysByLabelPrefix(KeyHandle.KeyClass.SECRET, "wk/")) {
                out.put(n.label(h), h.toString());
            }
            return out;
        });
    }

    private static Refusal refusal(Runnable r) {
        BundleRefusedException e = catchThrowableOfType(BundleRefusedException.class, r::run);
        assertThat(e).as("refused").isNotNull();
        return e.kind();
    }

    @Test
    @Order(1)
    void theNodesKeysEqualTheConsolesProvedByKcvsOnBothSides() throws Exception {
        bundle1 = export("sh-01");
        VerifiedBundle b = verifier().verify(bundle1);
        BundleImporter.Result r = onNode(n -> importer.importInto(n, b, "sh-01", state));

        List<WorkingKey> console = store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL.zone("sh-01")));
        Map<String, String> consoleKcvs = new TreeMap<>();
        console.forEach(w -> consoleKcvs.put(w.id(), w.kcv()));
        assertThat(new TreeMap<>(r.imported())).as("KCVs computed in the node's token = KCVs the console's HSM computed")
                .isEqualTo(consoleKcvs).hasSize(5);
        assertThat(r.sequence()).isEqualTo(1);
        assertThat(state.last("sh-01")).hasValueSatisfying(e -> {
            assertThat(e.sequence()).isEqualTo(1);
            assertThat(e.sha256()).isEqualTo(b.sha256());
        });
        assertThat(NodeState.load(dir.resolve("node-state")).last("sh-01")).isPresent();

        // the token objects themselves: attributes, and each key proves itself
        onNode(n -> {
            for (WorkingKey w : console) {
                List<KeyHandle> found = n.findKeys(KeyHandle.KeyClass.SECRET, w.id());
                assertThat(found).as(w.id()).hasSize(1);
                KeyAttributes a = n.attributes(found.getFirst());
                assertThat(a.token()).isTrue();
                assertThat(a.sensitive()).isTrue();
                assertThat(a.extractable()).isFalse();
                switch (w.purpose()) {
                    case MAC -> {
                        assertThat(a.usages()).containsExactlyInAnyOrder(KeyUsage.SIGN, KeyUsage.VERIFY);
                        assertThat(n.kcv(found.getFirst()).hex()).as("MAC key's KCV on the node").isEqualTo(w.kcv());
                    }
                    case KEK -> {
                        assertThat(a.usages()).containsExactlyInAnyOrder(KeyUsage.WRAP, KeyUsage.UNWRAP);
                        assertThat(kekProvesItself(n, found.getFirst(), w)).isTrue();
                    }
                    case DEK -> assertThat(a.usages()).containsExactlyInAnyOrder(KeyUsage.ENCRYPT, KeyUsage.DECRYPT);
                }
            }
            return null;
        });
    }

    /** A probe key wrapped by the node's KEK unwraps, with its KCV, under the console's copy of that KEK. */
    private boolean kekProvesItself(Session n, KeyHandle nodeKek, WorkingKey kek) {
        KeyTemplate probeTemplate = KeyTemplate.aes(32).token(false).sensitive(true).extractable(true).usages(KeyUsage.SIGN).build();
        KeyHandle probe = n.generateSecretKey(probeTemplate);
        String probeKcv = n.kcv(probe).hex();
        byte[] wrapped = n.wrap(WrapMechanism.AES_KWP, nodeKek, probe);
        n.destroy(probe);
        try (Session s = hsm.openSession()) {
            KeyHierarchy.ActiveLmk lmk = keys.activeMasterKey(s);
            KeyHandle consoleKek = s.unwrap(WrapMechanism.AES_KWP, lmk.handle(), kek.wrapped(), KeyTemplate.aes(kek.lengthBytes())
                    .token(false).sensitive(true).extractable(false).usages(KeyUsage.UNWRAP).build());
            KeyHandle back = s.unwrap(WrapMechanism.AES_KWP, consoleKek, wrapped, KeyTemplate.aes(32).token(false).sensitive(true)
                    .extractable(false).usages(KeyUsage.SIGN).build());
            boolean same = s.kcv(back).hex().equals(probeKcv);
            s.destroy(back);
            s.destroy(consoleKek);
            return same;
        }
    }

    @Test
    @Order(2)
    void theNextBundleCarriesARevocationAndTheNodeDestroysTheKey() throws Exception {
        keys.revoke("sh-01", List.of("wk/sh-01/dek/v1"), "Suspected disclosure", "INC-7", "revoke-run");
        byte[] bundle2 = export("sh-01");
        VerifiedBundle b = verifier().verify(bundle2);
        assertThat(b.manifest().previousSha256()).isEqualTo(verifier().verify(bundle1).sha256());
        BundleImporter.Result r = onNode(n -> importer.importInto(n, b, "sh-01", state));
        assertThat(r.sequence()).isEqualTo(2);
        assertThat(r.destroyed()).containsExactly("wk/sh-01/dek/v1");
        assertThat(r.alreadyPresent()).hasSize(4);
        assertThat(r.imported()).isEmpty();
        assertThat(nodeLabels()).doesNotContainKey("wk/sh-01/dek/v1").containsKey("wk/sh-01/dek/v2");
        assertThat(state.last("sh-01").orElseThrow().sequence()).isEqualTo(2);
    }

    @Test
    @Order(3)
    void aReplayedOlderBundleIsRefusedAndChangesNothing() {
        Map<String, String> before = nodeLabels();
        VerifiedBundle old = verifier().verify(bundle1);
        assertThat(refusal(() -> onNode(n -> importer.importInto(n, old, "sh-01", state)))).isEqualTo(Refusal.ROLLBACK);
        assertThat(nodeLabels()).isEqualTo(before);
        assertThat(NodeState.load(dir.resolve("node-state")).last("sh-01").orElseThrow().sequence()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void aNodeWithoutTheZoneKeyOrWithAnotherOneRefuses() throws Exception {
        VerifiedBundle bj = verifier().verify(export("bj-01"));
        assertThat(refusal(() -> onNode(n -> importer.importInto(n, bj, "bj-01", state)))).isEqualTo(Refusal.NO_ZONE_KEY);
        byte[] wrong = new byte[32];
        new java.security.SecureRandom().nextBytes(wrong);
        KeyHandle wrongZmk = onNode(n -> n.createSecretKey(zmkTemplate("zmk/bj-01/v1"), wrong));
        try {
            assertThat(refusal(() -> onNode(n -> importer.importInto(n, bj, "bj-01", state)))).isEqualTo(Refusal.ZONE_KEY_MISMATCH);
        } finally {
            onNode(n -> {
                n.destroy(wrongZmk);
                return null;
            });
        }
        assertThat(state.last("bj-01")).isEmpty();
        assertThat(nodeLabels()).doesNotContainKey("wk/bj-01/dek/v1");
    }

    /** Bundles the console signs in its HSM with a damaged key or a wrong KCV (a console fault): nothing is kept. */
    @Test
    @Order(5)
    void aWrongKcvOrADamagedWrappedKeyIsRefusedAndNothingIsKept() throws Exception {
        VerifiedBundle last = verifier().verify(export("sh-01")); // sequence 3, not imported
        Manifest.Key genuine = last.manifest().keys().getFirst();
        Map<String, String> before = nodeLabels();
        long seqBefore = state.last("sh-01").orElseThrow().sequence();

        byte[] damaged = genuine.wrapped();
        damaged[damaged.length - 3] ^= 0x40;
        Refusal damagedKind = refusal(() -> {
            VerifiedBundle b = verifier().verify(signedByConsole(last, 4, genuine, damaged, genuine.kcv(), "wk/sh-01/dek/v7"));
            onNode(n -> importer.importInto(n, b, "sh-01", state));
        });
        Refusal kcvKind = refusal(() -> {
            VerifiedBundle b = verifier().verify(signedByConsole(last, 4, genuine, genuine.wrapped(), "0000000000", "wk/sh-01/dek/v8"));
            onNode(n -> importer.importInto(n, b, "sh-01", state));
        });
        assertThat(damagedKind).isEqualTo(Refusal.WRAPPED_KEY_DAMAGED);
        assertThat(kcvKind).isEqualTo(Refusal.KCV_MISMATCH);
        assertThat(nodeLabels()).isEqualTo(before);
        assertThat(state.last("sh-01").orElseThrow().sequence()).isEqualTo(seqBefore);
    }

    /**
     * A bundle following {@code last}: a new key (id {@code newId}) with the given wrapped bytes and KCV, plus the good
     * keys of {@code last}, signed in the console's HSM.
     */
    private byte[] signedByConsole(VerifiedBundle last, long sequence, Manifest.Key like, byte[] wrapped, String kcv, String newId) {
        Manifest m = last.manifest();
        List<BundleManifest.Key> keyList = new ArrayList<>();
        for (Manifest.Key k : m.keys()) {
            keyList.add(new BundleManifest.Key(k.id(), k.purpose(), k.algorithm(), k.version(), k.validFrom(), k.validUntil(), k.kcv(),
                    k.wrappingKeyId(), k.wrappingKeyKcv(), k.mechanism(), k.wrapped()));
        }
        int version = Integer.parseInt(newId.substring(newId.lastIndexOf('v') + 1));
        keyList.add(new BundleManifest.Key(newId, like.purpose(), like.algorithm(), version, like.validFrom(), like.validUntil(), kcv,
                like.wrappingKeyId(), like.wrappingKeyKcv(), like.mechanism(), wrapped));
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        BundleManifest next = new BundleManifest(m.zone(), m.zoneStatus(), sequence, now, now.plusSeconds(3600), "test",
                last.sha256(), keyList, List.of());
        try (Session s = hsm.openSession()) {
            KeyPairHandles signer = new KeyPairHandles(s.findKeys(KeyHandle.KeyClass.PUBLIC, "bundle-signer/v1").getFirst(),
                    s.findKeys(KeyHandle.KeyClass.PRIVATE, "bundle-signer/v1").getFirst());
            return BundleCms.signInHsm(s, signer, consoleCert, next.toJson(), now);
        }
    }

    @Test
    @Order(6)
    void aTransportKeyZoneCannotBeImportedOnSoftHsmAndTheDriverSaysWhy() throws Exception {
        // SoftHSM2 2.6 has RSA-OAEP only with SHA-1: the node's unwrap is refused by the driver with its own sentence
        KeyPairHandles tk = onNode(n -> n.generateRsaKeyPair(3072, KeyPairTemplate.of("tk/tk-01/v1", null, true, false,
                KeyUsage.UNWRAP)));
        String fingerprint = onNode(n -> BundleImporter.fingerprint(n.publicKey(tk.publicKey()).getEncoded()));
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        BundleManifest m = new BundleManifest("tk-01", "ACTIVE", 1, now, now.plusSeconds(3600), "test", null, List.of(
                new BundleManifest.Key("wk/tk-01/dek/v1", "DEK", "AES-256", 1, now, now.plusSeconds(86400), "0123456789",
                        "tk/tk-01/v1", fingerprint, BundleManifest.RSA_OAEP_SHA256, new byte[384])), List.of());
        byte[] bundle;
        try (Session s = hsm.openSession()) {
            KeyPairHandles signer = new KeyPairHandles(s.findKeys(KeyHandle.KeyClass.PUBLIC, "bundle-signer/v1").getFirst(),
                    s.findKeys(KeyHandle.KeyClass.PRIVATE, "bundle-signer/v1").getFirst());
            bundle = BundleCms.signInHsm(s, signer, consoleCert, m.toJson(), now);
        }
        VerifiedBundle b = verifier().verify(bundle);
        BundleRefusedException e = catchThrowableOfType(BundleRefusedException.class,
                () -> onNode(n -> importer.importInto(n, b, "tk-01", state)));
        assertThat(e.kind()).isEqualTo(Refusal.TOKEN_FAILED);
        assertThat(e.getMessage()).contains("offers RSA-OAEP only with SHA-1, not with SHA-256");
        assertThat(state.last("tk-01")).isEmpty();
    }

    @Test
    @Order(7)
    void theConsolesStoreAgreesWithWhatTheNodeImported() {
        ZoneKey zmk = store.read(c -> KeyRecords.activeZoneKey(c, "sh-01")).orElseThrow();
        assertThat(verifier().verify(bundle1).manifest().keys()).allSatisfy(k -> {
            assertThat(k.wrappingKeyId()).isEqualTo(zmk.id());
            assertThat(k.wrappingKeyKcv()).isEqualTo(zmk.kcv());
        });
    }
}
