package org.hsmc.ceremony.script;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code recovery} section of generate-master-key and the restore-master-key script, as the parser reads them. */
class RecoverySectionTest {

    private static final String LMK = """
            ceremony: generate-master-key
            format: 1
            title: LMK
            operator: Alice
            version: 1
            """;

    private static ParsedScript parse(String yaml) {
        return ScriptParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "t.yaml");
    }

    @Test
    void recoveryCardsOrTheVendorsBackupOrNone() {
        assertThat(((GenerateMasterKeyScript) parse(LMK + "recovery:\n  threshold: 2\n  holders: [Bob, Carol, Dave]\n").script())
                .backup()).contains(new LmkBackupSpec.RecoveryCards(2, List.of("Bob", "Carol", "Dave")));
        assertThat(((GenerateMasterKeyScript) parse(LMK + "recovery:\n  vendor_backup: HSM backup per SP-12\n").script())
                .backup()).contains(new LmkBackupSpec.Vendor("HSM backup per SP-12"));
        assertThat(((GenerateMasterKeyScript) parse(LMK).script()).backup()).isEmpty();
    }

    @Test
    void aBadRecoverySectionIsRefusedWithWhatToWrite() {
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  threshold: 4\n  holders: [Bob, Carol, Dave]\n"))
                .isInstanceOf(ScriptException.class).hasMessageContaining("recovery.threshold: 4 is more than the 3 holders");
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  threshold: 1\n  holders: [Bob, Carol]\n"))
                .hasMessageContaining("recovery.threshold: 1 is too small");
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  threshold: 2\n  holders: [Bob, bob]\n"))
                .hasMessageContaining("recovery.holders");
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  threshold: 2\n  holders: [Bob, Carol]\n  vendor_backup: x\n"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  holders: [Bob, Carol]\n"))
                .hasMessageContaining("recovery.threshold");
        assertThatThrownBy(() -> parse(LMK + "recovery:\n  threshold: 2\n  holder: [Bob, Carol]\n"))
                .hasMessageContaining("holder");
    }

    @Test
    void restoreMasterKeyNeedsTheVersionAndTheNewCertificatesSubject() {
        String base = "ceremony: restore-master-key\nformat: 1\ntitle: Restore\noperator: Alice\n";
        RestoreMasterKeyScript s = (RestoreMasterKeyScript) parse(base + "version: 1\nbundle_signer:\n  subject: CN=Console\n").script();
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.type()).isEqualTo(CeremonyType.RESTORE_MASTER_KEY);
        assertThatThrownBy(() -> parse(base + "bundle_signer:\n  subject: CN=Console\n")).hasMessageContaining("version");
        assertThatThrownBy(() -> parse(base + "version: 1\n")).hasMessageContaining("bundle_signer");
        assertThatThrownBy(() -> parse(base + "version: 1\nbundle_signer:\n  subject: not a name\n"))
                .hasMessageContaining("is not an X.500 name");
    }
}
