package org.hsmc.app.cli;

import org.hsmc.ceremony.run.Deviations;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * In a rehearsal with a PIN file, what people in the room would type, taken from a small file next to the
 * PIN file ({@value #FILE}) so that the loop over the example scripts stays unattended. It holds no secret
 * (so it is read as properties). For now: deviations, per ceremony type,
 *
 * <pre>
 * initialize.deviation.1.step=3
 * initialize.deviation.1.what=Carol's card reader failed
 * initialize.deviation.1.instead=the spare reader was used
 * initialize.deviation.1.by=Alice
 * </pre>
 *
 * recorded for the run when it ends (each an audit entry {@code run.deviation}).
 */
final class RehearsalRecord {

    /** The file's name, in the PIN file's folder. */
    static final String FILE = "rehearsal-record.properties";

    private RehearsalRecord() {
    }

    /** Records the deviations the file lists for {@code type}, for run {@code runId}; nothing when there is no file. */
    static void recordFor(Path pinFile, String type, String runId, ConsoleContext ctx, PrintWriter out) {
        Path file = pinFile.toAbsolutePath().resolveSibling(FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new Hsmc.UserError("The rehearsal record " + file + " cannot be read: " + e.getMessage());
        }
        Deviations deviations = new Deviations(ctx.store, ctx.audit, ctx.clock);
        for (int n = 1; p.containsKey(type + ".deviation." + n + ".what"); n++) {
            String k = type + ".deviation." + n + ".";
            int step;
            try {
                step = Integer.parseInt(p.getProperty(k + "step", "0").strip());
            } catch (NumberFormatException e) {
                throw new Hsmc.UserError("The rehearsal record " + file + " has a step that is not a number: " + k + "step.");
            }
            try {
                deviations.record(runId, step, p.getProperty(k + "what"), p.getProperty(k + "instead", ""),
                        p.getProperty(k + "by", "operator"));
            } catch (IllegalArgumentException e) {
                throw new Hsmc.UserError(e.getMessage() + " (" + file + ", " + k + "*)");
            }
            out.println("Deviation " + n + " recorded from " + file.getFileName());
        }
    }
}
