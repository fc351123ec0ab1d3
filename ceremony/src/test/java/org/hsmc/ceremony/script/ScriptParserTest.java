package org.hsmc.ceremony.script;

import org.hsmc.ceremony.custody.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hsmc.ceremony.script.Scripts.IMPORT;
import static org.hsmc.ceremony.script.Scripts.INITIALIZE;
import static org.hsmc.ceremony.script.Scripts.MASTER_KEY;
import static org.hsmc.ceremony.script.Scripts.EXPORT_BUNDLE;
import static org.hsmc.ceremony.script.Scripts.REVOKE;
import static org.hsmc.ceremony.script.Scripts.ROTATE;
import static org.hsmc.ceremony.script.Scripts.WORKING_KEYS;
import static org.hsmc.ceremony.script.Scripts.ZONE_MASTER_KEY;
import static org.hsmc.ceremony.script.Scripts.ZONE_MASTER_KEY_TRANSPORT;
import static org.hsmc.ceremony.script.Scripts.edit;
import static org.hsmc.ceremony.script.Scripts.utf8;

/** Valid scripts: what each field becomes, defaults, and the hash. */
class ScriptParserTest {

    private static final Instant Y2027 = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant Y2028 = Instant.parse("2028-01-01T00:00:00Z");

    private static CeremonyScript parse(String yaml) {
        return ScriptParser.parse(utf8(yaml), "test.yaml").script();
    }

    @Test
    void initialize() {
        InitializeScript s = (InitializeScript) parse(INITIALIZE);
        assertThat(s.type()).isEqualTo(CeremonyType.INITIALIZE);
        assertThat(s.format()).isEqualTo(1);
        assertThat(s.title()).isEqualTo("Initialise the HSM");
        assertThat(s.operator()).isEqualTo("Alice");
        assertThat(s.witnesses()).containsExactly("Judy Auditor");
        assertThat(s.notes()).isEmpty();
        assertThat(s.threshold()).isEqualTo(3);
        assertThat(s.custodians()).hasSize(5).first().isEqualTo(new CustodianSpec("Alice", Role.SECURITY_OFFICER, "card-1"));
        assertThat(s.shareHolders()).isEqualTo(5);
        assertThat(s.bundleSigner().subject()).isEqualTo("CN=Key console, O=Example");
        assertThat(s.bundleSigner().principal().getName()).isEqualTo("CN=Key console,O=Example");
    }

    @Test
    void thresholdMayEqualTheShareHoldersAndAuditorsNeedNoShare() {
        String yaml = edit(edit(INITIALIZE, "threshold: 3", "threshold: 4"), "role: KEY_CUSTODIAN\n    card: card-5",
                "role: AUDITOR\n    card: card-5");
        InitializeScript s = (InitializeScript) parse(yaml);
        assertThat(s.shareHolders()).isEqualTo(4);
        assertThat(s.custodians().getLast().holdsShare()).isFalse();
    }

    @Test
    void generateMasterKeyAndItsDefault() {
        GenerateMasterKeyScript s = (GenerateMasterKeyScript) parse(MASTER_KEY);
        assertThat(s.version()).isEqualTo(2);
        assertThat(s.rotate()).isTrue();
        GenerateMasterKeyScript plain = (GenerateMasterKeyScript) parse(edit(MASTER_KEY, "rotate: true\n", ""));
        assertThat(plain.rotate()).isFalse();
        assertThat(plain.witnesses()).isEmpty();
    }

    @Test
    void zoneMasterKeyAsComponentsOrForTheTransportKey() {
        GenerateZoneMasterKeyScript s = (GenerateZoneMasterKeyScript) parse(ZONE_MASTER_KEY);
        assertThat(s.zone()).isEqualTo(new ZoneRef("sh-01", "Shanghai online nodes"));
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.delivery()).isEqualTo(new ZmkDelivery.Components(List.of("Bob", "Carol", "Dave")));
        assertThat(((ZmkDelivery.Components) s.delivery()).count()).isEqualTo(3);

