package org.hsmc.reports;

import org.hsmc.ceremony.run.CeremonyConsole.ComponentDelivery;
import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.reports.pdf.Fonts;
import org.hsmc.reports.pdf.ReportPdf;
import org.hsmc.reports.pdf.ReportPdf.Field;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Key component forms: one page for one component and its custodian, printed during the
 * generate-zone-master-key ceremony from the {@link ComponentDelivery} the engine hands to the
 * console, and only there (no report command prints one: the store never holds a component). The
 * page shows the zone, the key id and version, "component i of K", the component in groups of four
 * upper-case hex digits, the component's KCV and the combined key's KCV, and how the sealed envelope
 * is handled and who may open it.
 *
 * <p>The component reaches nothing but the returned PDF: it is not copied, not logged, not written
 * to any file (PDFBox runs on its memory-only cache), never becomes a {@code String} (its digits are
 * drawn one by one from the bytes), and is not in the document information. The caller prints the
 * bytes, then wipes them ({@code Arrays.fill(pdf, (byte) 0)}); the engine wipes the component.
 */
public final class ComponentForms {

    private ComponentForms() {
    }

    /** Renders the form with the fonts found on this machine ({@link FontFiles#locate()}). */
    public static byte[] render(ComponentDelivery delivery, ReportLanguage language, Instant printedAt) {
        return render(delivery, language, printedAt, FontFiles.locate());
    }

    /**
     * Renders the form of {@code delivery}: one A4 page.
     *
     * @throws IllegalArgumentException when the delivery is not a component (no value, a number outside 1..K)
     */
    public static byte[] render(ComponentDelivery delivery, ReportLanguage language, Instant printedAt, FontFiles fonts) {
        return render(delivery, language, printedAt, fonts, false);
    }

    /** The form of a rehearsal (a demo home): REHEARSAL in the header of the page, so it cannot pass for a real one. */
    public static byte[] renderRehearsal(ComponentDelivery delivery, ReportLanguage language, Instant printedAt) {
        return render(delivery, language, printedAt, FontFiles.locate(), true);
    }

    private static byte[] render(ComponentDelivery delivery, ReportLanguage language, Instant printedAt, FontFiles fonts,
                                 boolean rehearsal) {
        byte[] value = delivery.value();
        if (value == null || value.length == 0 || value.length > 64) {
            throw new IllegalArgumentException("A key component form needs the component's bytes (1 to 64).");
        }
        if (delivery.index() < 1 || delivery.index() > delivery.count()) {
            throw new IllegalArgumentException("Component " + delivery.index() + " of " + delivery.count() + " does not exist.");
        }
        byte[] pdf = form(delivery, value, language, printedAt, fonts, false, rehearsal);
        return pdf != null ? pdf : form(delivery, value, language, printedAt, fonts, true, rehearsal);
    }

    /**
     * The form; null when it does not fit on one page and {@code compact} is false (a very long name):
     * it is then made again with smaller instructions.
     */
    private static byte[] form(ComponentDelivery delivery, byte[] value, ReportLanguage language, Instant printedAt, FontFiles fonts,
                               boolean compact, boolean rehearsal) {
        Texts t = new Texts(language);
        String of = t.format("component.number", delivery.index(), delivery.count());
        String name = t.get("form.name");
        ReportPdf pdf = new ReportPdf(fonts, language == ReportLanguage.ZH, false,
                (rehearsal ? t.get("header.rehearsal") + " · " : "") + t.get("header.console") + " · " + name, Rendering.printed(t, printedAt));
        try {
            pdf.newPage();
            pdf.paragraph(t.format("form.banner", delivery.holder()), Fonts.Face.BOLD, 10.5f, false);
            pdf.space(2);
            pdf.title(name);
            pdf.paragraph(t.format("form.subtitle", delivery.index(), delivery.count(), delivery.keyId()), Fonts.Face.BOLD, 13, false);
            pdf.space(4);
            pdf.fields(List.of(
                    Field.text(t.get("form.zone"), delivery.zone()),
                    Field.mono(t.get("form.key"), delivery.keyId()),
                    Field.text(t.get("form.version"), Integer.toString(delivery.version())),
                    Field.text(t.get("form.component"), of),
                    Field.text(t.get("form.holder"), delivery.holder()),
                    Field.mono(t.get("form.run"), delivery.runId())));

            pdf.heading(t.get("form.value"));
            float size = 15;
            int groups = (value.length * 2 + 3) / 4;
            int perLine = Math.min(8, groups);
            int lines = (groups + perLine - 1) / perLine;
            float lineGap = size * 1.8f;
            float boxHeight = lines * lineGap + size * 1.0f;
            pdf.need(boxHeight + 40);
            float top = pdf.y();
            float width = pdf.hexLineWidth(perLine, size);
            float x = pdf.left() + (pdf.contentWidth() - width) / 2;
            pdf.frame(pdf.left(), top - boxHeight, pdf.contentWidth(), boxHeight, 1.2f, false);
            pdf.hexGroups(value, x, top - size * 1.65f, size, perLine, lineGap);
            pdf.moveTo(top - boxHeight - 6);
            pdf.paragraph(t.format("form.value_caption", value.length * 2, value.length * 8), Fonts.Face.REGULAR, 7.5f, true);
            pdf.space(4);
            pdf.fields(List.of(Field.mono(t.get("form.component_kcv"), delivery.componentKcv()),
                    Field.mono(t.get("form.combined_kcv"), delivery.combinedKcv())));
            pdf.paragraph(t.get("form.kcv_caption"), Fonts.Face.REGULAR, 7.5f, true);

            pdf.heading(t.get("form.handling"));
            pdf.numbered(List.of(
                    t.format("form.rule_only_holder", delivery.index(), delivery.count(), delivery.keyId(), delivery.holder()),
                    t.format("form.rule_envelope", delivery.holder()),
                    t.format("form.rule_who_opens", delivery.holder(), delivery.zone(), delivery.keyId()),
                    t.format("form.rule_kcv", delivery.componentKcv(), delivery.combinedKcv()),
                    t.get("form.rule_never_copy"),
                    t.format("form.rule_destroy", delivery.keyId())), compact ? 7.5f : 9f);
            pdf.space(2);
            pdf.fields(List.of(Field.text(t.get("form.envelope"), "______________________________")));
            pdf.signatures(List.of(new ReportPdf.Signatory(t.get("form.sign_holder"), delivery.holder()),
                    new ReportPdf.Signatory(t.get("form.sign_witness"), "")), t.get("signature.sign"), t.get("signature.date"));
            if (pdf.pages() > 1 && !compact) {
                return null;
            }
            String identity = t.format("form.identity", delivery.keyId(), delivery.index(), delivery.count());
            return pdf.finish((n, m) -> new ReportPdf.Footer(List.of(t.format("footer.identity", name, identity)),
                            t.format("form.footer_run", delivery.runId()), t.format("footer.page", n, m)),
                    null, null, Map.of("Title", name + " · " + delivery.keyId() + " · " + of,
                            "Subject", t.format("form.identity", delivery.keyId(), delivery.index(), delivery.count()), Rendering.INFO_KIND, "key-component-form",
                            Rendering.INFO_LANGUAGE, language.code(), Rendering.INFO_PRINTED_AT, printedAt.toString()), printedAt);
        } finally {
            pdf.close();
        }
    }
}
