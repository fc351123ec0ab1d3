package org.hsmc.ceremony.script;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Valid scripts of every type, small and self-contained, for the tests to break one field at a time. */
final class Scripts {

    private Scripts() {
    }

    static final String INITIALIZE = """
            ceremony: initialize
            format: 1
            title: Initialise the HSM
            operator: Alice
            witnesses: [Judy Auditor]
            threshold: 3
            custodians:
              - name: Alice
                role: SECURITY_OFFICER
                card: card-1
              - name: Bob
                role: KEY_CUSTODIAN
                card: card-2
              - name: Carol
                role: KEY_CUSTODIAN
                card: card-3
              - name: Dave
                role: KEY_CUSTODIAN
                card: card-4
              - name: Erin
                role: KEY_CUSTODIAN
                card: card-5
            bundle_signer:
              subject: CN=Key console, O=Example
            """;

    static final String MASTER_KEY = """
            ceremony: generate-master-key
            format: 1
            title: LMK version 2
            operator: Alice
            version: 2
            rotate: true
            """;

    static final String ZONE_MASTER_KEY = """
            ceremony: generate-zone-master-key
            format: 1
            title: Zone sh-01
            operator: Alice
            zone:
              id: sh-01
              name: Shanghai online nodes
            version: 1
            components: 3
            component_holders: [Bob, Carol, Dave]
            """;

    static final String ZONE_MASTER_KEY_TRANSPORT = """
            ceremony: generate-zone-master-key
            format: 1
            title: Zone gz-01 by transport key
            operator: Alice
            zone: {id: gz-01, name: Guangzhou online nodes}
            version: 1
            transport_key: keys/gz-01-transport.pem
            """;

    static final String IMPORT = """
            ceremony: import-zone-master-key
            format: 1
            title: Zone bj-01
            operator: Alice
            zone:
              id: bj-01
              name: Beijing online nodes
            version: 1
            components: 3
            component_kcvs: ["DF4991AAE7", "E6AAB158CF", "81E6B9AF38"]
            kcv: "688A192A1C"
            """;

    static final String WORKING_KEYS = """
            ceremony: generate-working-keys
            format: 1
            title: Working keys for zone sh-01, 2027
            operator: Alice
            zone: sh-01
            keys:
              - purpose: DEK
                algorithm: AES-256
                version: 1
                valid_from: 2027-01-01T00:00:00Z
                valid_until: 2028-01-01T00:00:00Z
              - purpose: MAC
                algorithm: AES-128
                version: 1
                valid_from: 2027-01-01T00:00:00Z
                valid_until: 2028-01-01T00:00:00Z
              - purpose: DEK
                algorithm: AES-256
                version: 2
                valid_from: 2027-01-01T00:00:00Z
                valid_until: 2028-01-01T00:00:00Z
                count: 3
            """;

    static final String ROTATE = """
            ceremony: rotate
            format: 1
            title: Yearly rotation
            operator: Alice
            zone: sh-01
            due_within_days: 30
            overlap_days: 7
            validity_days: 365
            """;

    static final String REVOKE = """
            ceremony: revoke
            format: 1
            title: Revoke two keys
            operator: Alice
            zone: sh-01
            keys: [wk/sh-01/dek/v1, wk/sh-01/mac/v1]
            reason: Suspected disclosure
            incident: INC-42
            """;

    static final String EXPORT_BUNDLE = """
            ceremony: export-bundle
            format: 1
            title: Bundles for sh-01 and bj-01
            operator: Alice
            zones: [sh-01, bj-01]
            expires_in_days: 30
            output_directory: /media/bundles
            """;

    /** {@code text} with {@code from} replaced by {@code to}; {@code from} must occur exactly once. */
    static String edit(String text, String from, String to) {
        int at = text.indexOf(from);
        assertThat(at).as("'%s' in the script", from).isNotNegative();
        assertThat(text.indexOf(from, at + 1)).as("'%s' occurs once", from).isNegative();
        return text.substring(0, at) + to + text.substring(at + from.length());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
