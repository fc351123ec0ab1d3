package org.hsmc.ceremony.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.RFC5649WrapEngine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.bundle.BundleRecord;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.bundle.Bundles;
import org.hsmc.ceremony.custody.CardSetPurpose;
import org.hsmc.ceremony.custody.QuorumSession;
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
import org.hsmc.testsupport.SoftHsmStore;
import org.hsmc.testsupport.TokenStore;
import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo path (examples 01 to 08) on homes that are not all SoftHSM2: the HSM on SoftHSM2 with the admin
 * cards on NSS's softokn (a mixed home: the shares are decrypted by ECDH on NSS cards), and the HSM and the
 * cards both on NSS (every ceremony type of the demo on the second implementation). At the end every stored
 * key proves its KCV in the HSM, and Bouncy Castle unwraps every key of zone sh-01's bundle under its
 * ZMK (known from its printed components) to the manifest's KCV.
 */
class MixedImplementationsDemoPathTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "ceremonies");
    private final Clock clock = Clock.systemUTC();

    /** hsm store, card store, the first fixture card number of demo-card-1. */
    static Stream<Arguments> homes() {
        return Stream.of(Arguments.of("HSM on SoftHSM2, cards on NSS", TokenStores.softHsm(), TokenStores.nss(), 9),
                Arguments.of("HSM and cards on NSS", TokenStores.nss(), TokenStores.nss(), 14));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("homes")
    void theDemoPathRunsAndEveryKcvIsProven(String name, TokenStore hsmTokens, TokenStore cardTokens, int firstCard,
                                            @TempDir Path home) throws Exception {
        Pkcs11Module hsmModule = Pkcs11Module.load(hsmTokens.moduleConfig());
        Pkcs11Module cardModule = Pkcs11Module.load(cardTokens.moduleConfig());
        java.util.function.Function<String, Token> cards = label -> label.startsWith("demo-card-")
                ? cardModule.token(SoftHsmStore.cardLabel(firstCard - 1 + Integer.parseInt(label.substring("demo-card-".length()))))
                : cardModule.token(label);
        Token hsm = hsmModule.token(SoftHsmStore.HSM_X);
        try (Store store = Store.open(home.resolve("console.db"))) {
            AuditLog audit = new AuditLog(store, clock);
            CeremonyEngine engine = new CeremonyEngine(store, audit, clock, hsm, "test site").cards(cards);
            ScriptedConsole console = new ScriptedConsole(cards);
            console.hsmPin = new String(hsmTokens.userPin(SoftHsmStore.HSM_X));
            String[] names = {"alice", "bob", "carol", "dave", "erin"};
            for (int i = 1; i <= 5; i++) {
                String label = "demo-card-" + i;
                String fixture = SoftHsmStore.cardLabel(firstCard - 1 + i);
                console.transportPins.put(label, new String(cardTokens.userPin(fixture)));
                console.pins.put(label, names[i - 1] + "-" + String.valueOf(i).repeat(4));
                console.pins.put(fixture, names[i - 1] + "-" + String.valueOf(i).repeat(4));
            }
            console.typedComponents.put("zmk/bj-01/v1", List.of("11".repeat(32), "22".repeat(32), "44".repeat(32)));

            byte[] init = Files.readAllBytes(EXAMPLES.resolve("01-initialize.yaml"));
            RunRecord r1 = new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, cards, "test site")
                    .run(ScriptParser.parse(init, "01-initialize.yaml"), init, console, false);
            assertThat(r1.state()).as(name + ": initialize").isEqualTo(RunState.COMPLETED);
            Path scripts = Files.createDirectories(home.resolve("scripts"));
            engine.scriptDirectory(scripts);
            for (String file : List.of("02-generate-master-key.yaml", "03-generate-zone-master-key.yaml",
                    "04-generate-working-keys.yaml", "05-rotate.yaml", "06-revoke.yaml", "07-import-zone-master-key.yaml",
                    "08-export-bundle.yaml")) {
                byte[] bytes = Files.readAllBytes(EXAMPLES.resolve(file));
                ParsedScript p = ScriptParser.parse(bytes, file);
                RunRecord r = engine.run(p, bytes, console.quorum("demo-card-1", "demo-card-2", "demo-card-3"), false);
                assertThat(r.state()).as(name + ": " + file).isEqualTo(RunState.COMPLETED);
            }

            // every stored key proves its KCV in the HSM, under a quorum of the cards
            KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
            try (QuorumSession q = QuorumSession.begin(store, audit, clock, CardSetPurpose.ADMIN, "prove", "test")) {
                for (String c : List.of("demo-card-1", "demo-card-2", "demo-card-3")) {
                    q.present(cards.apply(c), console.pins.get(c).toCharArray());
                }
                q.openHsm(hsm);
                try (Session s = hsm.openSession()) {
                    var lmk = keys.activeMasterKey(s);
                    List<WorkingKey> inventory = keys.inventory(InventoryFilter.ALL);
                    assertThat(inventory).hasSizeGreaterThanOrEqualTo(6);
                    for (WorkingKey w : inventory) {
                        assertThat(keys.proveKcv(s, lmk.handle(), w.wrapped(), w.lengthBytes(), w.kcv(), w.id())).isEqualTo(w.kcv());
                    }
                    for (String zone : List.of("sh-01", "bj-01")) {
                        for (ZoneKey z : store.read(c -> KeyRecords.zoneKeys(c, zone))) {
                            assertThat(keys.proveKcv(s, lmk.handle(), z.wrapped(), 32, z.kcv(), z.id())).isEqualTo(z.kcv());
                        }
                    }
                }
            }

            // the bundle of sh-01, whose ZMK is the XOR of the components printed at step 03: Bouncy Castle unwraps every key
            byte[] zmk = new byte[32];
            assertThat(console.delivered).hasSize(3);
            for (var d : console.delivered) {
                for (int i = 0; i < 32; i++) {
                    zmk[i] ^= d.value()[i];
                }
            }
            BundleRecord bj = store.read(c -> BundleRecords.ofRun(c, engine.journal().recent(1).getFirst().id())).stream()
                    .filter(b -> b.zone().equals("sh-01")).findFirst().orElseThrow();
            JsonNode manifest = new ObjectMapper().readTree(Bundles.manifest(Files.readAllBytes(scripts.resolve("bundles").resolve(bj.fileName()))));
            assertThat(manifest.get("keys")).isNotEmpty();
            for (JsonNode k : manifest.get("keys")) {
                byte[] wrapped = Base64.getDecoder().decode(k.get("wrapped").asText());
                RFC5649WrapEngine e = new RFC5649WrapEngine(AESEngine.newInstance());
                e.init(false, new KeyParameter(zmk));
                byte[] clear = e.unwrap(wrapped, 0, wrapped.length);
                assertThat(Kcv.ofClearAesKey(clear).hex()).as(k.get("id").asText()).isEqualTo(k.get("kcv").asText());
                java.util.Arrays.fill(clear, (byte) 0);
            }
            assertThat(audit.verify(Optional.empty()).intact()).isTrue();
        } finally {
            hsmModule.close();
            cardModule.close();
        }
    }
}
