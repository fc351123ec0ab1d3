package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEntry;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.backup.StoreBackup;
import org.hsmc.ceremony.bundle.BundleRecord;
import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.bundle.Bundles;
import org.hsmc.ceremony.custody.CardSet;
import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.custody.RecoveryCards;
import org.hsmc.ceremony.keys.InventoryFilter;
import org.hsmc.ceremony.keys.KeyException;
import org.hsmc.ceremony.keys.KeyHierarchy;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.ZoneKey;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptParser;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Pkcs11Module;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.testsupport.Bytes;
import org.hsmc.testsupport.TokenStore;
import org.hsmc.testsupport.TokenStores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.hsmc.testsupport.SoftHsmStore;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The disaster-recovery drill of docs/disaster-recovery.md, end to end on SoftHSM2: the demo path (initialize
 * 3-of-5, the LMK split 2-of-3 onto recovery cards, a ZMK, working keys, a bundle), a store backup, the HSM
 * wiped (every object destroyed, its user PIN reset by its security officer: a fresh token) and the console's
 * disk lost; then the store restored, one recovery card alone refused, a store whose LMK record is not these
 * cards' refused by KCV, and the restore from 2 recovery cards: every key's KCV proved, a new bundle exported
 * and verified with the new console certificate, the old one still verifying with the old certificate, and
 * the audit log intact with the whole drill in it.
 */
class DisasterRecoveryDrillTest {

    private static final Path EXAMPLES = Path.of("..", "examples", "ceremonies");
    private static final String[] NAMES = {"alice", "bob", "carol", "dave", "erin"};

    @TempDir
    Path dir;

    private TokenStore tokens;
    /** demo-card-N is the store's card-(cardOffset + N): 17-21 on SoftHSM2, 1-5 on NSS (whose 9-20 other tests use). */
    private int cardOffset;
    private Pkcs11Module module;
    private final Clock clock = Clock.systemUTC();

    private Token card(String label) {
        if (label.startsWith("demo-card-")) {
            return module.token(SoftHsmStore.cardLabel(cardOffset + Integer.parseInt(label.substring("demo-card-".length()))));
        }
        return module.token(label);
    }

    private ScriptedConsole console() {
        ScriptedConsole console = new ScriptedConsole(this::card);
        console.hsmPin = new String(tokens.userPin(SoftHsmStore.HSM_DR));
        for (int i = 1; i <= 5; i++) {
            String pin = NAMES[i - 1] + "-" + String.valueOf(i).repeat(4);
            console.transportPins.put("demo-card-" + i, new String(tokens.userPin(SoftHsmStore.cardLabel(cardOffset + i))));
            console.pins.put("demo-card-" + i, pin);
            console.pins.put(SoftHsmStore.cardLabel(cardOffset + i), pin);
        }
        console.typedComponents.put("zmk/bj-01/v1", List.of("11".repeat(32), "22".repeat(32), "44".repeat(32)));
        return console;
    }

    private static byte[] example(String name) throws Exception {
        return Files.readAllBytes(EXAMPLES.resolve(name));
    }

    private static ParsedScript parse(String name, byte[] bytes) {
        return ScriptParser.parse(bytes, name);
    }

