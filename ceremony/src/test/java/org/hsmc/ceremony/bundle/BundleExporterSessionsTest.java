package org.hsmc.ceremony.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The streamed export on a real SoftHSM2 token: a zone of 2,500 keys (three pages) exported on one, two and three HSM
 * sessions gives the same keys, in the same order, wrapped to the same bytes (KWP is deterministic), and every bundle is
 * a valid SignedData over its manifest; no temporary file is left behind.
 */
@RequiresSoftHsm
class BundleExporterSessionsTest {

    private static final int KEYS = 2_500;
    @TempDir
    static Path dir;
    private static Pkcs11Module module;
    private static Token hsm;
    private static Store store;
    private static AuditLog audit;
    private static X509Certificate cert;
    private static final Clock CLOCK = Clock.systemUTC();

    @BeforeAll
    static void setUp(SoftHsmStore softHsm) throws Exception {
        module = Pkcs11Module.load(softHsm.module(), softHsm.environment());
        hsm = module.token(SoftHsmStore.HSM);
        if (!hsm.isLoggedIn()) {
            char[] pin = softHsm.userPin(SoftHsmStore.HSM);
            try {
                hsm.login(pin);
            } finally {
                Arrays.fill(pin, '\0');
            }
        }
        store = Store.open(dir.resolve("console.db"));
        audit = new AuditLog(store, CLOCK);
        KeyHierarchy keys = new KeyHierarchy(store, audit, CLOCK);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        try (Session s = hsm.openSession()) {
            keys.createMasterKey(s, 1, "setup-" + tag);
            KeyPairHandles signer = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("bundle-signer/v1",
                    ("setup-" + tag).getBytes(StandardCharsets.UTF_8), false, false, KeyUsage.SIGN));
            cert = ConsoleCertificate.create(s, signer, "CN=Sessions test", CLOCK.instant(), Duration.ofDays(30), BigInteger.TWO);
            store.write(c -> {
                try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                        + " created_at, run_id) VALUES ('bundle-signer/v1', ?, 'CN=Sessions test', ?, ?, ?, 'setup')")) {
                    ps.setBytes(1, cert.getEncoded());
                    ps.setString(2, cert.getNotBefore().toInstant().toString());
                    ps.setString(3, cert.getNotAfter().toInstant().toString());
                    ps.setString(4, CLOCK.instant().toString());
                    ps.executeUpdate();
                } catch (java.security.cert.CertificateEncodingException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            keys.registerZone("sess", "Sessions zone", "setup");
            keys.storeZmkFromComponents(s, "sess", 1, List.of(s.random(32), s.random(32)), "setup");
            Instant from = Instant.parse("2027-01-01T00:00:00Z");
            for (int first = 1; first <= KEYS; first += 500) {
                List<KeyHierarchy.WorkingKeyRequest> batch = new ArrayList<>();
                for (int v = first; v < first + 500; v++) {
                    batch.add(new KeyHierarchy.WorkingKeyRequest(v % 2 == 0 ? KeyIds.KeyPurposeName.DEK : KeyIds.KeyPurposeName.MAC,
                            v % 3 == 0 ? "AES-128" : "AES-256", v, from, from.plus(Duration.ofDays(365))));
                }
                keys.generateWorkingKeys(s, "sess", batch, "setup");
            }
        }
    }

    @AfterAll
    static void close() {
        store.close();
        module.close();
    }

    @Test
    void oneTwoAndThreeSessionsMakeTheSameKeysInTheSameOrder() throws Exception {
        long spoolsBefore = spools();
        List<JsonNode> keyArrays = new ArrayList<>();
        List<String> wrappedDigests = new ArrayList<>();
        RunJournal journal = new RunJournal(store, audit, CLOCK);
        for (int sessions = 1; sessions <= 3; sessions++) {
            String run = UUID.randomUUID().toString();
            journal.create(run, "export-bundle", "sessions " + sessions, "test", new byte[] {1}, "00".repeat(32), "test", "test", false);
            List<String> progress = new ArrayList<>();
            BundleExporter exporter = new BundleExporter(store, audit, CLOCK).sessions(sessions);
            BundleExporter.Exported e;
            try (Session s = hsm.openSession()) {
                e = exporter.export(s, "sess", Duration.ofDays(7), dir.resolve("out-" + sessions), run,
                        (z, done, total) -> progress.add(done + "/" + total));
            }
            assertThat(e.record().keyCount()).isEqualTo(KEYS);
            assertThat(e.record().sequence()).isEqualTo(sessions);
            assertThat(progress).contains("1000/2500", "2000/2500").last().isEqualTo("2500/2500");
            byte[] der = Files.readAllBytes(e.file());
            byte[] manifest = Bundles.manifest(der);
            BundleCms.verify(der, cert, manifest);
            byte[] stored = store.read(c -> BundleRecords.der(c, "sess", e.record().sequence()));
            assertThat(stored).isEqualTo(der);
            JsonNode m = new ObjectMapper().readTree(manifest);
            assertThat(m.get("keys")).hasSize(KEYS);
            keyArrays.add(m.get("keys"));
            wrappedDigests.add(m.get("wrapped_keys_sha256").asText());
        }
        assertThat(keyArrays.get(1)).isEqualTo(keyArrays.get(0));
        assertThat(keyArrays.get(2)).isEqualTo(keyArrays.get(0));
        assertThat(wrappedDigests).containsOnly(wrappedDigests.getFirst());
        assertThat(keyArrays.getFirst().get(0).get("id").asText()).isEqualTo("wk/sess/dek/v2");
        assertThat(keyArrays.getFirst().get(KEYS - 1).get("id").asText()).isEqualTo("wk/sess/mac/v2499");
        assertThat(spools()).as("temporary key files left behind").isEqualTo(spoolsBefore);
    }

    @Test
    void aSessionCountOutsideOneToSixteenIsRefused() {
        BundleExporter exporter = new BundleExporter(store, audit, CLOCK);
        assertThatThrownBy(() -> exporter.sessions(0)).hasMessageContaining("use 1 to 16");
        assertThatThrownBy(() -> exporter.sessions(17)).hasMessageContaining("use 1 to 16");
    }

    private static long spools() throws Exception {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("hsmc-bundle-")).count();
        }
    }
}
