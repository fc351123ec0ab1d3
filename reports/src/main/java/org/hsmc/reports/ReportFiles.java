package org.hsmc.reports;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes reports to files, never over an existing file ({@link StandardOpenOption#CREATE_NEW}): a
 * report that was printed and signed must not be replaced by another with the same name.
 */
public final class ReportFiles {

    private ReportFiles() {
    }

    /**
     * Writes {@code report} to {@code pdf} and, when {@code withCompanion}, its JSON companion beside it
     * ({@link ReportVerifier#companionOf}). Both names are checked first; if the second write fails, the
     * first file is removed again. Returns the files written.
     *
     * @throws ReportException when a file exists already or cannot be written
     */
    public static List<Path> write(RenderedReport report, Path pdf, boolean withCompanion) {
        Path json = ReportVerifier.companionOf(pdf);
        if (withCompanion && json.equals(pdf)) {
            throw new ReportException("The report file " + pdf + " would be its own companion; give the report a name ending in .pdf.");
        }
        for (Path p : withCompanion ? List.of(pdf, json) : List.of(pdf)) {
            if (Files.exists(p)) {
                throw new ReportException("The file " + p + " exists already. Reports never replace a file; choose another name.");
            }
        }
        List<Path> written = new ArrayList<>();
        try {
            writeNew(pdf, report.pdf());
            written.add(pdf);
            if (withCompanion) {
                writeNew(json, ReportJson.companionFile(report.json(), report.pdfSha256()));
                written.add(json);
            }
            return written;
        } catch (ReportException e) {
            for (Path p : written) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // the message below names the problem; a left-over file is named in it
                }
            }
            throw e;
        }
    }

    /** Writes {@code bytes} to a new file {@code path}; refuses an existing file. */
    public static void writeNew(Path path, byte[] bytes) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ReportException("The file " + path + " exists already. Reports never replace a file; choose another name.", e);
        } catch (IOException e) {
            throw new ReportException("The file " + path + " cannot be written: " + e.getMessage(), e);
        }
    }
}