    static Stream<Arguments> implementations() {
        return Stream.of(Arguments.of(TokenStores.softHsm(), 16), Arguments.of(TokenStores.nss(), 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void loseTheHsmLoseNothing(TokenStore store, int offset) throws Exception {
        tokens = store;
        cardOffset = offset;
        module = Pkcs11Module.load(tokens.moduleConfig());
        try {
            drill();
        } finally {
            module.close();
        }
    }

    private void drill() throws Exception {
        Token hsm = module.token(SoftHsmStore.HSM_DR);
        Path scripts = Files.createDirectories(dir.resolve("scripts"));
        Path oldHome = Files.createDirectories(dir.resolve("old-console"));
        ScriptedConsole console = console();

        // 1. the demo path on the HSM that will be lost
        Map<String, String> kcvs = new LinkedHashMap<>();
        X509Certificate oldCert;
        Path oldBundle;
        AuditHead headAtBackup;
        Path backup = dir.resolve("console-backup.db");
        try (Store store = Store.open(oldHome.resolve("console.db"))) {
            AuditLog audit = new AuditLog(store, clock);
            CeremonyEngine engine = new CeremonyEngine(store, audit, clock, hsm, "drill site").cards(this::card)
                    .scriptDirectory(scripts);
            byte[] init = example("01-initialize.yaml");
            assertThat(new InitializeCeremony(store, audit, clock, new SecureRandom(), hsm, this::card, "drill site")
                    .run(parse("01", init), init, console, true).state()).isEqualTo(RunState.COMPLETED);
            for (String f : List.of("02-generate-master-key.yaml", "03-generate-zone-master-key.yaml",
                    "04-generate-working-keys.yaml", "07-import-zone-master-key.yaml", "08-export-bundle.yaml")) {
                RunRecord r = engine.run(parse(f, example(f)), example(f), console.quorum("demo-card-1", "demo-card-2",
                        "demo-card-3"), true);
                assertThat(r.state()).as(f + ": " + r.failure()).isEqualTo(RunState.COMPLETED);
            }
            // the LMK's backup: 2-of-3 on Bob's, Carol's and Dave's cards, each checked in the ceremony
            KeyRecords.Backup b = store.read(c -> KeyRecords.backup(c, 1)).orElseThrow();
            assertThat(b.method()).isEqualTo("RECOVERY_CARDS");
            int checked = store.read(c -> {
                try (var ps = c.prepareStatement("SELECT COUNT(*) FROM share WHERE card_set_id = ? AND checked_at IS NOT NULL")) {
                    ps.setString(1, b.cardSetId());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getInt(1);
                    }
                }
            });
            assertThat(checked).isEqualTo(3);
            for (WorkingKey w : store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL))) {
                kcvs.put(w.id(), w.kcv());
            }
            for (ZoneKey z : store.read(KeyRecords::allZmks)) {
                kcvs.put(z.id(), z.kcv());
            }
            assertThat(kcvs).hasSizeGreaterThanOrEqualTo(5);
            oldCert = certificate(store);
            BundleRecord first = store.read(c -> BundleRecords.latest(c, "sh-01")).orElseThrow();
            oldBundle = scripts.resolve("bundles").resolve(first.fileName());
            assertThat(Bundles.opensslVerify(oldBundle, oldCert, trust("old")).exit()).isZero();

            // the site's rule and the holders are checked before anything runs
            byte[] bare = "ceremony: generate-master-key\nformat: 1\ntitle: LMK 2\noperator: Alice\nversion: 2\nrotate: true\n"
                    .getBytes(StandardCharsets.UTF_8);
            CeremonyEngine strict = new CeremonyEngine(store, audit, clock, hsm, "drill site").cards(this::card)
                    .lmkBackupPolicy(LmkBackupPolicy.RECOVERY_CARDS);
            assertThatThrownBy(() -> strict.run(parse("lmk2", bare), bare, console, true))
                    .isInstanceOf(CeremonyRefusedException.class).hasMessageContaining("lmk.backup=recovery-cards");
            byte[] stranger = (new String(bare, StandardCharsets.UTF_8)
                    + "recovery:\n  threshold: 2\n  holders: [Bob, Judy Auditor]\n").getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> strict.run(parse("lmk2", stranger), stranger, console, true))
                    .isInstanceOf(CeremonyRefusedException.class)
                    .hasMessageContaining("'Judy Auditor' is not a custodian of this console");
            byte[] vendor = (new String(bare, StandardCharsets.UTF_8)
                    + "recovery:\n  vendor_backup: Security World backup, site procedure SP-12\n")
                    .getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> strict.run(parse("lmk2", vendor), vendor, console, true))
                    .isInstanceOf(CeremonyRefusedException.class).hasMessageContaining("recovery cards");

