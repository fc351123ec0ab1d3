package org.hsmc.reports;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.hsmc.testsupport.SoftHsmStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading PDFs back (PDFBox text extraction) and turning pages into PNG previews (pdftoppm). */
final class Pdfs {

    /** Where the previews go, for a person to look at. */
    static final Path PREVIEWS = Path.of("target", "report-previews");

    private Pdfs() {
    }

    /** The text of each page. */
    static List<String> pages(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDFTextStripper s = new PDFTextStripper();
            List<String> out = new ArrayList<>();
            for (int p = 1; p <= doc.getNumberOfPages(); p++) {
                s.setStartPage(p);
                s.setEndPage(p);
                out.add(s.getText(doc));
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("not a readable PDF", e);
        }
    }

    /** The text of every page together. */
    static String text(byte[] pdf) {
        return String.join("\n", pages(pdf));
    }

    /** Text without white space: a value that wraps inside its cell is still found. */
    static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }

    /** Asserts that every value shows in {@code text} (white space ignored). */
    static void assertShows(String text, String... values) {
        String squashed = squash(text);
        for (String v : values) {
            assertThat(squashed).as("the report shows '%s'", v).contains(squash(v));
        }
    }

    /**
     * Writes {@code pdf} and page {@code page} of it as a PNG at 60 dpi ({@code pdftoppm -png -r 60})
     * into target/report-previews/. Without poppler-utils the preview is left out, except with
     * CI=true, where that fails (bin/test installs poppler-utils).
     */
    static Path preview(byte[] pdf, String name, int page) {
        try {
            Files.createDirectories(PREVIEWS);
            Path file = PREVIEWS.resolve(name + ".pdf");
            Files.write(file, pdf);
            Path png = PREVIEWS.resolve(name + ".png");
            Files.deleteIfExists(png);
            Process p;
            try {
                p = new ProcessBuilder("pdftoppm", "-png", "-r", "60", "-f", Integer.toString(page), "-l", Integer.toString(page),
                        "-singlefile", file.toString(), PREVIEWS.resolve(name).toString()).redirectErrorStream(true).start();
            } catch (IOException missing) {
                if (SoftHsmStore.inCi()) {
                    throw new AssertionError("pdftoppm is missing (Debian package poppler-utils); bin/test installs it", missing);
                }
                return null;
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.exitValue()).as("pdftoppm: %s", out).isZero();
            assertThat(png).isRegularFile();
            assertThat(Files.size(png)).isGreaterThan(1000);
            return png;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
