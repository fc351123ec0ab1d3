package org.hsmc.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The printing seam: the print command gets the PDF on its standard input; failures are refusals that say what to do. */
class FormPrinterTest {

    @TempDir
    Path tmp;

    private static final FormPrinter.Form FORM = new FormPrinter.Form("0123456789abcdef", "sh-01", "zmk/sh-01/v1", 2, 3, "Carol");

    @Test
    void thePrintCommandReadsThePdfOnItsStandardInput() throws Exception {
        Path got = tmp.resolve("printed.pdf");
        byte[] pdf = "%PDF-1.7 not really".getBytes();
        String where = new CommandFormPrinter(List.of("sh", "-c", "cat > '" + got + "'; echo request id is office-7")).print(FORM, pdf);
        assertThat(Files.readAllBytes(got)).isEqualTo(pdf);
        assertThat(where).contains("request id is office-7");
    }

    @Test
    void aPrinterThatRefusesOrIsMissingStopsWithWhatToDo() {
        assertThatThrownBy(() -> new CommandFormPrinter(List.of("sh", "-c", "cat > /dev/null; echo printer on fire >&2; exit 3"))
                .print(FORM, new byte[] {1, 2, 3}))
                .isInstanceOf(FormPrinter.FormPrintException.class)
                .hasMessageContaining("zmk/sh-01/v1, component 2 of 3 for Carol").hasMessageContaining("exit code 3")
                .hasMessageContaining("printer on fire").hasMessageContaining("resume the ceremony");
        assertThatThrownBy(() -> new CommandFormPrinter(List.of(tmp.resolve("no-such-lp").toString())).print(FORM, new byte[] {1}))
                .isInstanceOf(FormPrinter.FormPrintException.class)
                .hasMessageContaining("cannot be started").hasMessageContaining("Install CUPS");
    }

    @Test
    void aRehearsalFolderWritesMarkedFilesAndNeverOverwrites() throws Exception {
        RehearsalFormFolder folder = new RehearsalFormFolder(tmp.resolve("component-forms"));
        String where = folder.print(FORM, new byte[] {9});
        Path file = tmp.resolve("component-forms").resolve("REHEARSAL-zmk-sh-01-v1-component-2-of-3-Carol-01234567.pdf");
        assertThat(where).contains("rehearsal").contains(file.toString());
        assertThat(Files.readAllBytes(file)).containsExactly(9);
        assertThatThrownBy(() -> folder.print(FORM, new byte[] {8})).isInstanceOf(FormPrinter.FormPrintException.class)
                .hasMessageContaining("never overwritten");
        assertThat(Files.readAllBytes(file)).containsExactly(9);
    }

    @Test
    void componentGroupsAreFourHexDigitsAndNeverAString() {
        byte[] value = new byte[32];
        for (int i = 0; i < 32; i++) {
            value[i] = (byte) (i * 17);
        }
        char[] g = ComponentText.groups(value, 8);
        assertThat(new String(g)).isEqualTo("0011 2233 4455 6677 8899 AABB CCDD EEFF\n1021 3243 5465 7687 98A9 BACB DCED FE0F");
    }
}
