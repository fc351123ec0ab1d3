package org.hsmc.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A rehearsal home's "printer": each form is written as a PDF into {@code component-forms/} of the
 * home, named {@code REHEARSAL-…}, so that a person rehearsing can open it. Only for homes whose
 * tokens are software (the demo): there the components are rehearsal values, worthless outside it.
 * A real site prints on paper ({@link CommandFormPrinter}, or the window's print dialog). Never
 * overwrites a file.
 */
public final class RehearsalFormFolder implements FormPrinter {

    @Override
    public boolean rehearsal() {
        return true;
    }


    /** The folder of the home that holds the forms. */
    public static final String FOLDER = "component-forms";
    private final Path dir;

    public RehearsalFormFolder(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** {@code REHEARSAL-zmk-sh-01-v1-component-1-of-3-Bob-1a2b3c4d.pdf}. */
    static String fileName(Form f) {
        String run = f.runId().length() > 8 ? f.runId().substring(0, 8) : f.runId();
        return ("REHEARSAL-" + f.keyId() + "-component-" + f.index() + "-of-" + f.count() + "-" + f.holder() + "-" + run)
                .replaceAll("[^A-Za-z0-9._-]+", "-") + ".pdf";
    }

    @Override
    public String print(Form form, byte[] pdf) {
        Path file = dir.resolve(fileName(form));
        try {
            org.hsmc.ceremony.store.PrivateFiles.createDirectories(dir);
            try (OutputStream out = org.hsmc.ceremony.store.PrivateFiles.newOutputStream(file)) { // 0600: it holds a clear component
                out.write(pdf);
            }
            return "rehearsal: written to " + file.toAbsolutePath();
        } catch (FileAlreadyExistsException e) {
            throw new FormPrintException("The rehearsal form " + file + " exists already; forms are never overwritten. Move the"
                    + " old forms away, then resume the ceremony.", e);
        } catch (IOException e) {
            throw new FormPrintException("The rehearsal form cannot be written to " + file + ": " + e.getMessage(), e);
        }
    }
}