            // 2. the store is backed up
            StoreBackup.Manifest m = StoreBackup.backup(store, audit, clock, backup);
            headAtBackup = m.auditHead();
        }

        // 3. the disaster: the HSM is wiped (its officer resets the user PIN and every object is destroyed),
        //    and the console's own disk is gone
        char[] fresh = "fresh-hsm-pin-1".toCharArray();
        if (tokens.implementation().equals("NSS")) {
            // NSS's officer logs in only while the token has no user PIN (else CKR_USER_TYPE_INVALID): C_InitToken resets it
            module.initToken(SoftHsmStore.HSM_DR, tokens.soPin(), SoftHsmStore.HSM_DR);
        }
        hsm = module.token(SoftHsmStore.HSM_DR);
        hsm.initUserPin(tokens.soPin(), fresh);
        hsm.login(fresh);
        try (Session s = hsm.openSession()) {
            for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
                for (KeyHandle h : s.findKeysByLabelPrefix(kc, "")) {
                    s.destroy(h);
                }
            }
            for (KeyHandle.KeyClass kc : KeyHandle.KeyClass.values()) {
                assertThat(s.findKeysByLabelPrefix(kc, "")).as("the wiped HSM holds no " + kc).isEmpty();
            }
        } finally {
            hsm.logout();
        }
        deleteTree(oldHome);
        console.hsmPin = new String(fresh);

        // 4. a new console: the store restored from the backup, then the LMK from the recovery cards
        Path newHome = Files.createDirectories(dir.resolve("new-console"));
        StoreBackup.restore(backup, newHome.resolve("console.db"), headAtBackup, clock);
        try (Store store = Store.open(newHome.resolve("console.db"))) {
            AuditLog audit = new AuditLog(store, clock);
            assertThat(audit.verify(Optional.empty()).intact()).isTrue();
            RestoreMasterKeyCeremony restore = new RestoreMasterKeyCeremony(store, audit, clock, new SecureRandom(), hsm,
                    this::card, "drill site");
            byte[] script = example("09-restore-master-key.yaml");

            // without the LMK the console can do nothing with the new HSM
            CeremonyEngine engine = new CeremonyEngine(store, audit, clock, hsm, "drill site").cards(this::card)
                    .scriptDirectory(scripts);

            // 6. M-1 recovery cards restore nothing: one card, then the officer stops; an admin-only card is refused
            console.quorum("demo-card-1", "demo-card-3");
            RunRecord tooFew = restore.run(parse("09", script), script, console, true);
            assertThat(tooFew.state()).isEqualTo(RunState.ABORTED);
            assertThat(console.refusals).extracting(QuorumRefusal::kind).contains(QuorumRefusal.Kind.OTHER_CARD_SET);
            assertThat(hsmHolds(hsm, fresh, "lmk/v1")).isFalse();
            assertThat(hsm.isLoggedIn()).isFalse();

            // a store whose record of lmk/v1 is not what these cards hold: refused by KCV, nothing created
            String kcv = store.read(c -> KeyRecords.masterKey(c, 1)).orElseThrow().kcv();
            setLmkKcv(store, "0000000000");
            console.quorum("demo-card-3", "demo-card-4");
            assertThatThrownBy(() -> restore.run(parse("09", script), script, console, true))
                    .isInstanceOf(KeyException.class).hasMessageContaining("rebuilt a key with KCV " + kcv)
                    .hasMessageContaining("recorded with KCV 0000000000").hasMessageContaining("Nothing was created");
            assertThat(hsmHolds(hsm, fresh, "lmk/v1")).isFalse();
            setLmkKcv(store, kcv);

            // 5. the restore from 2 of the 3 recovery cards
            console.refusals.clear();
            console.quorum("demo-card-3", "demo-card-4");
            RunRecord restored = restore.run(parse("09", script), script, console, true);
            assertThat(restored.state()).as(String.valueOf(restored.failure())).isEqualTo(RunState.COMPLETED);
            assertThat(console.refusals).isEmpty();
            List<StepRecord> steps = engine.journal().steps(restored.id());
            assertThat(steps).allMatch(st -> st.state() == StepRecord.State.DONE);
            assertThat(steps.get(2).result()).isEqualTo(kcvs.size() + " stored keys unwrap under lmk/v1 with their recorded"
                    + " KCVs, none failed");
            // the fresh PIN no longer opens the HSM: the new credential is on the admin cards
            Token replaced = hsm;
            assertThatThrownBy(() -> replaced.login(fresh)).isInstanceOf(org.hsmc.pkcs11.PinIncorrectException.class);

            // every key's KCV, computed again in the new HSM under the admin quorum
            try (var q = org.hsmc.ceremony.custody.QuorumSession.begin(store, audit, clock,
                    org.hsmc.ceremony.custody.CardSetPurpose.ADMIN, "drill-check", "drill")) {
                for (String c : List.of("demo-card-2", "demo-card-4", "demo-card-5")) {
                    q.present(card(c), console.pins.get(c).toCharArray());
                }
                q.openHsm(hsm);
                try (Session s = hsm.openSession()) {
                    KeyHierarchy keys = new KeyHierarchy(store, audit, clock);
                    KeyHandle lmk = keys.activeMasterKey(s).handle();
                    for (WorkingKey w : store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL))) {
                        assertThat(keys.proveKcv(s, lmk, w.wrapped(), w.lengthBytes(), w.kcv(), w.id())).isEqualTo(kcvs.get(w.id()));
                    }
                    for (ZoneKey z : store.read(KeyRecords::allZmks)) {
                        assertThat(keys.proveKcv(s, lmk, z.wrapped(), 32, z.kcv(), z.id())).isEqualTo(kcvs.get(z.id()));
                    }
                }
            }

            // a new bundle exports, signed by the new bundle key, and verifies with the new certificate only
            X509Certificate newCert = certificate(store);
            assertThat(newCert.getPublicKey()).isNotEqualTo(oldCert.getPublicKey());
            byte[] export = example("08-export-bundle.yaml");
            RunRecord exported = engine.run(parse("08", export), export, console.quorum("demo-card-1", "demo-card-2",
                    "demo-card-3"), true);
            assertThat(exported.state()).as(String.valueOf(exported.failure())).isEqualTo(RunState.COMPLETED);
            BundleRecord next = store.read(c -> BundleRecords.latest(c, "sh-01")).orElseThrow();
            assertThat(next.sequence()).isEqualTo(2);
            Path newBundle = scripts.resolve("bundles").resolve(next.fileName());
            assertThat(Bundles.opensslVerify(newBundle, newCert, trust("new")).exit()).isZero();
            assertThat(Bundles.opensslVerify(newBundle, oldCert, trust("old")).exit()).isNotZero();
            assertThat(Bundles.opensslVerify(oldBundle, oldCert, trust("old")).exit()).as("old bundles verify with the old certificate")
                    .isZero();

            // the audit log verifies and tells the whole drill, signed by the old and the new audit key
            assertThat(audit.verify(Optional.empty()).intact()).isTrue();
            List<String> actions = audit.entries(1, audit.head().seq()).stream().map(AuditEntry::action).toList();
            assertThat(actions).contains("card_set.split", "card_set.check", "lmk.created", "store.restored",
                    "quorum.refused", "lmk.restore_refused", "hsm.replacement_adopted", "lmk.restored",
                    "lmk.inventory_proved", "hsm.credential_set", "console_certificate.created", "lmk.restore_done",
                    "hsm.replacement_done");
            assertThat(audit.signers().keySet()).containsExactly("audit-signer/v1", "audit-signer/v2");
            assertThat(audit.checkpoints()).extracting(cp -> cp.keyId()).contains("audit-signer/v1", "audit-signer/v2");

            // the clear LMK (rebuilt here once more from two recovery cards) is in no file: store, WAL, backup, log
            byte[] clear;
            CardSet set = store.read(c -> RecoveryCards.cardSet(c, KeyRecords.backup(c, 1).orElseThrow().cardSetId())).orElseThrow();
            try (QuorumSession q = RecoveryCards.quorum(store, audit, clock, set, "drill-scan", "drill")) {
                for (String c : List.of("demo-card-2", "demo-card-4")) {
                    q.present(card(c), console.pins.get(c).toCharArray());
                }
                clear = q.rebuildSecret();
            }
            assertThat(Kcv.ofClearAesKey(clear).hex()).isEqualTo(store.read(c -> KeyRecords.masterKey(c, 1)).orElseThrow().kcv());
            List<Path> haystacks = new ArrayList<>(List.of(backup,
                    Path.of(System.getProperty("hsmc.test.log", "target/test-logs/ceremony-tests.log"))));
            try (var files = Files.list(newHome)) {
                files.filter(f -> f.getFileName().toString().startsWith("console.db")).forEach(haystacks::add);
            }
            byte[] hexUpper = HexFormat.of().withUpperCase().formatHex(clear).getBytes(StandardCharsets.US_ASCII);
            byte[] hexLower = HexFormat.of().formatHex(clear).getBytes(StandardCharsets.US_ASCII);
            for (Path f : haystacks) {
                byte[] bytes = Files.readAllBytes(f);
                for (byte[] needle : List.of(clear, hexUpper, hexLower)) {
                    assertThat(Bytes.indexOf(bytes, needle)).as("the clear LMK in %s", f.getFileName()).isEqualTo(-1);
                }
            }
            Arrays.fill(clear, (byte) 0);
        }
    }

    /** A folder per trusted certificate (the openssl helper writes console-cert.pem into it once). */
    private Path trust(String which) throws Exception {
        return Files.createDirectories(dir.resolve("trust-" + which));
    }

    private static X509Certificate certificate(Store store) throws Exception {
        byte[] der = store.read(c -> BundleRecords.consoleCertificate(c).orElseThrow().der());
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static boolean hsmHolds(Token hsm, char[] pin, String label) {
        hsm.login(pin);
        try (Session s = hsm.openSession()) {
            return !s.findKeysByLabel(label).isEmpty();
        } finally {
            hsm.logout();
        }
    }

    private static void setLmkKcv(Store store, String kcv) {
        store.write(c -> {
            try (var ps = c.prepareStatement("UPDATE master_key SET kcv = ? WHERE version = 1")) {
                ps.setString(1, kcv);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static void deleteTree(Path p) throws Exception {
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
