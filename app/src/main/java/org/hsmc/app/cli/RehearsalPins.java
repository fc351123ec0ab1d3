package org.hsmc.app.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PINs (and typed components) read from a file, for rehearsals only: {@code hsmc ceremony run
 * --rehearsal-pins FILE}. The run and its audit entries record that the PINs came from a file.
 *
 * <pre>
 * hsm.pin=...                       the HSM token's current user PIN (initialize)
 * card.&lt;label&gt;.transport=...        the card's transport PIN (enrolment)
 * card.&lt;label&gt;.pin=...              the custodian's own PIN
 * card.&lt;label&gt;.so=...               the card's security officer PIN (unblock-card)
 * quorum.cards=label1,label2,...    the cards presented for a quorum, in order
 * component.&lt;key id&gt;.&lt;i&gt;=hex        component i of a ZMK being imported
 * KEY.2=..., KEY.3=...              the PIN typed at the 2nd, 3rd attempt after KEY was refused (rehearsing a wrong PIN)
 * </pre>
 *
 * <p>One {@code name=value} (or {@code name:value}) a line; blank lines and lines starting with {@code #}
 * or {@code !} are ignored; spaces around the name and the value are dropped; the value is taken as
 * written (no backslash escapes); when a name appears twice, the last one counts.
 *
 * <p>No PIN ever becomes a {@code String}: each {@link #get} reads the file again into a {@code byte[]},
 * decodes it into a {@code char[]}, copies out the one value asked for and wipes both buffers. So only the
 * PINs the run asks for are in memory, each only until its caller wipes it.
 */
final class RehearsalPins {

    private final Path file;

    RehearsalPins(Path file) {
        this.file = file;
        char[] all = read();
        Arrays.fill(all, '\0'); // read once now, so that a missing or unreadable file is refused before the run starts
    }

    /** The value of {@code key}, as a new array the caller wipes. */
    char[] get(String key) {
        char[] all = read();
        try {
            int[] range = find(all, key);
            if (range == null) {
                throw new Hsmc.UserError("The rehearsal PIN file " + file + " has no '" + key + "'.");
            }
            return Arrays.copyOfRange(all, range[0], range[1]);
        } finally {
            Arrays.fill(all, '\0');
        }
    }

    /** True when the file has {@code key} (a retry {@code KEY.2} is optional); reads no value. */
    boolean has(String key) {
        char[] all = read();
        try {
            return find(all, key) != null;
        } finally {
            Arrays.fill(all, '\0');
        }
    }

    /** The cards listed for a quorum, in order ({@code quorum.cards}; labels are no secret). */
    List<String> quorumCards() {
        char[] all = read();
        try {
            int[] range = find(all, "quorum.cards");
            List<String> out = new ArrayList<>();
            if (range != null) {
                Arrays.stream(new String(all, range[0], range[1] - range[0]).split(",")).map(String::trim)
                        .filter(s -> !s.isEmpty()).forEach(out::add);
            }
            if (out.isEmpty()) {
                throw new Hsmc.UserError("The rehearsal PIN file " + file + " lists no 'quorum.cards'.");
            }
            return out;
        } finally {
            Arrays.fill(all, '\0');
        }
    }

    /** The file, decoded (UTF-8) into a new array the caller wipes; the bytes read are wiped here. */
    private char[] read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Hsmc.UserError("The rehearsal PIN file " + file + " cannot be read: " + e.getMessage());
        }
        CharBuffer chars = null;
        try {
            CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            chars = d.decode(ByteBuffer.wrap(bytes));
            return Arrays.copyOfRange(chars.array(), chars.arrayOffset() + chars.position(), chars.arrayOffset() + chars.limit());
        } catch (CharacterCodingException e) {
            throw new Hsmc.UserError("The rehearsal PIN file " + file + " is not UTF-8 text. Save it as UTF-8.");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }

    /** Where the value of the last line naming {@code key} starts and ends in {@code all}; null when none does. */
    private int[] find(char[] all, String key) {
        int[] found = null;
        int line = 0;
        int i = 0;
        while (i < all.length) {
            line++;
            int end = i;
            while (end < all.length && all[end] != '\n' && all[end] != '\r') {
                end++;
            }
            int s = skipSpace(all, i, end);
            if (s < end && all[s] != '#' && all[s] != '!') {
                int sep = s;
                while (sep < end && all[sep] != '=' && all[sep] != ':') {
                    sep++;
                }
                if (sep == end) {
                    throw new Hsmc.UserError("Line " + line + " of the rehearsal PIN file " + file + " is not 'name=value'.");
                }
                int nameEnd = sep;
                while (nameEnd > s && Character.isWhitespace(all[nameEnd - 1])) {
                    nameEnd--;
                }
                if (matches(all, s, nameEnd, key)) {
                    int vs = skipSpace(all, sep + 1, end);
                    int ve = end;
                    while (ve > vs && Character.isWhitespace(all[ve - 1])) {
                        ve--;
                    }
                    found = new int[] {vs, ve};
                }
            }
            i = end;
            if (i < all.length && all[i] == '\r') {
                i++;
            }
            if (i < all.length && all[i] == '\n') {
                i++;
            }
        }
        return found;
    }

    private static int skipSpace(char[] a, int from, int to) {
        int k = from;
        while (k < to && Character.isWhitespace(a[k])) {
            k++;
        }
        return k;
    }

    private static boolean matches(char[] a, int from, int to, String key) {
        if (to - from != key.length()) {
            return false;
        }
        for (int k = 0; k < key.length(); k++) {
            if (a[from + k] != key.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
