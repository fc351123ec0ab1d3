package org.hsmc.app.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * PINs (and typed components) read from a file, for rehearsals only: {@code hsmc ceremony run
 * --rehearsal-pins FILE}. The run and its audit entries record that the PINs came from a file.
 *
 * <pre>
 * hsm.pin=...                       the HSM token's current user PIN (initialize)
 * card.&lt;label&gt;.transport=...        the card's transport PIN (enrolment)
 * card.&lt;label&gt;.pin=...              the custodian's own PIN
 * quorum.cards=label1,label2,...    the cards presented for a quorum, in order
 * component.&lt;key id&gt;.&lt;i&gt;=hex        component i of a ZMK being imported
 * KEY.2=..., KEY.3=...              the PIN typed at the 2nd, 3rd attempt after KEY was refused (rehearsing a wrong PIN)
 * </pre>
 */
final class RehearsalPins {

    private final Properties p = new Properties();
    private final Path file;

    RehearsalPins(Path file) {
        this.file = file;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new Hsmc.UserError("The rehearsal PIN file " + file + " cannot be read: " + e.getMessage());
        }
    }

    char[] get(String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new Hsmc.UserError("The rehearsal PIN file " + file + " has no '" + key + "'.");
        }
        return v.trim().toCharArray();
    }

    /** True when the file has {@code key} (a retry {@code KEY.2} is optional). */
    boolean has(String key) {
        return p.getProperty(key) != null;
    }

    List<String> quorumCards() {
        String v = p.getProperty("quorum.cards", "");
        List<String> out = new ArrayList<>();
        Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(out::add);
        if (out.isEmpty()) {
            throw new Hsmc.UserError("The rehearsal PIN file " + file + " lists no 'quorum.cards'.");
        }
        return out;
    }
}
