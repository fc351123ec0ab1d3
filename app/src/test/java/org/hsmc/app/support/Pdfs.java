package org.hsmc.app.support;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Reading PDFs back with PDFBox text extraction. */
public final class Pdfs {

    private Pdfs() {
    }

    public static String text(Path pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            return new PDFTextStripper().getText(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable PDF: " + pdf, e);
        }
    }

    public static int pages(Path pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            return doc.getNumberOfPages();
        } catch (IOException e) {
            throw new UncheckedIOException("not a readable PDF: " + pdf, e);
        }
    }

    /** Text without white space: a value wrapped or spaced on the page is still found. */
    public static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }
}
