package org.hsmc.reports;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reports never replace a file, and a refused write leaves nothing behind. */
class ReportFilesTest {

    private static final RenderedReport REPORT = new RenderedReport(ReportJson.CEREMONY, new byte[]{'%', 'P', 'D', 'F'},
            "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), ReportJson.sha256("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 1);

    @Test
    void theReportAndItsCompanionAreWrittenSideBySide(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("run.pdf");
        assertThat(ReportFiles.write(REPORT, pdf, true)).containsExactly(pdf, dir.resolve("run.json"));
        // the facts ({}) plus the PDF file's own SHA-256, which is not a fact
        assertThat(Files.readString(dir.resolve("run.json"))).isEqualTo("{\"pdf_sha256\":\"" + ReportJson.sha256(new byte[]{'%', 'P', 'D', 'F'}) + "\"}");
        assertThat(ReportVerifier.companionOf(dir.resolve("x.PDF"))).isEqualTo(dir.resolve("x.json"));
        assertThat(ReportVerifier.companionOf(dir.resolve("x"))).isEqualTo(dir.resolve("x.json"));
    }

    @Test
    void anExistingReportIsNeverReplaced(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("run.pdf");
        Files.writeString(pdf, "signed on paper");
        assertThatThrownBy(() -> ReportFiles.write(REPORT, pdf, true)).isInstanceOf(ReportException.class)
                .hasMessageContaining("exists already");
        assertThat(Files.readString(pdf)).isEqualTo("signed on paper");
        assertThat(dir.resolve("run.json")).doesNotExist();
    }

    @Test
    void anExistingCompanionRefusesTheReportBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("run.json"), "{\"old\":1}");
        assertThatThrownBy(() -> ReportFiles.write(REPORT, dir.resolve("run.pdf"), true)).hasMessageContaining("run.json exists already");
        assertThat(dir.resolve("run.pdf")).doesNotExist();
        assertThatThrownBy(() -> ReportFiles.writeNew(dir.resolve("run.json"), new byte[1])).hasMessageContaining("exists already");
    }
}
