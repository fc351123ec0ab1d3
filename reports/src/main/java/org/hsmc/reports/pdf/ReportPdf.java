package org.hsmc.reports.pdf;

import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.graphics.state.RenderingMode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.BiFunction;

/**
 * A report as a flow of blocks (titles, headings, paragraphs, label/value fields, tables, signature
 * boxes) laid out on A4 pages with PDFBox, with a header on every page and a footer stamped on every
 * page once the page count is known ("page n of m").
 *
 * <p>The document lives in memory only (PDFBox's memory-only stream cache): nothing is written to a
 * temporary file, which matters for key component forms. {@link #finish} returns the PDF bytes and
 * releases everything.
 */
public final class ReportPdf implements AutoCloseable {

    /** A column of a table: its title, its share of the width and the face of its cells. */
    public record Column(String title, float weight, Fonts.Face face) {
        public static Column text(String title, float weight) {
            return new Column(title, weight, Fonts.Face.REGULAR);
        }

        public static Column mono(String title, float weight) {
            return new Column(title, weight, Fonts.Face.MONO);
        }
    }

    /** A label and its value; {@code face} is the value's face. */
    public record Field(String label, String value, Fonts.Face face) {
        public static Field text(String label, String value) {
            return new Field(label, value, Fonts.Face.REGULAR);
        }

        public static Field mono(String label, String value) {
            return new Field(label, value, Fonts.Face.MONO);
        }
    }

    /** A signature box: what the person signs as, and their name (blank: written by hand). */
    public record Signatory(String role, String name) {
    }

    /** The footer of one page: lines at the left (the last one in the mono face) and the page number at the right. */
    public record Footer(List<String> left, String monoLine, String right) {
    }

    static final float BODY = 9.5f;
    /** Hex values in label/value fields: a 64-digit hash and an audit head fit on one line. */
    static final float MONO_FIELD = 8.2f;
    static final float SMALL = 8f;
    static final float TABLE = 8f;
    static final float HEADING = 11.5f;
    static final float TITLE = 16f;
    private static final float FOOTER = 7f;
    private static final float LEFT = 48;
    private static final float RIGHT = 48;
    private static final float TOP = 62;
    private static final float BOTTOM = 64;
    private static final float PAD_X = 3;
    private static final float PAD_Y = 2.2f;
    private static final float[] GREY = {0.35f, 0.35f, 0.35f};
    private static final float[] RULE = {0.72f, 0.72f, 0.72f};
    private static final float[] HEADER_FILL = {0.90f, 0.91f, 0.93f};
    private static final float[] BLACK = {0, 0, 0};

    private final PDDocument doc;
    private final Fonts fonts;
    private final PDRectangle size;
    private final String headerLeft;
    private final String headerRight;
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream cs;
    private float y;
    /** A heading not drawn yet: it is drawn with the first part of the block that follows, so it never ends a page. */
    private String pendingHeading;

