package org.hsmc.app.gui;

import org.hsmc.ceremony.script.CeremonyType;
import org.hsmc.ceremony.script.ExportBundleScript;
import org.hsmc.ceremony.script.RotateScript;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard's parameter forms, without a screen: the script a filled form makes is what the real parser accepts,
 * each of the parser's problems lands next to the field it names, typed text stays text, and a type without a
 * form of its own (a type added to the ceremony module later) is still made and checked through the YAML box.
 */
class ScriptFormTest {

    @Test
    void everyTypeOfferedHasAForm() {
        for (CeremonyType t : CeremonyType.values()) {
            ScriptForm f = ScriptForm.of(t);
            assertThat(f.fields()).extracting(ScriptForm.Field::name).contains("title", "operator", "witnesses", "notes");
        }
    }

    @Test
    void theDemoValuesMakeAValidScriptForEveryKnownTypeButRevoke() {
        for (CeremonyType t : CeremonyType.values()) {
            ScriptForm f = ScriptForm.of(t);
            if (!f.known() || t.yamlName().equals("revoke")) {
                continue;
            }
            ScriptForm.Check c = f.check(f.initialValues());
            assertThat(c.valid()).as("%s:%n%s%n%s %s", t, new String(c.yaml(), StandardCharsets.UTF_8), c.byField(), c.general()).isTrue();
            assertThat(c.parsed().script().type()).isEqualTo(t);
        }
    }

    @Test
    void eachProblemIsShownNextToItsFieldAndTypedTextStaysText() {
        ScriptForm f = ScriptForm.of(CeremonyType.EXPORT_BUNDLE);
        Map<String, String> v = f.initialValues();
        v.put("expires_in_days", "0");
        v.put("title", "");
        v.put("output_directory", "no");
        ScriptForm.Check c = f.check(v);
        assertThat(c.valid()).isFalse();
        assertThat(c.byField().get("expires_in_days")).singleElement().asString().contains("expires_in_days").contains("1 to");
        assertThat(c.byField().get("title")).singleElement().asString().contains("missing field 'title'");
        assertThat(c.byField()).doesNotContainKey("output_directory");
        v.put("expires_in_days", "30");
        v.put("title", "It's the 'export', no: really");
        ScriptForm.Check ok = f.check(v);
        assertThat(ok.valid()).isTrue();
        ExportBundleScript s = (ExportBundleScript) ok.parsed().script();
        assertThat(s.title()).isEqualTo("It's the 'export', no: really");
        assertThat(s.outputDirectory()).isEqualTo("no");
        assertThat(s.expiresInDays()).isEqualTo(30);
    }

    @Test
    void aNumberThatIsNotOneIsRefusedByTheParserNotByTheForm() {
        ScriptForm f = ScriptForm.of(CeremonyType.ROTATE);
        Map<String, String> v = f.initialValues();
        v.put("overlap_days", "14; rm -rf /");
        ScriptForm.Check c = f.check(v);
        assertThat(c.valid()).isFalse();
        assertThat(c.byField().get("overlap_days")).singleElement().asString().contains("overlap_days");
        assertThat(new String(c.yaml(), StandardCharsets.UTF_8)).contains("overlap_days: '14; rm -rf /'");
    }

    @Test
    void aTypeWithoutAFormIsWrittenInTheYamlBoxAndCheckedByTheParser() {
        ScriptForm f = ScriptForm.generic(CeremonyType.ROTATE);
        assertThat(f.known()).isFalse();
        Map<String, String> v = f.initialValues();
        v.put("title", "Rotate sh-01");
        v.put("", "zone: sh-01\ndue_within_days: 30\noverlap_days: 14\nvalidity_day: 365");
        ScriptForm.Check c = f.check(v);
        assertThat(c.valid()).isFalse();
        assertThat(c.byField().get("")).anySatisfy(p -> assertThat(p).contains("validity_day").contains("did you mean 'validity_days'"));
        v.put("", "zone: sh-01\ndue_within_days: 30\noverlap_days: 14\nvalidity_days: 365");
        ScriptForm.Check ok = f.check(v);
        assertThat(ok.valid()).as("%s %s", ok.byField(), ok.general()).isTrue();
        assertThat(((RotateScript) ok.parsed().script()).validityDays()).isEqualTo(365);
    }
}
