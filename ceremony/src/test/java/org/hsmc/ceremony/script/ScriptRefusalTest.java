package org.hsmc.ceremony.script;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hsmc.ceremony.script.Scripts.EXPORT_BUNDLE;
import static org.hsmc.ceremony.script.Scripts.IMPORT;
import static org.hsmc.ceremony.script.Scripts.INITIALIZE;
import static org.hsmc.ceremony.script.Scripts.MASTER_KEY;
import static org.hsmc.ceremony.script.Scripts.REVOKE;
import static org.hsmc.ceremony.script.Scripts.ROTATE;
import static org.hsmc.ceremony.script.Scripts.WORKING_KEYS;
import static org.hsmc.ceremony.script.Scripts.ZONE_MASTER_KEY;
import static org.hsmc.ceremony.script.Scripts.ZONE_MASTER_KEY_TRANSPORT;
import static org.hsmc.ceremony.script.Scripts.edit;
import static org.hsmc.ceremony.script.Scripts.utf8;

/**
 * Bad scripts, one problem each: every row breaks one thing in a valid script and names the exact path
 * and a phrase of the message that must come back, as the only problem.
 */
class ScriptRefusalTest {

    private static final String KEY0 = """
              - purpose: DEK
                algorithm: AES-256
                version: 1
            """;

