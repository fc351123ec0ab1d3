package org.hsmc.app.gui;

import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PDF pages as images, for previews and for the print dialog: rendered with PDFBox's
 * {@link PDFRenderer} and copied into JavaFX images. Slow (tens of milliseconds a page), so it is
 * called from {@link BackgroundTasks} only, never on the JavaFX thread.
 */
final class PdfPages {

    private PdfPages() {
    }

    /** The pages {@code first}..{@code last} (0-based, at most the document's) at {@code dpi}. */
    static List<WritableImage> render(byte[] pdf, float dpi, int first, int last) {
        try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(pdf))) {
            PDFRenderer renderer = new PDFRenderer(doc);
            List<WritableImage> out = new ArrayList<>();
            for (int p = first; p <= Math.min(last, doc.getNumberOfPages() - 1); p++) {
                BufferedImage img = renderer.renderImageWithDPI(p, dpi, ImageType.RGB);
                out.add(toFx(img));
                wipe(img);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("The PDF cannot be read for its preview: " + e.getMessage(), e);
        }
    }

    /** Every page at {@code dpi}. */
    static List<WritableImage> render(byte[] pdf, float dpi) {
        return render(pdf, dpi, 0, Integer.MAX_VALUE);
    }

    /** The number of pages. */
    static int count(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(new RandomAccessReadBuffer(pdf))) {
            return doc.getNumberOfPages();
        } catch (IOException e) {
            throw new UncheckedIOException("The PDF cannot be read: " + e.getMessage(), e);
        }
    }

    private static WritableImage toFx(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] row = new int[w];
        WritableImage fx = new WritableImage(w, h);
        var writer = fx.getPixelWriter();
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            writer.setPixels(0, y, w, 1, PixelFormat.getIntArgbInstance(), row, 0, w);
        }
        Arrays.fill(row, 0);
        return fx;
    }

    /** Paints an image white: a page that showed a key component keeps nothing of it once printed. */
    static void wipe(BufferedImage img) {
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.dispose();
    }

    /** Paints a JavaFX image white (see {@link #wipe(BufferedImage)}). */
    static void wipe(WritableImage img) {
        int w = (int) img.getWidth();
        int h = (int) img.getHeight();
        int[] white = new int[w];
        Arrays.fill(white, 0xFFFFFFFF);
        var writer = img.getPixelWriter();
        for (int y = 0; y < h; y++) {
            writer.setPixels(0, y, w, 1, PixelFormat.getIntArgbInstance(), white, 0, w);
        }
    }
}
