package org.hsmc.app.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rehearsal PIN file's small format, read without java.util.Properties. */
class RehearsalPinsTest {

    @TempDir
    Path tmp;

    @Test
    void namesValuesCommentsAndLineEnds() throws Exception {
        Path f = tmp.resolve("pins.properties");
        Files.write(f, ("# comment\r\n! also a comment\r\n\r\n  hsm.pin = 1234-abcd  \r\ncard.c1.pin:p=ä:1\n"
                + "quorum.cards = c1, c2 ,c3\ncard.c1.pin=later wins\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        RehearsalPins p = new RehearsalPins(f);
        assertThat(p.get("hsm.pin")).containsExactly("1234-abcd".toCharArray());
        assertThat(p.get("card.c1.pin")).containsExactly("later wins".toCharArray());
        assertThat(p.quorumCards()).isEqualTo(List.of("c1", "c2", "c3"));
        assertThatThrownBy(() -> p.get("card.c9.pin")).hasMessageContaining("has no 'card.c9.pin'");
    }

    @Test
    void theFirstSeparatorSplitsAndTheValueIsTakenAsWritten() throws Exception {
        Path f = tmp.resolve("pins.properties");
        Files.writeString(f, "card.x.pin:a=b:c\\d\n");
        assertThat(new RehearsalPins(f).get("card.x.pin")).containsExactly("a=b:c\\d".toCharArray());
    }

    @Test
    void badFilesAreRefusedWithTheirReason() throws Exception {
        assertThatThrownBy(() -> new RehearsalPins(tmp.resolve("missing"))).hasMessageContaining("cannot be read");
        Path latin1 = tmp.resolve("latin1");
        Files.write(latin1, new byte[] {'h', '=', (byte) 0xE4, '\n'});
        assertThatThrownBy(() -> new RehearsalPins(latin1)).hasMessageContaining("is not UTF-8 text");
        Path noSep = tmp.resolve("nosep");
        Files.writeString(noSep, "hsm.pin=1\njust words\n");
        assertThatThrownBy(() -> new RehearsalPins(noSep).get("hsm.pin")).hasMessageContaining("Line 2", "is not 'name=value'");
        Path noCards = tmp.resolve("nocards");
        Files.writeString(noCards, "hsm.pin=1\n");
        assertThatThrownBy(() -> new RehearsalPins(noCards).quorumCards()).hasMessageContaining("lists no 'quorum.cards'");
    }
}
