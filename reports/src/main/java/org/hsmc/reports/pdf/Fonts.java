package org.hsmc.reports.pdf;

import org.apache.fontbox.ttf.CmapLookup;
import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeCollection;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fonts of one PDF document, embedded as subsets, with a fallback chain per face: each character
 * is drawn with the first font of the chain that has a glyph for it. English reports put DejaVu first
 * and WenQuanYi Zen Hei second (for Chinese names in the records); Chinese reports the other way
 * round. Zen Hei has no bold face, so its bold is drawn filled and stroked.
 *
 * <p>A character no font has is never dropped silently: {@link #printable} writes it as
 * {@code [U+XXXX]}, so the paper still shows exactly what the record holds.
 */
public final class Fonts implements Closeable {

    /** The faces a report uses. */
    public enum Face { REGULAR, BOLD, MONO }

    /** One font of a chain. */
    record Choice(PDType0Font font, TrueTypeFont ttf, CmapLookup cmap, boolean fakeBold) {
        boolean has(int codePoint) {
            return cmap.getGlyphId(codePoint) > 0;
        }

        /** Advance width in text space units (1/1000 of the size). */
        float advance(int codePoint) {
            try {
                return ttf.getAdvanceWidth(cmap.getGlyphId(codePoint)) * 1000f / ttf.getUnitsPerEm();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A stretch of text drawn with one font. */
    record Run(Choice choice, String text) {
    }

    private final List<Closeable> open = new ArrayList<>();
    private final Map<Face, List<Choice>> chains = new EnumMap<>(Face.class);
    private final Map<Face, Map<Integer, Choice>> chosen = new EnumMap<>(Face.class);

    private Fonts() {
    }

    /**
     * Loads the fonts into {@code doc}.
     *
     * @param cjkFirst true for Chinese reports: Zen Hei is then the first font for regular and bold text
     */
    public static Fonts load(PDDocument doc, FontFiles files, boolean cjkFirst) {
        Fonts f = new Fonts();
        try {
            TrueTypeFont regular = f.parse(files.regular());
            TrueTypeFont bold = f.parse(files.bold());
            TrueTypeFont mono = f.parse(files.mono());
            TrueTypeCollection collection = new TrueTypeCollection(files.cjk().toFile());
            f.open.add(collection);
            TrueTypeFont cjk = collection.getFontByName(FontFiles.CJK_FONT_NAME);
            if (cjk == null) {
                throw new IOException(files.cjk() + " does not hold the face " + FontFiles.CJK_FONT_NAME);
            }
            Choice latin = choice(doc, regular, false);
            Choice latinBold = choice(doc, bold, false);
            Choice monoChoice = choice(doc, mono, false);
            Choice han = choice(doc, cjk, false);
            Choice hanBold = new Choice(han.font(), han.ttf(), han.cmap(), true);
            f.chains.put(Face.REGULAR, cjkFirst ? List.of(han, latin) : List.of(latin, han));
            f.chains.put(Face.BOLD, cjkFirst ? List.of(hanBold, latinBold) : List.of(latinBold, hanBold));
            f.chains.put(Face.MONO, List.of(monoChoice, cjkFirst ? han : latin, cjkFirst ? latin : han));
            for (Face face : Face.values()) {
                f.chosen.put(face, new HashMap<>());
            }
            return f;
        } catch (IOException e) {
            f.close();
            throw new UncheckedIOException("A report font could not be read: " + e.getMessage(), e);
        }
    }

    private TrueTypeFont parse(Path file) throws IOException {
        TrueTypeFont ttf = new TTFParser().parse(new RandomAccessReadBufferedFile(file.toFile()));
        open.add(ttf);
        return ttf;
    }

    private static Choice choice(PDDocument doc, TrueTypeFont ttf, boolean fakeBold) throws IOException {
        CmapLookup cmap = ttf.getUnicodeCmapLookup();
        return new Choice(PDType0Font.load(doc, ttf, true), ttf, cmap, fakeBold);
    }

    /** The font that draws {@code codePoint} in {@code face}, or null when none has it. */
    Choice choose(int codePoint, Face face) {
        return chosen.get(face).computeIfAbsent(codePoint, cp -> {
            for (Choice c : chains.get(face)) {
                if (c.has(cp)) {
                    return c;
                }
            }
            return null;
        });
    }

    /**
     * {@code text} as it can be drawn: tabs become spaces, other control characters are left out, and
     * a character no font has becomes {@code [U+XXXX]}.
     */
    public String printable(String text, Face face) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == '\t') {
                sb.append(' ');
            } else if (cp == '\n') {
                sb.append('\n');
            } else if (Character.isISOControl(cp)) {
                // nothing: a control character has no place on paper
            } else if (choose(cp, face) == null) {
                sb.append(String.format("[U+%04X]", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /** Width of one character in points. */
    float width(int codePoint, Face face, float size) {
        Choice c = choose(codePoint, face);
        return c == null ? 0 : c.advance(codePoint) * size / 1000f;
    }

    /** Width of printable text in points. */
    public float width(String text, Face face, float size) {
        float w = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            w += width(cp, face, size);
            i += Character.charCount(cp);
        }
        return w;
    }

    /** Printable text split into runs of one font each. */
    List<Run> runs(String text, Face face) {
        List<Run> out = new ArrayList<>();
        Choice current = null;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            Choice c = choose(cp, face);
            if (c == null) {
                continue;
            }
            if (c != current && !sb.isEmpty()) {
                out.add(new Run(current, sb.toString()));
                sb.setLength(0);
            }
            current = c;
            sb.appendCodePoint(cp);
        }
        if (!sb.isEmpty()) {
            out.add(new Run(current, sb.toString()));
        }
        return out;
    }

    /** The font for one hex digit in the mono face (key components are drawn digit by digit). */
    Choice monoDigits() {
        return choose('0', Face.MONO);
    }

    /** Closes the font files; call after the document is saved (subsetting reads them). */
    @Override
    public void close() {
        for (Closeable c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // a font file that does not close cleanly changes nothing in a saved document
            }
        }
        open.clear();
    }
}