    @ParameterizedTest(name = "{0}")
    @MethodSource("badScripts")
    void eachBadScriptIsRefusedWithItsPathAndWhatIsAllowed(String label, byte[] yaml, String path, String phrase) {
        ScriptException e = catchThrowableOfType(ScriptException.class, () -> ScriptParser.parse(yaml, "bad.yaml"));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.problems()).as(e.getMessage()).hasSize(1);
        ScriptProblem problem = e.problems().getFirst();
        assertThat(problem.path()).as(e.getMessage()).isEqualTo(path);
        assertThat(problem.message()).contains(phrase);
        assertThat(e.getMessage()).startsWith("bad.yaml: ").contains(phrase);
    }

    static Stream<Arguments> badScripts() {
        List<Arguments> rows = new ArrayList<>();

        // ---- unknown fields, top level and nested
        rows.add(row("unknown top-level field", WORKING_KEYS + "colour: red\n", "colour",
                "unknown field 'colour' (allowed here: ceremony, format, title, operator, witnesses, notes, zone, zones, keys)"));
        rows.add(row("unknown field in a key entry", edit(WORKING_KEYS, "    version: 2\n", "    version: 2\n    colour: red\n"),
                "keys[2].colour",
                "unknown field 'colour' (allowed here: purpose, algorithm, version, valid_from, valid_until, count)"));
        rows.add(row("unknown field in a custodian", edit(INITIALIZE, "    card: card-2\n", "    card: card-2\n    pin: 1234\n"),
                "custodians[1].pin", "unknown field 'pin' (allowed here: name, role, card)"));
        rows.add(row("unknown field in zone", edit(ZONE_MASTER_KEY, "  name: Shanghai online nodes\n",
                "  name: Shanghai online nodes\n  city: Shanghai\n"), "zone.city", "allowed here: id, name"));
        rows.add(row("unknown field in bundle_signer", edit(INITIALIZE, "  subject:", "  issuer: x\n  subject:"),
                "bundle_signer.issuer", "unknown field 'issuer' (allowed here: subject)"));
        rows.add(row("misspelt field gets a suggestion", edit(MASTER_KEY, "version: 2", "vresion: 2"), "vresion",
                "did you mean 'version'?"));
        rows.add(row("a field of another type", MASTER_KEY + "zone: sh-01\n", "zone",
                "unknown field 'zone' (allowed here: ceremony, format, title, operator, witnesses, notes, version, rotate, recovery)"));

        // ---- missing fields
        rows.add(row("missing zone", edit(WORKING_KEYS, "zone: sh-01\n", ""), "zone", "missing field 'zone'"));
        rows.add(row("missing title", edit(ROTATE, "title: Yearly rotation\n", ""), "title", "missing field 'title'"));
        rows.add(row("missing operator", edit(REVOKE, "operator: Alice\n", ""), "operator", "missing field 'operator'"));
        rows.add(row("missing valid_until", edit(WORKING_KEYS, "    valid_until: 2028-01-01T00:00:00Z\n    count: 3\n",
                "    count: 3\n"), "keys[2].valid_until", "missing field 'valid_until'"));
        rows.add(row("missing card", edit(INITIALIZE, "    card: card-4\n", ""), "custodians[3].card", "missing field 'card'"));
        rows.add(row("missing zone name", edit(ZONE_MASTER_KEY, "  name: Shanghai online nodes\n", ""), "zone.name",
                "missing field 'name'"));
        rows.add(row("missing bundle_signer", edit(INITIALIZE, "bundle_signer:\n  subject: CN=Key console, O=Example\n", ""),
                "bundle_signer", "missing field 'bundle_signer'"));
        rows.add(row("missing kcv", edit(IMPORT, "kcv: \"688A192A1C\"\n", ""), "kcv", "missing field 'kcv'"));
        rows.add(row("missing threshold", edit(INITIALIZE, "threshold: 3\n", ""), "threshold", "missing field 'threshold'"));
        rows.add(row("missing due_within_days", edit(ROTATE, "due_within_days: 30\n", ""), "due_within_days",
                "missing field 'due_within_days'"));
        rows.add(row("missing reason", edit(REVOKE, "reason: Suspected disclosure\n", ""), "reason", "missing field 'reason'"));
        rows.add(row("neither components nor transport_key", edit(ZONE_MASTER_KEY,
                "components: 3\ncomponent_holders: [Bob, Carol, Dave]\n", ""), "components", "or give transport_key instead"));
        rows.add(row("components without holders", edit(ZONE_MASTER_KEY, "component_holders: [Bob, Carol, Dave]\n", ""),
                "component_holders", "missing field 'component_holders'"));
        rows.add(row("missing ceremony", edit(ROTATE, "ceremony: rotate\n", ""), "ceremony",
                "missing field 'ceremony' (the type: initialize, generate-master-key"));
        rows.add(row("missing format", edit(ROTATE, "format: 1\n", ""), "format", "missing field 'format'"));

        // ---- wrong types
        rows.add(row("string for an int", edit(MASTER_KEY, "version: 2", "version: '2'"), "version",
                "expected a whole number, found the text '2'; write it without quotes"));
        rows.add(row("list for an object", edit(ZONE_MASTER_KEY, "zone:\n  id: sh-01\n  name: Shanghai online nodes\n",
                "zone: [sh-01, Shanghai online nodes]\n"), "zone", "expected an object with the fields id, name, found a list"));
        rows.add(row("number for a string", edit(ROTATE, "title: Yearly rotation", "title: 2027"), "title",
                "expected text, found the number 2027; put it in quotes"));
        rows.add(row("object for a list", edit(REVOKE, "keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]", "keys: {id: wk/sh-01/dek/v1}"),
                "keys", "expected the text all or a list of key ids, found an object"));
        rows.add(row("object for a list of entries", edit(WORKING_KEYS, WORKING_KEYS.substring(WORKING_KEYS.indexOf("keys:")),
                "keys: {purpose: DEK}\n"),
                "keys", "expected a list, found an object"));
        rows.add(row("text for a list", edit(INITIALIZE, "witnesses: [Judy Auditor]", "witnesses: Judy Auditor"), "witnesses",
                "expected a list, found the text 'Judy Auditor'"));
        rows.add(row("object in a list of names", edit(INITIALIZE, "witnesses: [Judy Auditor]", "witnesses: [{name: Judy}]"),
                "witnesses[0]", "expected text, found an object"));
        rows.add(row("number for a key id", edit(REVOKE, "wk/sh-01/mac/v1]", "17]"), "keys[1]",
                "expected text, found the number 17"));
        rows.add(row("yes for a boolean", edit(MASTER_KEY, "rotate: true", "rotate: yes"), "rotate",
                "expected true or false, found yes, which YAML reads as true"));
        rows.add(row("quoted boolean", edit(MASTER_KEY, "rotate: true", "rotate: 'true'"), "rotate",
                "found the text 'true'; write it without quotes"));
        rows.add(row("no for a zone id", edit(ROTATE, "zone: sh-01", "zone: no"), "zone",
                "expected text, found no, which YAML reads as false; put it in quotes"));
        rows.add(row("float for an int", edit(INITIALIZE, "threshold: 3", "threshold: 3.0"), "threshold",
                "expected a whole number, found the number 3.0"));
        rows.add(row("octal-looking number", edit(MASTER_KEY, "version: 2", "version: 010"), "version",
                "'010' is not a plain decimal number"));
        rows.add(row("hex number", edit(MASTER_KEY, "version: 2", "version: 0x10"), "version", "'0x10' is not a plain decimal number"));
        rows.add(row("number with underscores", edit(ROTATE, "validity_days: 365", "validity_days: 3_65"), "validity_days",
                "'3_65' is not a plain decimal number"));
        rows.add(row("number beyond any range", edit(MASTER_KEY, "version: 2", "version: 99999999999"), "version",
                "99999999999 is far out of range"));
        rows.add(row("unquoted KCV of digits", edit(IMPORT, "kcv: \"688A192A1C\"", "kcv: 6881921210"), "kcv",
                "found the number 6881921210; put it in quotes ('6881921210')"));
        rows.add(row("unquoted KCV that YAML reads as a float", edit(IMPORT, "\"81E6B9AF38\"", "12345E6789"),
                "component_kcvs[2]", "found the number 12345E6789; put it in quotes"));
        rows.add(row("text for the format", edit(ROTATE, "format: 1", "format: '1'"), "format",
                "expected a whole number, found the text '1'"));

        // ---- pass 1: type and format
        rows.add(row("unknown ceremony type", edit(MASTER_KEY, "generate-master-key", "generate-master-keys"), "ceremony",
                "'generate-master-keys' is not a ceremony type; use initialize, generate-master-key, generate-zone-master-key,"
                        + " import-zone-master-key, generate-working-keys, rotate, revoke, export-bundle, restore-master-key, enrol-card, replace-card, revoke-card, unblock-card or change-quorum"));
        rows.add(row("type in the wrong case", edit(ROTATE, "ceremony: rotate", "ceremony: Rotate"), "ceremony",
                "'Rotate' is not a ceremony type"));
        rows.add(row("format 2", edit(ROTATE, "format: 1", "format: 2"), "format",
                "2 is not supported; this console reads format 1"));
        rows.add(row("format 0", edit(ROTATE, "format: 1", "format: 0"), "format", "0 is not supported"));

        // ---- impossible values: initialize
        rows.add(row("threshold above the share holders", edit(INITIALIZE, "threshold: 3", "threshold: 6"), "threshold",
                "6 is more than the 5 custodians who can hold a share"));
        rows.add(row("auditors hold no share", edit(edit(INITIALIZE, "threshold: 3", "threshold: 5"),
                "    role: KEY_CUSTODIAN\n    card: card-5", "    role: AUDITOR\n    card: card-5"), "threshold",
                "5 is more than the 4 custodians who can hold a share"));
        rows.add(row("threshold 1", edit(INITIALIZE, "threshold: 3", "threshold: 1"), "threshold",
                "1 is too small; at least 2 cards"));
        rows.add(row("one custodian", edit(edit(INITIALIZE, "threshold: 3", "threshold: 2"),
                INITIALIZE.substring(INITIALIZE.indexOf("  - name: Bob"), INITIALIZE.indexOf("bundle_signer")), ""),
                "custodians", "only 1 custodian; give 2 to 16 custodians"));
        rows.add(row("22 custodians", edit(INITIALIZE, "bundle_signer:", seventeenMore() + "bundle_signer:"),
                "custodians", "22 custodians are too many; give at most 16"));
        rows.add(row("unknown role", edit(INITIALIZE, "role: KEY_CUSTODIAN\n    card: card-2", "role: GUARD\n    card: card-2"),
                "custodians[1].role", "'GUARD' is not allowed; use SECURITY_OFFICER, KEY_CUSTODIAN or AUDITOR"));
        rows.add(row("duplicate custodian name", edit(INITIALIZE, "name: Carol", "name: Bob"), "custodians[2].name",
                "'Bob' is the same as custodians[1].name; each of the custodians needs a different name"));
        rows.add(row("duplicate custodian name in another case", edit(INITIALIZE, "name: Carol", "name: BOB"),
                "custodians[2].name", "case is ignored"));
        rows.add(row("duplicate card", edit(INITIALIZE, "card: card-4", "card: card-2"), "custodians[3].card",
                "'card-2' is the same as custodians[1].card; each of the custodians needs a different card"));
        rows.add(row("card label over 32 bytes", edit(INITIALIZE, "card: card-5", "card: карта-пятая-для-Эрин"),
                "custodians[4].card", "is 37 bytes in UTF-8; a PKCS#11 token label holds at most 32"));
        rows.add(row("card label over 32 characters", edit(INITIALIZE, "card: card-5", "card: " + "c".repeat(33)),
                "custodians[4].card", "is 33 characters long; at most 32"));
        rows.add(row("operator not a custodian", edit(INITIALIZE, "operator: Alice", "operator: Mallory"), "operator",
                "'Mallory' is not among the custodians"));
        rows.add(row("operator not a security officer", edit(INITIALIZE, "operator: Alice", "operator: Bob"), "operator",
                "'Bob' is a KEY_CUSTODIAN; the operator must be a SECURITY_OFFICER"));
        rows.add(row("operator spelt differently", edit(INITIALIZE, "operator: Alice", "operator: alice"), "operator",
                "'alice' is written 'Alice' in custodians; write it the same way"));
        rows.add(row("subject not an X.500 name", edit(INITIALIZE, "subject: CN=Key console, O=Example", "subject: Key console"),
                "bundle_signer.subject", "'Key console' is not an X.500 name"));

        // ---- common fields
        rows.add(row("title of 201 characters", edit(ROTATE, "title: Yearly rotation", "title: " + "t".repeat(201)), "title",
                "is 201 characters long; at most 200 are allowed"));
        rows.add(row("title on two lines", edit(ROTATE, "title: Yearly rotation", "title: \"Yearly\\nrotation\""), "title",
                "must be one line"));
        rows.add(row("blank title", edit(ROTATE, "title: Yearly rotation", "title: '   '"), "title", "is empty"));
        rows.add(row("title with spaces around", edit(ROTATE, "title: Yearly rotation", "title: ' Yearly rotation'"), "title",
                "has spaces at the start or end"));
        rows.add(row("duplicate witness", edit(INITIALIZE, "witnesses: [Judy Auditor]", "witnesses: [Judy Auditor, Judy auditor]"),
                "witnesses[1]", "the items of witnesses must all differ"));
        rows.add(row("empty notes", ROTATE + "notes: ''\n", "notes", "is empty"));

        // ---- versions, components, zones, KCVs
        rows.add(row("version 0", edit(MASTER_KEY, "version: 2", "version: 0"), "version", "0 is out of range; use 1 to 99999"));
        rows.add(row("version 100000", edit(ZONE_MASTER_KEY, "version: 1", "version: 100000"), "version",
                "100000 is out of range; use 1 to 99999"));
        rows.add(row("negative version", edit(IMPORT, "version: 1", "version: -1"), "version", "-1 is out of range"));
        rows.add(row("1 component", edit(IMPORT, "components: 3", "components: 1"), "components",
                "1 is out of range; use 2 to 9"));
        rows.add(row("10 components", edit(ZONE_MASTER_KEY, "components: 3", "components: 10"), "components",
                "10 is out of range; use 2 to 9"));
        rows.add(row("bad zone id", edit(ZONE_MASTER_KEY, "id: sh-01", "id: SH_01"), "zone.id",
                "'SH_01' is not a zone id; use 1 to 32 characters of a-z, 0-9 and -"));
        rows.add(row("zone id of 33 characters", edit(ZONE_MASTER_KEY, "id: sh-01", "id: " + "z".repeat(33)), "zone.id",
                "is not a zone id"));
        rows.add(row("bad zone id in working keys", edit(WORKING_KEYS, "zone: sh-01", "zone: sh 01"), "zone",
                "'sh 01' is not a zone id"));
        rows.add(row("bad zone in rotate", edit(ROTATE, "zone: sh-01", "zone: '**'"), "zone", "'**' is not a zone id"));
        rows.add(row("holders fewer than components", edit(ZONE_MASTER_KEY, "[Bob, Carol, Dave]", "[Bob, Carol]"),
                "component_holders", "2 names for 3 components; name one holder per component"));
        rows.add(row("holders more than components", edit(ZONE_MASTER_KEY, "[Bob, Carol, Dave]", "[Bob, Carol, Dave, Erin]"),
                "component_holders", "4 names for 3 components"));
        rows.add(row("the same holder twice", edit(ZONE_MASTER_KEY, "[Bob, Carol, Dave]", "[Bob, Carol, Bob]"),
                "component_holders[2]", "'Bob' is the same as component_holders[0]"));
        rows.add(row("both components and transport_key", ZONE_MASTER_KEY + "transport_key: tk.pem\n", "transport_key",
                "give either components (with component_holders) or transport_key, not both"));
        rows.add(row("holders with transport_key", ZONE_MASTER_KEY_TRANSPORT + "component_holders: [Bob, Carol]\n",
                "component_holders", "component_holders goes with components"));
        rows.add(row("bad component KCV", edit(IMPORT, "\"E6AAB158CF\"", "\"E6AAB158\""), "component_kcvs[1]",
                "'E6AAB158' is not a KCV; a KCV is 10 hex digits"));
        rows.add(row("KCV with a non-hex digit", edit(IMPORT, "kcv: \"688A192A1C\"", "kcv: \"688A192A1G\""), "kcv",
                "'688A192A1G' is not a KCV"));
        rows.add(row("fewer KCVs than components", edit(IMPORT, ", \"81E6B9AF38\"]", "]"), "component_kcvs",
                "2 KCVs for 3 components; give one KCV per component"));
        rows.add(row("two equal component KCVs", edit(IMPORT, "\"E6AAB158CF\"", "\"df4991aae7\""), "component_kcvs[1]",
                "DF4991AAE7 is also the KCV of component_kcvs[0]"));

        // ---- working keys
        rows.add(row("empty keys list", edit(WORKING_KEYS, WORKING_KEYS.substring(WORKING_KEYS.indexOf("keys:")), "keys: []\n"),
                "keys", "the list is empty; give 1 to 10000 entries"));
        rows.add(row("AES-512", edit(WORKING_KEYS, "algorithm: AES-128", "algorithm: AES-512"), "keys[1].algorithm",
                "'AES-512' is not allowed; use AES-128, AES-192 or AES-256"));
        rows.add(row("purpose in lower case", edit(WORKING_KEYS, "purpose: MAC", "purpose: mac"), "keys[1].purpose",
                "'mac' is not allowed; use DEK, KEK or MAC"));
        String third = "    version: 2\n    valid_from: 2027-01-01T00:00:00Z\n    valid_until: ";
        rows.add(row("valid_until before valid_from", edit(WORKING_KEYS, third + "2028-01-01T00:00:00Z",
                third + "2026-12-31T23:59:59Z"), "keys[2].valid_until",
                "2026-12-31T23:59:59Z is not after valid_from 2027-01-01T00:00:00Z"));
        rows.add(row("valid_until equal to valid_from", edit(WORKING_KEYS, third + "2028-01-01T00:00:00Z",
                third + "2027-01-01T00:00:00Z"), "keys[2].valid_until", "is not after valid_from"));
        rows.add(row("a date without time", edit(WORKING_KEYS, KEY0 + "    valid_from: 2027-01-01T00:00:00Z",
                KEY0 + "    valid_from: 2027-01-01"), "keys[0].valid_from",
                "'2027-01-01' is not a time in UTC; write it as 2027-01-01T00:00:00Z"));
        rows.add(row("a time with an offset", edit(WORKING_KEYS, KEY0 + "    valid_from: 2027-01-01T00:00:00Z",
                KEY0 + "    valid_from: 2027-01-01T08:00:00+08:00"), "keys[0].valid_from", "is not a time in UTC"));
        rows.add(row("an impossible date", edit(WORKING_KEYS, KEY0 + "    valid_from: 2027-01-01T00:00:00Z",
                KEY0 + "    valid_from: 2027-02-30T00:00:00Z"), "keys[0].valid_from", "is not a time in UTC"));
        rows.add(row("duplicate purpose and version", edit(WORKING_KEYS, "    version: 2\n", "    version: 1\n"),
                "keys[2].version", "DEK version 1 is also made by keys[0]; each (purpose, version) is made once"));
        rows.add(row("duplicate made by count", WORKING_KEYS + """
                  - purpose: DEK
                    algorithm: AES-128
                    version: 4
                    valid_from: 2027-01-01T00:00:00Z
                    valid_until: 2028-01-01T00:00:00Z
                """, "keys[3].version", "DEK version 4 is also made by keys[2] (versions 2 to 4)"));
        rows.add(row("count 0", edit(WORKING_KEYS, "count: 3", "count: 0"), "keys[2].count", "0 is out of range; use 1 to 99999"));
        rows.add(row("count 100000", edit(WORKING_KEYS, "count: 3", "count: 100000"), "keys[2].count", "100000 is out of range"));
        rows.add(row("count beyond the last version", edit(edit(WORKING_KEYS, "count: 3", "count: 2"), "    version: 2\n",
                "    version: 99999\n"), "keys[2].count", "2 keys from version 99999 would reach version 100000"));

        // ---- working keys in bulk: zones, counts, the limit of one script
        String bulk = edit(WORKING_KEYS, "zone: sh-01", "zones: [sh-01, bj-01]");
        rows.add(row("zone and zones", edit(WORKING_KEYS, "zone: sh-01", "zone: sh-01\nzones: [bj-01]"), "zones",
                "give either zone (one zone) or zones (a list), not both"));
        rows.add(row("neither zone nor zones", edit(WORKING_KEYS, "zone: sh-01\n", ""), "zone",
                "missing field 'zone' (the id of an existing zone, or give zones: a list of zone ids)"));
        rows.add(row("empty zones", edit(WORKING_KEYS, "zone: sh-01", "zones: []"), "zones",
                "the list is empty; give 1 to 1000 zone ids"));
        rows.add(row("a zone twice", edit(bulk, "bj-01]", "bj-01, sh-01]"), "zones[2]",
                "'sh-01' is also zones[0]; name each zone once"));
        rows.add(row("a bad zone id in zones", edit(bulk, "bj-01]", "BJ_01]"), "zones[1]", "'BJ_01' is not a zone id"));
        rows.add(row("text for zones", edit(WORKING_KEYS, "zone: sh-01", "zones: sh-01"), "zones",
                "expected a list, found the text 'sh-01'"));
        rows.add(row("more than a million keys", edit(edit(WORKING_KEYS, "zone: sh-01", "zones: [z-1, z-2, z-3, z-4, z-5,"
                + " z-6, z-7, z-8, z-9, z-10, z-11, z-12]"), "count: 3", "count: 90000"), "keys",
                "12 zones × 90002 keys = 1080024 keys are too many for one ceremony; one script makes at most 1000000 keys"));

        // ---- rotate and revoke
        rows.add(row("due_within_days 3651", edit(ROTATE, "due_within_days: 30", "due_within_days: 3651"), "due_within_days",
                "3651 is out of range; use 0 to 3650"));
        rows.add(row("overlap_days 366", edit(ROTATE, "overlap_days: 7", "overlap_days: 366"), "overlap_days",
                "366 is out of range; use 0 to 365"));
        rows.add(row("validity_days 0", edit(ROTATE, "validity_days: 365", "validity_days: 0"), "validity_days",
                "0 is out of range; use 1 to 3650"));
        rows.add(row("keys: ALL", edit(REVOKE, "keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]", "keys: ALL"), "keys",
                "'ALL' is not allowed; write all (every key of the zone) or a list of key ids"));
        rows.add(row("no key ids", edit(REVOKE, "keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]", "keys: []"), "keys",
                "the list is empty; name at least one key id, or write all"));
        rows.add(row("all inside the list", edit(REVOKE, "wk/sh-01/mac/v1]", "all]"), "keys[1]",
                "all is not a key id; to revoke every key of the zone write keys: all"));
        rows.add(row("the same key twice", edit(REVOKE, "wk/sh-01/mac/v1]", "wk/sh-01/dek/v1]"), "keys[1]",
                "'wk/sh-01/dek/v1' is also keys[0]; name each key once"));
        rows.add(row("key id with a space", edit(REVOKE, "wk/sh-01/mac/v1]", "'wk/sh-01/mac v1']"), "keys[1]",
                "key ids have no spaces"));
        rows.add(row("reason of 501 characters", edit(REVOKE, "reason: Suspected disclosure", "reason: " + "r".repeat(501)),
                "reason", "is 501 characters long; at most 500"));
        rows.add(row("incident of 65 characters", edit(REVOKE, "incident: INC-42", "incident: " + "I".repeat(65)),
                "incident", "is 65 characters long; at most 64"));

        // ---- export-bundle
        rows.add(row("unknown field in export-bundle", EXPORT_BUNDLE + "sign_with: bundle-signer/v2\n", "sign_with",
                "unknown field 'sign_with' (allowed here: ceremony, format, title, operator, witnesses, notes, zones,"
                        + " expires_in_days, output_directory)"));
        rows.add(row("misspelt expires_in_days", edit(EXPORT_BUNDLE, "expires_in_days: 30", "expire_in_days: 30"),
                "expire_in_days", "did you mean 'expires_in_days'?"));
        rows.add(row("missing zones", edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]\n", ""), "zones",
                "missing field 'zones' (the zone ids to export, or '*' for every zone)"));
        rows.add(row("missing expires_in_days", edit(EXPORT_BUNDLE, "expires_in_days: 30\n", ""), "expires_in_days",
                "missing field 'expires_in_days'"));
        rows.add(row("missing output_directory", edit(EXPORT_BUNDLE, "output_directory: /media/bundles\n", ""),
                "output_directory", "missing field 'output_directory'"));
        rows.add(row("zones: all", edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]", "zones: all"), "zones",
                "'all' is not allowed; write '*' (every zone, in quotes) or a list of zone ids"));
        rows.add(row("zones: a plain * (YAML reads it as an alias)", edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]", "zones: *"), "",
                "line 5, column 9: this is not valid YAML"));
        rows.add(row("zones as an object", edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]", "zones: {id: sh-01}"), "zones",
                "expected the text '*' or a list of zone ids, found an object"));
        rows.add(row("a number in zones", edit(EXPORT_BUNDLE, "[sh-01, bj-01]", "[sh-01, 17]"), "zones[1]",
                "expected text, found the number 17"));
        rows.add(row("no zones", edit(EXPORT_BUNDLE, "zones: [sh-01, bj-01]", "zones: []"), "zones",
                "the list is empty; name at least one zone id, or write '*'"));
        rows.add(row("bad zone id in zones", edit(EXPORT_BUNDLE, "[sh-01, bj-01]", "[sh-01, BJ_01]"), "zones[1]",
                "'BJ_01' is not a zone id; use 1 to 32 characters of a-z, 0-9 and -"));
        rows.add(row("the same zone twice", edit(EXPORT_BUNDLE, "[sh-01, bj-01]", "[sh-01, sh-01]"), "zones[1]",
                "'sh-01' is also zones[0]; name each zone once"));
        rows.add(row("'*' inside the list", edit(EXPORT_BUNDLE, "[sh-01, bj-01]", "[sh-01, '*']"), "zones[1]",
                "'*' is not a zone id; to export every zone write zones: '*', without a list"));
        rows.add(row("expires_in_days 0", edit(EXPORT_BUNDLE, "expires_in_days: 30", "expires_in_days: 0"), "expires_in_days",
                "0 is out of range; use 1 to 3650"));
        rows.add(row("expires_in_days 3651", edit(EXPORT_BUNDLE, "expires_in_days: 30", "expires_in_days: 3651"),
                "expires_in_days", "3651 is out of range; use 1 to 3650"));
        rows.add(row("expires_in_days in quotes", edit(EXPORT_BUNDLE, "expires_in_days: 30", "expires_in_days: '30'"),
                "expires_in_days", "expected a whole number, found the text '30'; write it without quotes"));
        rows.add(row("output_directory blank", edit(EXPORT_BUNDLE, "output_directory: /media/bundles", "output_directory: '  '"),
                "output_directory", "is empty"));
        rows.add(row("output_directory on two lines", edit(EXPORT_BUNDLE, "output_directory: /media/bundles",
                "output_directory: \"/media\\nbundles\""), "output_directory", "must be one line"));
        rows.add(row("output_directory of 4097 characters", edit(EXPORT_BUNDLE, "output_directory: /media/bundles",
                "output_directory: /" + "d".repeat(4096)), "output_directory", "is 4097 characters long; at most 4096"));
        rows.add(row("output_directory a number", edit(EXPORT_BUNDLE, "output_directory: /media/bundles",
                "output_directory: 2027"), "output_directory", "expected text, found the number 2027"));

        // ---- YAML that would make a reviewed file mean something else
        rows.add(row("duplicate key at the top", ROTATE + "zone: bj-01\n", "zone",
                "'zone' is given twice in one object (lines 5 and 9); give each field once"));
        rows.add(row("duplicate key in a list entry", edit(WORKING_KEYS, "    version: 2\n", "    version: 2\n    version: 3\n"),
                "keys[2].version", "'version' is given twice in one object (lines 19 and 20)"));
        rows.add(row("duplicate key on one line", edit(ZONE_MASTER_KEY_TRANSPORT, "{id: gz-01, name: Guangzhou online nodes}",
                "{id: gz-01, name: Guangzhou online nodes, id: gz-02}"), "zone.id", "line 5, columns 8 and 49"));
        rows.add(row("an anchor", edit(ROTATE, "title: Yearly rotation", "title: &t Yearly rotation"), "title",
                "the anchor &t is not allowed"));
        rows.add(row("an alias", edit(ROTATE, "zone: sh-01", "zone: *z"), "zone", "the alias *z is not allowed"));
        rows.add(row("a tag", edit(MASTER_KEY, "version: 2", "version: !!int \"2\""), "version",
                "the tag !!int is not allowed"));
        rows.add(row("a local tag", edit(ROTATE, "title: Yearly rotation", "title: !secret Yearly rotation"), "title",
                "the tag !secret is not allowed"));
        rows.add(row("two documents", ROTATE + "---\n" + ROTATE, "", "line 9: a second document ('---') is not allowed"));
        rows.add(row("no value", ROTATE + "notes:\n", "notes", "no value is given; write a value or leave the field out"));
        rows.add(row("null value", edit(ROTATE, "zone: sh-01", "zone: ~"), "zone", "no value is given"));
        rows.add(row("null in a list", edit(ZONE_MASTER_KEY, "[Bob, Carol, Dave]", "[Bob, null, Dave]"),
                "component_holders[1]", "no value is given"));
        rows.add(row("a list at the top", "- ceremony: rotate\n- format: 1\n", "", "line 1: the file must be an object of fields"));
        rows.add(row("an empty file", "", "", "the file has no content"));
        rows.add(row("only comments", "# nothing yet\n", "", "the file has no content"));
        rows.add(row("not YAML", edit(ROTATE, "title: Yearly rotation", "title: Yearly: rotation"), "",
                "line 3, column 14: this is not valid YAML: mapping values are not allowed here"));
        rows.add(row("a tab for indentation", edit(ZONE_MASTER_KEY, "  id: sh-01", "\tid: sh-01"), "", "this is not valid YAML"));
        rows.add(row("a list as a key", ROTATE + "? [a, b]\n: c\n", "", "line 9: a key must be a plain field name"));
        rows.add(row("a right-to-left override in a comment", ROTATE + "# approved \u202E by Judy\n", "",
                "line 9, column 12: the character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed"));
        rows.add(row("a right-to-left override as an escape", edit(ROTATE, "title: Yearly rotation",
                "title: \"Yearly \\u202Erotation\""), "title", "the value contains the character U+202E"));
        rows.add(row("a zero-width space", edit(ROTATE, "zone: sh-01", "zone: sh\u200B-01"), "",
                "line 5, column 9: the character U+200B (ZERO WIDTH SPACE) is not allowed"));
        rows.add(row("a control character", edit(ROTATE, "title: Yearly rotation", "title: Yearly\u0007rotation"), "",
                "the character U+0007"));
        rows.add(row("a NUL escape", edit(ROTATE, "title: Yearly rotation", "title: \"Yearly\\0rotation\""), "title",
                "the value contains the character U+0000"));

        // ---- bytes
        rows.add(Arguments.of("a file over 1 MiB", padTo(ROTATE, ScriptParser.MAX_BYTES + 1), "",
                "the file is 1048577 bytes; a script may be at most 1 MiB (1048576 bytes)"));
        byte[] latin1 = edit(ROTATE, "title: Yearly rotation", "title: Jährliche Rotation").getBytes(StandardCharsets.ISO_8859_1);
        rows.add(Arguments.of("Latin-1, not UTF-8", latin1, "", "line 3 (byte 35): the file is not UTF-8 (byte 0xE4)"));
        byte[] broken = utf8(edit(ROTATE, "title: Yearly rotation", "title: Yearly rotation é"));
        int e = indexOf(broken, (byte) 0xC3);
        broken[e + 1] = 'A'; // C3 A9 ('é') becomes C3 41, which is no character
        rows.add(Arguments.of("a broken UTF-8 sequence", broken, "", "line 3 (byte " + e + "): the file is not UTF-8 (byte 0xC3)"));

        // ---- custody changes (issue 16)
        String quorum = """
                ceremony: change-quorum
                format: 1
                title: Quorum
                operator: Alice
                threshold: 3
                cards: [card-1, card-2, card-3]
                rule:
                  roles: [SECURITY_OFFICER, KEY_CUSTODIAN]
                  minimum:
                    - {role: SECURITY_OFFICER, count: 1}
                """;
        rows.add(row("change-quorum: M > N", edit(quorum, "threshold: 3", "threshold: 4"), "threshold",
                "M = 4 is more than N = 3, the cards listed"));
        rows.add(row("change-quorum: a card listed twice", edit(quorum, "card-3]", "Card-1]"), "cards[2]",
                "is the same as cards[0]"));
        rows.add(row("change-quorum: a minimum of a role that may not approve", edit(quorum, "role: SECURITY_OFFICER, count",
                "role: AUDITOR, count"), "rule.minimum[0].role", "AUDITOR is not among rule.roles"));
        rows.add(row("change-quorum: minimums above M", edit(quorum, "count: 1}", "count: 4}"), "rule.minimum",
                "the minimums add up to 4, more than the 3 approvals"));
        rows.add(row("change-quorum: M below 2", edit(quorum, "threshold: 3", "threshold: 1"), "threshold",
                "1 is out of range; use 2 to 16"));
        String replace = """
                ceremony: replace-card
                format: 1
                title: Replace
                operator: Alice
                card: card-5
                new_card: card-6
                reason: lost
                """;
        rows.add(row("replace-card: the new card is the old one", edit(replace, "new_card: card-6", "new_card: CARD-5"),
                "new_card", "is the card being replaced"));
        rows.add(row("replace-card: no reason", edit(replace, "reason: lost\n", ""), "reason", "missing field 'reason'"));
        rows.add(row("enrol-card: an auditor holds no share", """
                ceremony: enrol-card
                format: 1
                title: Enrol
                operator: Alice
                holder: Judy
                role: AUDITOR
                card: card-7
                """, "role", "an AUDITOR holds no share"));
        rows.add(row("revoke-card: unknown field", """
                ceremony: revoke-card
                format: 1
                title: Revoke
                operator: Alice
                card: card-4
                reason: left
                new_card: card-9
                """, "new_card", "unknown field 'new_card'"));
        return rows.stream();
    }

    @Test
    void validationReportsEveryProblemTogetherInFileOrder() {
        String yaml = """
                ceremony: generate-working-keys
                format: 1
                operator: Alice
                zone: SH-01
                keys:
                  - purpose: DEK
                    algorithm: AES-512
                    version: 0
                    valid_from: 2028-01-01T00:00:00Z
                    valid_until: 2027-01-01T00:00:00Z
                  - purpose: KEK
                    algorithm: AES-256
                    version: 1
                    valid_from: 2027-01-01T00:00:00Z
                    valid_until: 2028-01-01T00:00:00Z
                    count: 2
                  - purpose: KEK
                    algorithm: AES-256
                    version: 2
                    valid_from: 2027-01-01T00:00:00Z
                    valid_until: 2028-01-01T00:00:00Z
                witnesses: [Judy, Judy]
                title: "%s"
                """.formatted("t".repeat(201));
        ScriptException e = catchThrowableOfType(ScriptException.class, () -> ScriptParser.parse(utf8(yaml), "many.yaml"));
        assertThat(e.problems()).extracting(ScriptProblem::path).containsExactly(
                "zone", "keys[0].algorithm", "keys[0].version", "keys[0].valid_until", "keys[2].version",
                "witnesses[1]", "title");
        assertThat(e.getMessage().lines()).hasSize(7).allSatisfy(line -> assertThat(line).startsWith("many.yaml: "));
        assertThat(e.getMessage().lines().findFirst().orElseThrow())
                .isEqualTo("many.yaml: zone: 'SH-01' is not a zone id; use 1 to 32 characters of a-z, 0-9 and -");
    }

    @Test
    void missingFieldsComeFirstThenTheRestInFileOrder() {
        String yaml = """
                ceremony: initialize
                format: 1
                threshold: 9
                custodians:
                  - {name: Alice, role: SECURITY_OFFICER, card: c1}
                  - {name: Bob, role: CUSTODIAN, card: c2}
                  - {name: Carol, role: KEY_CUSTODIAN}
                """;
        ScriptException e = catchThrowableOfType(ScriptException.class, () -> ScriptParser.parse(utf8(yaml), "init.yaml"));
        assertThat(e.problems()).extracting(ScriptProblem::toString).containsExactly(
                "title: missing field 'title' (shown on screens and reports, 1 to 200 characters)",
                "operator: missing field 'operator' (the security officer who drives the run, by custodian name)",
                "bundle_signer: missing field 'bundle_signer' ({subject}, the X.500 subject of the console certificate)",
                "custodians[1].role: 'CUSTODIAN' is not allowed; use SECURITY_OFFICER, KEY_CUSTODIAN or AUDITOR",
                "custodians[2].card: missing field 'card' (the label of the person's admin card token at this site)");
    }

    @Test
    void theTextChecksReportEveryProblemTogether() {
        String yaml = """
                ceremony: rotate
                format: 1
                title: &t Yearly rotation
                operator: !person Alice
                witnesses: [*t]
                zone: sh-01
                due_within_days: 30
                overlap_days: 7
                validity_days: 365
                zone: bj-01
                """;
        ScriptException e = catchThrowableOfType(ScriptException.class, () -> ScriptParser.parse(utf8(yaml), "tricks.yaml"));
        assertThat(e.problems()).extracting(ScriptProblem::path)
                .containsExactly("title", "operator", "witnesses[0]", "zone");
        assertThat(e.problems()).extracting(ScriptProblem::message).satisfiesExactly(
                m -> assertThat(m).contains("anchor &t"),
                m -> assertThat(m).contains("tag !person"),
                m -> assertThat(m).contains("alias *t"),
                m -> assertThat(m).contains("given twice"));
    }

    @Test
    void aFlagrantlyBadFileIsReportedInAtMostAHundredAndOneLines() {
        StringBuilder yaml = new StringBuilder(edit(REVOKE, "keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]\n", "") + "keys:\n");
        for (int i = 0; i < 500; i++) {
            yaml.append("  - 'bad id ").append(i).append("'\n");
        }
        ScriptException e = catchThrowableOfType(ScriptException.class, () -> ScriptParser.parse(utf8(yaml.toString()), "x"));
        assertThat(e.problems()).hasSize(Problems.MAX + 1);
        assertThat(e.problems().getLast().message()).contains("more than 100 problems");
    }

    private static Arguments row(String label, String yaml, String path, String phrase) {
        return Arguments.of(label, utf8(yaml), path, phrase);
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no byte " + b);
    }

    private static String seventeenMore() {
        StringBuilder b = new StringBuilder();
        for (int i = 6; i <= 22; i++) {
            b.append("  - {name: Person ").append(i).append(", role: KEY_CUSTODIAN, card: card-").append(i).append("}\n");
        }
        return b.toString();
    }

    /** A valid script padded with comment lines to exactly {@code size} bytes. */
    static byte[] padTo(String script, int size) {
        byte[] head = utf8(script);
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        for (int i = head.length; i < size; i++) {
            int column = (i - head.length) % 64;
            out[i] = column == 0 ? (byte) '#' : column == 63 ? (byte) '\n' : (byte) 'x';
        }
        out[size - 1] = '\n';
        return out;
    }
}
