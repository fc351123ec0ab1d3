package org.hsmc.ceremony.script;

import org.hsmc.ceremony.custody.Role;
import org.hsmc.pkcs11.Kcv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The scripts in {@code examples/ceremonies/}: all valid, one per type, one story for the demo home. */
class ExampleCeremoniesTest {

    /** The tests run in {@code ceremony/}. */
    static final Path FOLDER = Path.of("..", "examples", "ceremonies");

    private static final Instant Y2027 = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant Y2028 = Instant.parse("2028-01-01T00:00:00Z");
    private static final List<String> WITNESSES = List.of("Judy Auditor");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(FOLDER)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    private static ParsedScript example(String name) throws IOException {
        return ScriptParser.parse(Files.readAllBytes(FOLDER.resolve(name)), name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleIsValidAndHashedAsItsBytes(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        ParsedScript parsed = ScriptParser.parse(bytes, file.getFileName().toString());
        assertThat(parsed.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(ScriptParser.parse(file)).isEqualTo(parsed);
        assertThat(parsed.script().operator()).isEqualTo("Alice");
        assertThat(parsed.script().witnesses()).isEqualTo(WITNESSES);
    }

    @Test
    void thereIsOneExamplePerTypeAndTheReadmeListsThemAll() throws IOException {
        List<Path> files = examples().toList();
        Set<CeremonyType> types = EnumSet.noneOf(CeremonyType.class);
        for (Path f : files) {
            types.add(ScriptParser.parse(f).script().type());
        }
        assertThat(types).containsExactlyInAnyOrder(CeremonyType.values());
        assertThat(files).hasSize(CeremonyType.values().length);
        String readme = Files.readString(FOLDER.resolve("README.md"));
        for (Path f : files) {
            assertThat(readme).contains(f.getFileName().toString());
        }
        assertThat(readme).contains("bin/hsmc ceremony run");
    }

    @Test
    void initialize() throws IOException {
        InitializeScript s = (InitializeScript) example("01-initialize.yaml").script();
        assertThat(s.threshold()).isEqualTo(3);
        assertThat(s.custodians()).containsExactly(
                new CustodianSpec("Alice", Role.SECURITY_OFFICER, "demo-card-1"),
                new CustodianSpec("Bob", Role.KEY_CUSTODIAN, "demo-card-2"),
                new CustodianSpec("Carol", Role.KEY_CUSTODIAN, "demo-card-3"),
                new CustodianSpec("Dave", Role.KEY_CUSTODIAN, "demo-card-4"),
                new CustodianSpec("Erin", Role.KEY_CUSTODIAN, "demo-card-5"));
        assertThat(s.shareHolders()).isEqualTo(5);
        assertThat(s.bundleSigner()).isEqualTo(new BundleSignerSpec("CN=Key console, O=Demo Home"));
        assertThat(s.notes()).hasValueSatisfying(n -> assertThat(n).contains("demo-pins.txt"));
    }

    @Test
    void generateMasterKey() throws IOException {
        GenerateMasterKeyScript s = (GenerateMasterKeyScript) example("02-generate-master-key.yaml").script();
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.rotate()).isFalse();
        assertThat(s.backup()).contains(new LmkBackupSpec.RecoveryCards(2, List.of("Bob", "Carol", "Dave")));
    }

    @Test
    void restoreMasterKey() throws IOException {
        RestoreMasterKeyScript s = (RestoreMasterKeyScript) example("09-restore-master-key.yaml").script();
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.bundleSigner().subject()).isEqualTo("CN=Key console, O=Demo Home");
    }

    @Test
    void generateZoneMasterKey() throws IOException {
        GenerateZoneMasterKeyScript s = (GenerateZoneMasterKeyScript) example("03-generate-zone-master-key.yaml").script();
        assertThat(s.zone()).isEqualTo(new ZoneRef("sh-01", "Shanghai online nodes"));
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.delivery()).isEqualTo(new ZmkDelivery.Components(List.of("Bob", "Carol", "Dave")));
    }

    @Test
    void generateWorkingKeys() throws IOException {
        GenerateWorkingKeysScript s = (GenerateWorkingKeysScript) example("04-generate-working-keys.yaml").script();
        assertThat(s.zones()).containsExactly("sh-01");
        assertThat(s.keys()).containsExactly(
                new WorkingKeySpec(KeyPurpose.DEK, KeyAlgorithm.AES_256, 1, Y2027, Y2028, 1),
                new WorkingKeySpec(KeyPurpose.KEK, KeyAlgorithm.AES_256, 1, Y2027, Y2028, 1),
                new WorkingKeySpec(KeyPurpose.MAC, KeyAlgorithm.AES_128, 1, Y2027, Y2028, 1));
        assertThat(s.plannedKeys()).hasSize(3);
    }

    @Test
    void rotate() throws IOException {
        RotateScript s = (RotateScript) example("05-rotate.yaml").script();
        assertThat(s.zone()).isEqualTo("sh-01");
        assertThat(s.dueWithinDays()).isEqualTo(800);
        assertThat(s.overlapDays()).isEqualTo(14);
        assertThat(s.validityDays()).isEqualTo(365);
    }

    @Test
    void revoke() throws IOException {
        RevokeScript s = (RevokeScript) example("06-revoke.yaml").script();
        assertThat(s.zone()).isEqualTo("sh-01");
        assertThat(s.keys()).isEqualTo(new KeySelection.Listed(List.of("wk/sh-01/kek/v1")));
        assertThat(s.incident()).isEqualTo("DEMO-INC-0001");
    }

    @Test
    void exportBundle() throws IOException {
        ExportBundleScript s = (ExportBundleScript) example("08-export-bundle.yaml").script();
        assertThat(s.zones()).isInstanceOf(ZoneSelection.All.class);
        assertThat(s.expiresInDays()).isEqualTo(30);
        assertThat(s.outputDirectory()).isEqualTo("bundles");
    }

    @Test
    void importZoneMasterKeyMatchesTheDemoComponentsOfTheReadme() throws IOException {
        ImportZoneMasterKeyScript s = (ImportZoneMasterKeyScript) example("07-import-zone-master-key.yaml").script();
        assertThat(s.zone()).isEqualTo(new ZoneRef("bj-01", "Beijing online nodes"));
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.notes()).isEqualTo(Optional.empty());

        String readme = Files.readString(FOLDER.resolve("README.md"));
        List<byte[]> components = readme.lines()
                .filter(l -> l.matches("\\| [123] \\| `[0-9A-F]{64}` \\| `[0-9A-F]{10}` \\|"))
                .map(l -> HexFormat.of().parseHex(l.substring(l.indexOf('`') + 1, l.indexOf('`') + 65)))
                .toList();
        assertThat(components).hasSize(3);
        byte[] zmk = new byte[32];
        for (int i = 0; i < 3; i++) {
            assertThat(Kcv.ofClearAesKey(components.get(i)).hex()).isEqualTo(s.componentKcvs().get(i));
            for (int j = 0; j < zmk.length; j++) {
                zmk[j] ^= components.get(i)[j];
            }
        }
        assertThat(Kcv.ofClearAesKey(zmk).hex()).isEqualTo(s.kcv());
    }
}