        GenerateZoneMasterKeyScript t = (GenerateZoneMasterKeyScript) parse(ZONE_MASTER_KEY_TRANSPORT);
        assertThat(t.zone().id()).isEqualTo("gz-01");
        assertThat(t.delivery()).isEqualTo(new ZmkDelivery.TransportKey("keys/gz-01-transport.pem"));
    }

    @Test
    void importKeepsKcvsInUpperCase() {
        ImportZoneMasterKeyScript s = (ImportZoneMasterKeyScript) parse(edit(IMPORT, "\"688A192A1C\"", "'688a192a1c'"));
        assertThat(s.zone()).isEqualTo(new ZoneRef("bj-01", "Beijing online nodes"));
        assertThat(s.components()).isEqualTo(3);
        assertThat(s.componentKcvs()).containsExactly("DF4991AAE7", "E6AAB158CF", "81E6B9AF38");
        assertThat(s.kcv()).isEqualTo("688A192A1C");
    }

    @Test
    void workingKeysWithCountAndThePlannedKeys() {
        GenerateWorkingKeysScript s = (GenerateWorkingKeysScript) parse(WORKING_KEYS);
        assertThat(s.zones()).containsExactly("sh-01");
        assertThat(s.keys()).containsExactly(
                new WorkingKeySpec(KeyPurpose.DEK, KeyAlgorithm.AES_256, 1, Y2027, Y2028, 1),
                new WorkingKeySpec(KeyPurpose.MAC, KeyAlgorithm.AES_128, 1, Y2027, Y2028, 1),
                new WorkingKeySpec(KeyPurpose.DEK, KeyAlgorithm.AES_256, 2, Y2027, Y2028, 3));
        assertThat(s.plannedKeys()).extracting(k -> k.purpose() + "/v" + k.version())
                .containsExactly("DEK/v1", "MAC/v1", "DEK/v2", "DEK/v3", "DEK/v4");
        assertThat(s.plannedKeys()).allSatisfy(k -> {
            assertThat(k.validFrom()).isEqualTo(Y2027);
            assertThat(k.validUntil()).isEqualTo(Y2028);
        });
        assertThat(s.plannedKeys().get(1).algorithm().keyBytes()).isEqualTo(16);
    }

    @Test
    void aMillionKeysInAHundredZonesFromAFewLines() {
        StringBuilder zones = new StringBuilder();
        for (int i = 1; i <= 100; i++) {
            zones.append(i == 1 ? "" : ", ").append("z-%03d".formatted(i));
        }
        String yaml = """
                ceremony: generate-working-keys
                format: 1
                title: A million keys
                operator: Alice
                zones: [%s]
                keys:
                  - {purpose: DEK, algorithm: AES-256, version: 1, count: 6000, valid_from: 2027-01-01T00:00:00Z, valid_until: 2028-01-01T00:00:00Z}
                  - {purpose: MAC, algorithm: AES-128, version: 1, count: 4000, valid_from: 2027-01-01T00:00:00Z, valid_until: 2028-01-01T00:00:00Z}
                """.formatted(zones);
        assertThat(yaml.length()).isLessThan(1200);
        GenerateWorkingKeysScript s = (GenerateWorkingKeysScript) parse(yaml);
        assertThat(s.zones()).hasSize(100).startsWith("z-001").endsWith("z-100");
        assertThat(s.keysPerZone()).isEqualTo(10_000);
        assertThat(s.keyCount()).isEqualTo(1_000_000);
        assertThat(s.summary()).containsExactly(
                "100 zones: z-001, z-002, z-003, … z-100",
                "DEK AES-256 v1–v6000 (6000 keys per zone), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "MAC AES-128 v1–v4000 (4000 keys per zone), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "1000000 keys in all");
    }

    @Test
    void aSummaryOfOneZoneNamesIt() {
        GenerateWorkingKeysScript s = (GenerateWorkingKeysScript) parse(WORKING_KEYS);
        assertThat(s.summary()).containsExactly("zone sh-01",
                "DEK AES-256 v1 (1 key), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "MAC AES-128 v1 (1 key), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "DEK AES-256 v2–v4 (3 keys), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "5 keys in all");
    }

    @Test
    void theSameVersionOfAnotherPurposeIsFine() {
        String yaml = edit(WORKING_KEYS, "purpose: MAC", "purpose: KEK");
        assertThat(((GenerateWorkingKeysScript) parse(yaml)).plannedKeys()).hasSize(5);
    }

    @Test
    void rotateOneZoneOrAll() {
        RotateScript s = (RotateScript) parse(ROTATE);
        assertThat(s.zone()).isEqualTo("sh-01");
        assertThat(s.allZones()).isFalse();
        assertThat(s.dueWithinDays()).isEqualTo(30);
        assertThat(s.overlapDays()).isEqualTo(7);
        assertThat(s.validityDays()).isEqualTo(365);
        RotateScript all = (RotateScript) parse(edit(ROTATE, "zone: sh-01", "zone: '*'"));
        assertThat(all.allZones()).isTrue();
    }

    @Test
    void revokeListedKeysOrAll() {
        RevokeScript s = (RevokeScript) parse(REVOKE);
        assertThat(s.zone()).isEqualTo("sh-01");
        assertThat(s.keys()).isEqualTo(new KeySelection.Listed(List.of("wk/sh-01/dek/v1", "wk/sh-01/mac/v1")));
        assertThat(s.reason()).isEqualTo("Suspected disclosure");
        assertThat(s.incident()).isEqualTo("INC-42");
        RevokeScript all = (RevokeScript) parse(edit(REVOKE, "keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]", "keys: all"));
        assertThat(all.keys()).isInstanceOf(KeySelection.All.class);
    }

    @Test
    void exportBundleOfListedZonesOrAll() {
        ExportBundleScript s = (ExportBundleScript) parse(EXPORT_BUNDLE);
        assertThat(s.type()).isEqualTo(CeremonyType.EXPORT_BUNDLE);
        assertThat(s.zones()).isEqualTo(new ZoneSelection.Listed(List.of("sh-01", "bj-01")));
        assertThat(s.expiresInDays()).isEqualTo(30);
        assertThat(s.outputDirectory()).isEqualTo("/media/bundles");
        ExportBundleScript all = (ExportBundleScript) parse(edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]", "zones: '*'"));
        assertThat(all.zones()).isInstanceOf(ZoneSelection.All.class);
        ExportBundleScript relative = (ExportBundleScript) parse(edit(EXPORT_BUNDLE, "/media/bundles", "out/bundles"));
        assertThat(relative.outputDirectory()).isEqualTo("out/bundles");
    }

    @Test
    void notesMayBeSeveralLines() {
        RotateScript s = (RotateScript) parse(ROTATE + "notes: |\n  First line.\n  Second line.\n");
        assertThat(s.notes()).isEqualTo(Optional.of("First line.\nSecond line.\n"));
    }

    @Test
    void flowStyleQuotesCommentsAndAnExplicitDocumentStartAreFine() {
        String yaml = """
                --- # one document, marked
                {ceremony: "rotate", format: 1, title: 'Yearly rotation', operator: Alice,  # the officer
                 zone: sh-01, due_within_days: 30, overlap_days: 7, validity_days: 365}
                ...
                """;
        assertThat(parse(yaml)).isEqualTo(parse(ROTATE));
    }

    @Test
    void theHashIsOfTheExactBytes() throws Exception {
        byte[] bytes = utf8(ROTATE);
        ParsedScript parsed = ScriptParser.parse(bytes, "rotate.yaml");
        assertThat(parsed.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(parsed.sha256Hex()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(parsed.sourceName()).isEqualTo("rotate.yaml");

        // a comment changes the bytes, so the hash, not the script
        ParsedScript commented = ScriptParser.parse(utf8(ROTATE + "# reviewed\n"), "rotate.yaml");
        assertThat(commented.script()).isEqualTo(parsed.script());
        assertThat(commented.sha256()).isNotEqualTo(parsed.sha256());
    }

    @Test
    void theHashCannotBeChangedFromOutside() {
        ParsedScript parsed = ScriptParser.parse(utf8(ROTATE), "rotate.yaml");
        byte[] copy = parsed.sha256();
        copy[0] ^= 1;
        assertThat(parsed.sha256()).isNotEqualTo(copy);
    }

    @Test
    void aByteOrderMarkIsAcceptedAndHashed() throws Exception {
        byte[] plain = utf8(ROTATE);
        byte[] withBom = new byte[plain.length + 3];
        withBom[0] = (byte) 0xEF;
        withBom[1] = (byte) 0xBB;
        withBom[2] = (byte) 0xBF;
        System.arraycopy(plain, 0, withBom, 3, plain.length);
        ParsedScript parsed = ScriptParser.parse(withBom, "bom.yaml");
        assertThat(parsed.script()).isEqualTo(parse(ROTATE));
        assertThat(parsed.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(withBom));
    }

    @Test
    void exactlyOneMebibyteIsAccepted() {
        byte[] bytes = ScriptRefusalTest.padTo(ROTATE, ScriptParser.MAX_BYTES);
        assertThat(ScriptParser.parse(bytes, "big.yaml").script()).isEqualTo(parse(ROTATE));
    }

    @Test
    void aFileIsReadWithItsNameAsTheSource(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("rotate.yaml"), ROTATE);
        assertThat(ScriptParser.parse(file).sourceName()).isEqualTo("rotate.yaml");

        Path big = Files.write(dir.resolve("big.yaml"), new byte[ScriptParser.MAX_BYTES + 10]);
        assertThatThrownBy(() -> ScriptParser.parse(big)).isInstanceOf(ScriptException.class)
                .hasMessage("big.yaml: the file is larger than 1 MiB (1048576 bytes), the most a script may be");
    }

    @Test
    void unicodeNamesAreFine() {
        InitializeScript s = (InitializeScript) parse(edit(INITIALIZE, "name: Carol", "name: Zoë Ørsted-Łukasz"));
        assertThat(s.custodians().get(2).name()).isEqualTo("Zoë Ørsted-Łukasz");
    }

    @Test
    void typeNamesAndAlgorithmsReadBothWays() {
        for (CeremonyType t : CeremonyType.values()) {
            assertThat(CeremonyType.fromYamlName(t.yamlName())).contains(t);
        }
        assertThat(CeremonyType.fromYamlName("Initialize")).isEmpty();
        for (KeyAlgorithm a : KeyAlgorithm.values()) {
            assertThat(KeyAlgorithm.fromYamlName(a.yamlName())).contains(a);
        }
        assertThat(KeyAlgorithm.AES_192.keyBytes()).isEqualTo(24);
        assertThat(KeyPurpose.fromYamlName("KEK")).contains(KeyPurpose.KEK);
    }
}
