package org.hsmc.app.cli;

import org.hsmc.app.support.Cli.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hsmc.app.support.Cli.run;

/** {@code hsmc ceremony check} of a script that asks for keys in bulk: reviewed as compactly as it reads. */
class CeremonyCheckCliTest {

    @Test
    void aBulkScriptIsCheckedWithASummaryOfWhatItMakes(@TempDir Path tmp) throws Exception {
        Path script = tmp.resolve("bulk.yaml");
        Files.writeString(script, """
                ceremony: generate-working-keys
                format: 1
                title: Keys for four zones
                operator: Alice
                zones: [sh-01, sh-02, bj-01, bj-02]
                keys:
                  - {purpose: DEK, algorithm: AES-256, version: 1, count: 25000, valid_from: 2027-01-01T00:00:00Z, valid_until: 2028-01-01T00:00:00Z}
                """);
        Result r = run("ceremony", "check", script.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(Hsmc.EXIT_OK);
        assertThat(r.out()).contains("bulk.yaml: valid generate-working-keys script", "SHA-256: ",
                "  4 zones: sh-01, sh-02, bj-01, bj-02",
                "  DEK AES-256 v1–v25000 (25000 keys per zone), valid 2027-01-01T00:00:00Z – 2028-01-01T00:00:00Z",
                "  100000 keys in all");
    }

    @Test
    void tooManyKeysForOneScriptAreRefusedWithTheProduct(@TempDir Path tmp) throws Exception {
        Path script = tmp.resolve("too-many.yaml");
        Files.writeString(script, """
                ceremony: generate-working-keys
                format: 1
                title: Too many keys
                operator: Alice
                zones: [a-01, a-02, a-03, a-04, a-05, a-06, a-07, a-08, a-09, a-10, a-11]
                keys:
                  - {purpose: MAC, algorithm: AES-128, version: 1, count: 99999, valid_from: 2027-01-01T00:00:00Z, valid_until: 2028-01-01T00:00:00Z}
                """);
        Result r = run("ceremony", "check", script.toString());
        assertThat(r.exit()).isEqualTo(Hsmc.EXIT_REFUSED);
        assertThat(r.out() + r.err()).contains("keys: 11 zones × 99999 keys = 1099989 keys are too many for one ceremony");
    }
}
