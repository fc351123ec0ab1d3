package org.hsmc.app.cli;

import org.hsmc.ceremony.bundle.BundleExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code export.hsm_sessions} in the site profile, and the streamed JSON of {@code hsmc keys --json}. */
class ExportSettingsTest {

    @Test
    void theDefaultUnlessTheSiteProfileSaysOtherwise(@TempDir Path home) throws Exception {
        assertThat(ExportSettings.hsmSessions(home)).isEqualTo(BundleExporter.DEFAULT_SESSIONS);
        Files.writeString(home.resolve(SiteProfile.FILE), "hsm.module=/x.so\nhsm.token=hsm\n");
        assertThat(ExportSettings.hsmSessions(home)).isEqualTo(BundleExporter.DEFAULT_SESSIONS);
        Files.writeString(home.resolve(SiteProfile.FILE), "hsm.module=/x.so\nhsm.token=hsm\nexport.hsm_sessions = 4\n");
        assertThat(ExportSettings.hsmSessions(home)).isEqualTo(4);
    }

    @Test
    void aValueOutOfRangeIsRefusedWithWhatToWrite(@TempDir Path home) throws Exception {
        for (String bad : List.of("0", "17", "two", "")) {
            Files.writeString(home.resolve(SiteProfile.FILE), "export.hsm_sessions=" + bad + "\n");
            assertThatThrownBy(() -> ExportSettings.hsmSessions(home)).isInstanceOf(Hsmc.UserError.class)
                    .hasMessageContaining("export.hsm_sessions=" + bad + "; write a whole number from 1 to 16");
        }
    }

    @Test
    void theStreamedJsonArrayIsTheListAsItWasWritten() throws Exception {
        List<Map<String, Object>> items = List.of(Map.of("id", "wk/a/dek/v1", "version", 1), Map.of("id", "wk/a/dek/v2", "version", 2));
        for (List<Map<String, Object>> list : List.of(items, List.<Map<String, Object>>of())) {
            java.io.StringWriter out = new java.io.StringWriter();
            try (var w = Json.arrayWriter(out)) {
                for (Map<String, Object> m : list) {
                    w.write(m);
                }
            }
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.toString()))
                    .isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.write(list)));
        }
    }
}