    /**
     * Starts a document.
     *
     * @param cjkFirst    true for a Chinese report
     * @param landscape   A4 landscape instead of portrait (wide tables)
     * @param headerLeft  at the top left of every page (the report's name)
     * @param headerRight at the top right of every page (when it was printed)
     */
    public ReportPdf(FontFiles files, boolean cjkFirst, boolean landscape, String headerLeft, String headerRight) {
        this.doc = new PDDocument(IOUtils.createMemoryOnlyStreamCache());
        try {
            this.fonts = Fonts.load(doc, files, cjkFirst);
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
        this.size = landscape ? new PDRectangle(PDRectangle.A4.getHeight(), PDRectangle.A4.getWidth()) : PDRectangle.A4;
        this.headerLeft = headerLeft;
        this.headerRight = headerRight;
    }

    /** The number of pages so far. */
    public int pages() {
        return pages.size();
    }

    /** The width between the margins, in points. */
    public float contentWidth() {
        return size.getWidth() - LEFT - RIGHT;
    }

    /** The fonts (to measure text). */
    public Fonts fonts() {
        return fonts;
    }

    // ------------------------------------------------------------------ pages

    /** Starts a new page (the header is drawn at once). */
    public void newPage() {
        try {
            if (cs != null) {
                cs.close();
            }
            PDPage page = new PDPage(size);
            doc.addPage(page);
            pages.add(page);
            cs = new PDPageContentStream(doc, page);
            y = size.getHeight() - TOP;
            float top = size.getHeight() - 34;
            text(LEFT, top, headerLeft, Fonts.Face.BOLD, SMALL, GREY);
            float w = fonts.width(fonts.printable(headerRight, Fonts.Face.REGULAR), Fonts.Face.REGULAR, SMALL);
            text(size.getWidth() - RIGHT - w, top, headerRight, Fonts.Face.REGULAR, SMALL, GREY);
            rule(LEFT, top - 5, size.getWidth() - RIGHT, 0.6f, RULE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void ensurePage() {
        if (cs == null) {
            newPage();
        }
    }

    /** Room left on this page, in points. */
    public float room() {
        ensurePage();
        return y - BOTTOM;
    }

    /** Starts a new page unless {@code points} fit on this one (after a heading waiting to be drawn). */
    public void need(float points) {
        flushHeading(points);
        if (room() < points) {
            newPage();
        }
    }

    /** Vertical space. */
    public void space(float points) {
        ensurePage();
        y -= points;
    }

    // ------------------------------------------------------------------ blocks

    /** The report's title. */
    public void title(String text) {
        block(text, Fonts.Face.BOLD, TITLE, BLACK, 4);
        space(4);
    }

    /**
     * A section heading. It is drawn with the first part of the next block (a table's header and first
     * row, a paragraph's first lines), on a new page if they do not fit together, so that no page ends
     * with a heading.
     */
    public void heading(String text) {
        flushHeading(0);
        pendingHeading = text;
    }

    private void flushHeading(float next) {
        if (pendingHeading == null) {
            return;
        }
        String text = pendingHeading;
        pendingHeading = null;
        int lines = TextWrap.lines(fonts, fonts.printable(text, Fonts.Face.BOLD), Fonts.Face.BOLD, HEADING, contentWidth()).size();
        float height = 8 + lines * HEADING * 1.35f + 6;
        if (room() < height + next) {
            newPage();
        }
        space(8);
        block(text, Fonts.Face.BOLD, HEADING, BLACK, 1);
        rule(LEFT, y + 2, LEFT + contentWidth(), 0.5f, RULE);
        space(5);
    }

    /** A paragraph of body text. */
    public void paragraph(String text) {
        block(text, Fonts.Face.REGULAR, BODY, BLACK, 3);
    }

    /** A paragraph in a given face, size and grey level. */
    public void paragraph(String text, Fonts.Face face, float pointSize, boolean grey) {
        block(text, face, pointSize, grey ? GREY : BLACK, 3);
    }

    /** A numbered list in {@code pointSize}, one paragraph per item, wrapped under its own text. */
    public void numbered(List<String> items, float pointSize) {
        float indent = 16;
        for (int i = 0; i < items.size(); i++) {
            String label = (i + 1) + ".";
            List<String> lines = TextWrap.lines(fonts, fonts.printable(items.get(i), Fonts.Face.REGULAR), Fonts.Face.REGULAR, pointSize,
                    contentWidth() - indent);
            float leading = pointSize * 1.32f;
            need(Math.min(lines.size(), i == 0 ? 2 : 3) * leading);
            for (int l = 0; l < lines.size(); l++) {
                need(leading);
                y -= leading;
                if (l == 0) {
                    text(LEFT, y + 2, label, Fonts.Face.BOLD, pointSize, BLACK);
                }
                text(LEFT + indent, y + 2, lines.get(l), Fonts.Face.REGULAR, pointSize, BLACK);
            }
            space(2.5f);
        }
    }

    private void block(String text, Fonts.Face face, float pointSize, float[] colour, float after) {
        ensurePage();
        float leading = pointSize * 1.35f;
        List<String> lines = TextWrap.lines(fonts, fonts.printable(text, face), face, pointSize, contentWidth());
        flushHeading(Math.min(lines.size(), 2) * leading);
        for (String line : lines) {
            need(leading);
            y -= leading;
            text(LEFT, y + pointSize * 0.25f, line, face, pointSize, colour);
        }
        space(after);
    }

    /** Label/value pairs in two columns, without rules. */
    public void fields(List<Field> fields) {
        float labelWidth = Math.min(contentWidth() * 0.27f, 150);
        List<Column> cols = List.of(new Column("", 0.27f, Fonts.Face.BOLD), new Column("", 0.73f, Fonts.Face.REGULAR));
        float[] widths = {labelWidth, contentWidth() - labelWidth};
        flushHeading(BODY * 1.3f * 2 + 2 * PAD_Y);
        for (Field f : fields) {
            row(cols, widths, new String[]{f.label(), f.value() == null ? "" : f.value()},
                    new Fonts.Face[]{Fonts.Face.BOLD, f.face()}, new float[]{BODY, f.face() == Fonts.Face.MONO ? MONO_FIELD : BODY}, false, null);
        }
        space(4);
    }

    /** A table with a header row, repeated on every page the table spans. */
    public void table(List<Column> columns, List<List<String>> rows) {
        ensurePage();
        float total = 0;
        for (Column c : columns) {
            total += c.weight();
        }
        float[] widths = new float[columns.size()];
        Fonts.Face[] faces = new Fonts.Face[columns.size()];
        Fonts.Face[] headerFaces = new Fonts.Face[columns.size()];
        String[] titles = new String[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = contentWidth() * columns.get(i).weight() / total;
            faces[i] = columns.get(i).face();
            headerFaces[i] = Fonts.Face.BOLD;
            titles[i] = columns.get(i).title();
        }
        fitHeaderWords(widths, titles);
        float[] sizes = new float[columns.size()];
        java.util.Arrays.fill(sizes, TABLE);
        Runnable header = () -> row(columns, widths, titles, headerFaces, sizes, true, null);
        float first = rows.isEmpty() ? 0 : rowHeight(widths, rows.getFirst().stream().map(s -> s == null ? "" : s).toArray(String[]::new),
                faces, TABLE);
        need(rowHeight(widths, titles, headerFaces, TABLE) + Math.min(first, TABLE * 1.3f * 4 + 2 * PAD_Y));
        header.run();
        for (List<String> r : rows) {
            row(columns, widths, r.stream().map(s -> s == null ? "" : s).toArray(String[]::new), faces, sizes, false, header);
        }
        space(6);
    }

    /**
     * Widens columns whose header has a word wider than the column ("Attempt" must not break into
     * "Attemp t"), taking the room from the columns that have it to spare.
     */
    private void fitHeaderWords(float[] widths, String[] titles) {
        float[] min = new float[widths.length];
        float deficit = 0;
        for (int i = 0; i < widths.length; i++) {
            for (String word : fonts.printable(titles[i], Fonts.Face.BOLD).split(" ")) {
                boolean wide = word.codePoints().anyMatch(TextWrap::isWide);
                float w = wide ? fonts.width(word.substring(0, word.offsetByCodePoints(0, Math.min(2, word.codePointCount(0, word.length())))),
                        Fonts.Face.BOLD, TABLE) : fonts.width(word, Fonts.Face.BOLD, TABLE);
                min[i] = Math.max(min[i], w + 2 * PAD_X + 1);
            }
            deficit += Math.max(0, min[i] - widths[i]);
        }
        if (deficit <= 0) {
            return;
        }
        float spare = 0;
        for (int i = 0; i < widths.length; i++) {
            spare += Math.max(0, widths[i] - min[i]);
        }
        if (spare < deficit) {
            return;
        }
        float share = deficit / spare;
        for (int i = 0; i < widths.length; i++) {
            widths[i] = widths[i] < min[i] ? min[i] : widths[i] - (widths[i] - min[i]) * share;
        }
    }

    private float rowHeight(float[] widths, String[] cells, Fonts.Face[] faces, float pointSize) {
        int lines = 1;
        for (int i = 0; i < cells.length; i++) {
            lines = Math.max(lines, TextWrap.lines(fonts, fonts.printable(cells[i], faces[i]), faces[i], pointSize,
                    widths[i] - 2 * PAD_X).size());
        }
        return lines * pointSize * 1.3f + 2 * PAD_Y;
    }

    /**
     * One row; when it does not fit, it continues on the next page (after the repeated header) with the
     * lines that are left.
     */
    private void row(List<Column> columns, float[] widths, String[] cells, Fonts.Face[] faces, float[] sizes, boolean isHeader,
                     Runnable headerOnNewPage) {
        ensurePage();
        float pointSize = 0;
        for (float s : sizes) {
            pointSize = Math.max(pointSize, s);
        }
        float leading = pointSize * 1.3f;
        List<List<String>> lines = new ArrayList<>();
        int height = 1;
        for (int i = 0; i < cells.length; i++) {
            List<String> l = TextWrap.lines(fonts, fonts.printable(cells[i], faces[i]), faces[i], sizes[i], widths[i] - 2 * PAD_X);
            lines.add(l);
            height = Math.max(height, l.size());
        }
        int from = 0;
        while (from < height) {
            int fit = (int) Math.floor((room() - 2 * PAD_Y) / leading);
            int left = height - from;
            boolean wholePageWouldNotDo = left * leading + 2 * PAD_Y > (size.getHeight() - TOP - BOTTOM) * 0.6f;
            if (fit < left && (fit < 2 || !wholePageWouldNotDo)) {
                newPage();
                if (headerOnNewPage != null) {
                    headerOnNewPage.run();
                }
                continue;
            }
            int take = Math.min(fit, left);
            float h = take * leading + 2 * PAD_Y;
            if (isHeader) {
                fill(LEFT, y - h, contentWidth(), h, HEADER_FILL);
            }
            float x = LEFT;
            for (int c = 0; c < cells.length; c++) {
                List<String> cl = lines.get(c);
                for (int k = 0; k < take && from + k < cl.size(); k++) {
                    text(x + PAD_X, y - PAD_Y - (k + 1) * leading + pointSize * 0.3f, cl.get(from + k), faces[c], sizes[c], BLACK);
                }
                x += widths[c];
            }
            y -= h;
            if (columns.stream().anyMatch(col -> !col.title().isEmpty())) {
                rule(LEFT, y, LEFT + contentWidth(), isHeader ? 0.7f : 0.35f, RULE);
            }
            from += take;
        }
    }

    private static final float SIGNATURE_ROW = 80;

    /** The height {@link #signatures} needs for {@code people} boxes. */
    public float signaturesHeight(int people) {
        return ((people + 1) / 2) * SIGNATURE_ROW;
    }

    /** The height of a page between header and footer. */
    public float pageHeight() {
        return size.getHeight() - TOP - BOTTOM;
    }

    /** Signature boxes, two to a row: role, name, a line to sign on and a line for the date. */
    public void signatures(List<Signatory> people, String signatureLabel, String dateLabel) {
        float gap = 22;
        float w = (contentWidth() - gap) / 2;
        float h = SIGNATURE_ROW;
        flushHeading(h);
        for (int i = 0; i < people.size(); i += 2) {
            need(h);
            for (int j = 0; j < 2 && i + j < people.size(); j++) {
                Signatory p = people.get(i + j);
                float x = LEFT + j * (w + gap);
                text(x, y - 10, fit(p.role(), Fonts.Face.REGULAR, SMALL, w), Fonts.Face.REGULAR, SMALL, GREY);
                text(x, y - 24, fit(p.name(), Fonts.Face.BOLD, BODY + 0.5f, w), Fonts.Face.BOLD, BODY + 0.5f, BLACK);
                float line = y - 52;
                rule(x, line, x + w * 0.64f, 0.6f, BLACK);
                rule(x + w * 0.70f, line, x + w, 0.6f, BLACK);
                text(x, line - 9, signatureLabel, Fonts.Face.REGULAR, SMALL - 1, GREY);
                text(x + w * 0.70f, line - 9, dateLabel, Fonts.Face.REGULAR, SMALL - 1, GREY);
            }
            y -= h;
        }
    }

    /** The first line of {@code text} as it fits in {@code width} (names on signature lines are short). */
    private String fit(String text, Fonts.Face face, float pointSize, float width) {
        List<String> l = TextWrap.lines(fonts, fonts.printable(text == null ? "" : text, face), face, pointSize, width);
        return l.isEmpty() ? "" : l.getFirst() + (l.size() > 1 ? " …" : "");
    }

    // ------------------------------------------------------------------ drawing

    /** The current position from the top of the page's content, for blocks drawn by hand. */
    public float y() {
        ensurePage();
        flushHeading(0);
        return y;
    }

    /** Moves the flow to {@code newY} (below blocks drawn by hand). */
    public void moveTo(float newY) {
        y = newY;
    }

    /** The left margin. */
    public float left() {
        return LEFT;
    }

    /** Draws one line of text at a point (already printable or not: it is made printable here). */
    public void text(float x, float baseline, String text, Fonts.Face face, float pointSize, float[] colour) {
        ensurePage();
        String printable = fonts.printable(text, face);
        try {
            float cx = x;
            for (Fonts.Run run : fonts.runs(printable, face)) {
                cs.beginText();
                cs.setNonStrokingColor(colour[0], colour[1], colour[2]);
                if (run.choice().fakeBold()) {
                    cs.setRenderingMode(RenderingMode.FILL_STROKE);
                    cs.setStrokingColor(colour[0], colour[1], colour[2]);
                    cs.setLineWidth(pointSize * 0.035f);
                } else {
                    cs.setRenderingMode(RenderingMode.FILL);
                }
                cs.setFont(run.choice().font(), pointSize);
                cs.newLineAtOffset(cx, baseline);
                cs.showText(run.text());
                cs.endText();
                cx += fonts.width(run.text(), face, pointSize);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Black text. */
    public void text(float x, float baseline, String text, Fonts.Face face, float pointSize) {
        text(x, baseline, text, face, pointSize, BLACK);
    }

    /** The hex digits 0–F, as constants: a key component is drawn digit by digit and never becomes a String. */
    private static final String[] HEX_DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"};

    /**
     * Draws {@code value} as upper-case hex in groups of four digits, {@code groupsPerLine} groups a
     * line, in the mono face. The digits are written one by one from the bytes; no text holding them
     * is ever made. Returns the baseline of the last line.
     */
    public float hexGroups(byte[] value, float x, float firstBaseline, float pointSize, int groupsPerLine, float lineGap) {
        ensurePage();
        Fonts.Choice mono = fonts.monoDigits();
        float digit = fonts.width('0', Fonts.Face.MONO, pointSize);
        float groupWidth = 4 * digit + digit * 1.4f;
        int digits = value.length * 2;
        int groups = (digits + 3) / 4;
        float baseline = firstBaseline;
        try {
            for (int g = 0; g < groups; g++) {
                int col = g % groupsPerLine;
                if (g > 0 && col == 0) {
                    baseline -= lineGap;
                }
                cs.beginText();
                cs.setNonStrokingColor(0f, 0f, 0f);
                cs.setRenderingMode(RenderingMode.FILL);
                cs.setFont(mono.font(), pointSize);
                cs.newLineAtOffset(x + col * groupWidth, baseline);
                for (int d = g * 4; d < Math.min(digits, g * 4 + 4); d++) {
                    int b = value[d / 2] & 0xFF;
                    cs.showText(HEX_DIGITS[d % 2 == 0 ? b >>> 4 : b & 0x0F]);
                }
                cs.endText();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return baseline;
    }

    /** The width {@link #hexGroups} needs for one line of {@code groups} groups. */
    public float hexLineWidth(int groups, float pointSize) {
        float digit = fonts.width('0', Fonts.Face.MONO, pointSize);
        return groups * (4 * digit + digit * 1.4f) - digit * 1.4f;
    }

    /** A rectangle outline. */
    public void frame(float x, float yBottom, float w, float h, float lineWidth, boolean dashed) {
        ensurePage();
        try {
            cs.setStrokingColor(0f, 0f, 0f);
            cs.setLineWidth(lineWidth);
            if (dashed) {
                cs.setLineDashPattern(new float[]{4, 3}, 0);
            }
            cs.addRect(x, yBottom, w, h);
            cs.stroke();
            if (dashed) {
                cs.setLineDashPattern(new float[]{}, 0);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A horizontal rule. */
    public void rule(float x1, float atY, float x2, float width, float[] colour) {
        ensurePage();
        try {
            cs.setStrokingColor(colour[0], colour[1], colour[2]);
            cs.setLineWidth(width);
            cs.moveTo(x1, atY);
            cs.lineTo(x2, atY);
            cs.stroke();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void fill(float x, float yBottom, float w, float h, float[] colour) {
        try {
            cs.setNonStrokingColor(colour[0], colour[1], colour[2]);
            cs.addRect(x, yBottom, w, h);
            cs.fill();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Grey, for captions drawn by hand. */
    public static float[] grey() {
        return GREY.clone();
    }

    // ------------------------------------------------------------------ the end

    /**
     * Stamps the footer on every page, attaches {@code attachment} (when not null) under
     * {@code attachmentName}, sets the document information, and returns the PDF.
     *
     * @param footer page number (1-based) and page count to the page's footer
     * @param info   document information: Title, Subject, Keywords, and custom entries
     */
    public byte[] finish(BiFunction<Integer, Integer, Footer> footer, String attachmentName, byte[] attachment,
                         Map<String, String> info, Instant printedAt) {
        ensurePage();
        flushHeading(0);
        try {
            cs.close();
            cs = null;
            int count = pages.size();
            for (int i = 0; i < count; i++) {
                Footer f = footer.apply(i + 1, count);
                try (PDPageContentStream s = new PDPageContentStream(doc, pages.get(i), PDPageContentStream.AppendMode.APPEND, true, true)) {
                    cs = s;
                    float base = BOTTOM - 22;
                    rule(LEFT, base + FOOTER + 4, size.getWidth() - RIGHT, 0.6f, RULE);
                    float lineY = base;
                    for (String l : f.left()) {
                        text(LEFT, lineY, l, Fonts.Face.REGULAR, FOOTER, GREY);
                        lineY -= FOOTER * 1.45f;
                    }
                    if (f.monoLine() != null) {
                        text(LEFT, lineY, f.monoLine(), Fonts.Face.MONO, FOOTER, GREY);
                    }
                    float w = fonts.width(fonts.printable(f.right(), Fonts.Face.BOLD), Fonts.Face.BOLD, FOOTER + 1);
                    text(size.getWidth() - RIGHT - w, base, f.right(), Fonts.Face.BOLD, FOOTER + 1, BLACK);
                } finally {
                    cs = null;
                }
            }
            if (attachment != null) {
                attach(attachmentName, attachment, printedAt);
            }
            PDDocumentInformation di = doc.getDocumentInformation();
            di.setProducer("HSM Ceremony Console (PDFBox)");
            di.setCreator("HSM Ceremony Console");
            Calendar when = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
            when.setTimeInMillis(printedAt.toEpochMilli());
            di.setCreationDate(when);
            for (Map.Entry<String, String> e : info.entrySet()) {
                switch (e.getKey()) {
                    case "Title" -> di.setTitle(e.getValue());
                    case "Subject" -> di.setSubject(e.getValue());
                    case "Keywords" -> di.setKeywords(e.getValue());
                    default -> di.setCustomMetadataValue(e.getKey(), e.getValue());
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("The PDF could not be made: " + e.getMessage(), e);
        } finally {
            close();
        }
    }

    private void attach(String name, byte[] bytes, Instant at) throws IOException {
        PDEmbeddedFile ef = new PDEmbeddedFile(doc, new ByteArrayInputStream(bytes));
        ef.setSubtype("application/json");
        ef.setSize(bytes.length);
        Calendar when = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        when.setTimeInMillis(at.toEpochMilli());
        ef.setCreationDate(when);
        PDComplexFileSpecification spec = new PDComplexFileSpecification();
        spec.setFile(name);
        spec.setFileUnicode(name);
        spec.setEmbeddedFile(ef);
        spec.setEmbeddedFileUnicode(ef);
        spec.setFileDescription("The facts of this report as canonical JSON (RFC 8785); its SHA-256 is the report hash.");
        PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
        tree.setNames(Map.of(name, spec));
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
        names.setEmbeddedFiles(tree);
        doc.getDocumentCatalog().setNames(names);
    }

    @Override
    public void close() {
        try {
            if (cs != null) {
                cs.close();
                cs = null;
            }
        } catch (IOException ignored) {
            // the document is being thrown away
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            doc.close();
        } catch (IOException ignored) {
            // memory only: nothing to clean up on disk
        }
        if (fonts != null) {
            fonts.close();
        }
    }
}
