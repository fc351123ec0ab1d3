package org.hsmc.node;

import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.macs.CMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleExporter;
import org.hsmc.ceremony.bundle.ConsoleCertificate;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.SoftHsmStore;
import org.hsmc.testsupport.TokenStore;
import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bundles cross PKCS#11 implementations, both ways: a console on SoftHSM2 exports, a node on NSS's softokn
 * imports; a console on NSS exports, a node on SoftHSM2 imports. Each implementation wraps through the
 * mechanism that gives RFC 5649 on it (0x210A on SoftHSM2, 0x210B on NSS). Every KCV is proven three times:
 * the node's token computes the console's, and Bouncy Castle's RFC5649WrapEngine unwraps every wrapped key of
 * the bundle under the zone master key (known here from its components) to a key whose CMAC KCV is the
 * manifest's.
 */
class CrossImplementationRoundTripTest {

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    static Stream<Arguments> directions() {
        return Stream.of(Arguments.of(TokenStores.softHsm(), TokenStores.nss()), Arguments.of(TokenStores.nss(), TokenStores.softHsm()));
    }

    @ParameterizedTest(name = "console on {0}, node on {1}")
    @MethodSource("directions")
    void aBundleExportedOnOneImplementationImportsIntoTheOther(TokenStore consoleTokens, TokenStore nodeTokens) throws Exception {
        Pkcs11Module consoleModule = Pkcs11Module.load(consoleTokens.moduleConfig());
        Pkcs11Module nodeModule = Pkcs11Module.load(nodeTokens.moduleConfig());
        Token hsm = consoleModule.token(SoftHsmStore.HSM_X);
        Token node = nodeModule.token(SoftHsmStore.NODE_X);
        hsm.login(consoleTokens.userPin(SoftHsmStore.HSM_X));
        node.login(nodeTokens.userPin(SoftHsmStore.NODE_X));
        try (Store store = Store.open(dir.resolve("console.db"))) {
            AuditLog audit = new AuditLog(store, clock);
            KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
            RunJournal journal = new RunJournal(store, audit, clock);
            byte[] zmk = new byte[32];
            X509Certificate cert;
            Instant from = Instant.parse("2026-01-01T00:00:00Z");
            Instant until = Instant.parse("2036-01-01T00:00:00Z");
            try (Session s = hsm.openSession()) {
                keys.createMasterKey(s, 1, "setup");
                KeyPairHandles signer = s.generateEcKeyPair(EcCurve.P384, KeyPairTemplate.of("bundle-signer/v1",
                        "setup".getBytes(StandardCharsets.UTF_8), true, false, KeyUsage.SIGN));
                cert = ConsoleCertificate.create(s, signer, "CN=Cross console, O=Test", clock.instant(), Duration.ofDays(365), BigInteger.TWO);
                insertCertificate(store, cert);
                keys.registerZone("sh-01", "Zone sh-01", "setup");
                List<byte[]> parts = List.of(s.random(32), s.random(32), s.random(32));
                for (byte[] p : parts) {
                    for (int i = 0; i < 32; i++) {
                        zmk[i] ^= p[i];
                    }
                }
                keys.storeZmkFromComponents(s, "sh-01", 1, parts, "setup");
                keys.generateWorkingKeys(s, "sh-01", List.of(
                        new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.DEK, "AES-256", 1, from, until),
                        new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.KEK, "AES-192", 1, from, until),
                        new KeyHierarchy.WorkingKeyRequest(KeyIds.KeyPurposeName.MAC, "AES-128", 1, from, until)), "setup");
            }
            try (Session n = node.openSession()) {
                n.createSecretKey(KeyTemplate.aes(32).label("zmk/sh-01/v1").token(true).sensitive(true).extractable(false)
                        .usages(KeyUsage.UNWRAP, KeyUsage.SIGN).build(), zmk.clone());
            }
            String run = UUID.randomUUID().toString();
            journal.create(run, "export-bundle", "cross", "test", new byte[] {1}, "00".repeat(32), "test", "Alice", false);
            byte[] bundle;
            try (Session s = hsm.openSession()) {
                BundleExporter.Exported e = new BundleExporter(store, audit, clock).export(s, "sh-01", Duration.ofDays(30),
                        dir.resolve("media"), run, (z, d, t) -> { });
                bundle = Files.readAllBytes(e.file());
            }
            Path pem = Files.writeString(dir.resolve("console-cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
            VerifiedBundle b = new BundleVerifier(TrustedConsole.read(pem), clock).verify(bundle);
            NodeState state = NodeState.load(dir.resolve("node-state"));
            BundleImporter.Result r;
            try (Session n = node.openSession()) {
                r = new BundleImporter(clock).importInto(n, b, "sh-01", state);
            }

            Map<String, String> consoleKcvs = new TreeMap<>();
            for (WorkingKey w : store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL.zone("sh-01")))) {
                consoleKcvs.put(w.id(), w.kcv());
            }
            assertThat(new TreeMap<>(r.imported())).as("KCVs computed in the node's token = the console's").isEqualTo(consoleKcvs)
                    .hasSize(3);
            for (Manifest.Key k : b.manifest().keys()) {
                assertThat(k.wrapped()).as(k.id() + ": RFC 5649 length").hasSize(k.lengthBytes() + 8);
                byte[] clear = bcUnwrap(zmk, k.wrapped());
                try {
                    assertThat(bcKcv(clear)).as(k.id() + ": Bouncy Castle's KCV of the unwrapped key").isEqualTo(k.kcv());
                } finally {
                    Arrays.fill(clear, (byte) 0);
                }
            }
        } finally {
            hsm.logout();
            node.logout();
            consoleModule.close();
            nodeModule.close();
        }
    }

    private static void insertCertificate(Store store, X509Certificate cert) {
        store.write(c -> {
            try (var ps = c.prepareStatement("INSERT INTO console_certificate (key_id, der, subject, not_before, not_after,"
                    + " created_at, run_id) VALUES (?,?,?,?,?,?,?)")) {
                String now = Instant.now().toString();
                ps.setString(1, "bundle-signer/v1");
                ps.setBytes(2, cert.getEncoded());
                ps.setString(3, "CN=Cross console");
                ps.setString(4, now);
                ps.setString(5, now);
                ps.setString(6, now);
                ps.setString(7, "setup");
                ps.executeUpdate();
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
            return null;
        });
    }

    private static byte[] bcUnwrap(byte[] kek, byte[] wrapped) throws Exception {
        RFC5649WrapEngine e = new RFC5649WrapEngine(AESEngine.newInstance());
        e.init(false, new KeyParameter(kek));
        return e.unwrap(wrapped, 0, wrapped.length);
    }

    private static String bcKcv(byte[] key) {
        CMac mac = new CMac(AESEngine.newInstance());
        mac.init(new KeyParameter(key));
        mac.update(new byte[16], 0, 16);
        byte[] out = new byte[16];
        mac.doFinal(out, 0);
        return Kcv.fromCmac(out).hex();
    }
}
