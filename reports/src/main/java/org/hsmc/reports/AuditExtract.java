package org.hsmc.reports;

import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.reports.pdf.Fonts;
import org.hsmc.reports.pdf.ReportPdf;
import org.hsmc.reports.pdf.ReportPdf.Column;
import org.hsmc.reports.pdf.ReportPdf.Field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An audit extract: the entries of a date or sequence range exactly as recorded (with the start of
 * each entry's hash), the signed checkpoints among them, and the result of verifying the whole log
 * when the extract was made. A4 landscape.
 */
public final class AuditExtract {

    private AuditExtract() {
    }

    /** Renders with the fonts found on this machine. */
    public static RenderedReport render(AuditExtractData data, ReportLanguage language, Instant printedAt) {
        return render(data, language, printedAt, FontFiles.locate());
    }

    /** Renders the extract of {@code data} in {@code language}. */
    public static RenderedReport render(AuditExtractData data, ReportLanguage language, Instant printedAt, FontFiles fonts) {
        Texts t = new Texts(language);
        Labels l = new Labels(t);
        byte[] json = ReportJson.companion(ReportJson.AUDIT_EXTRACT, data);
        String name = t.get("extract.report");
        AuditExtractData.Range r = data.range();
        String identity = t.format("extract.identity", r.fromSeq(), Math.max(r.toSeq(), r.fromSeq() - 1));
        ReportPdf pdf = new ReportPdf(fonts, language == ReportLanguage.ZH, true, t.get("header.console") + " · " + name,
                Rendering.printed(t, printedAt));
        try {
            pdf.title(name);
            String asked = "DATE".equals(r.by())
                    ? t.format("extract.asked_dates", r.from().isEmpty() ? t.get("extract.open") : r.from(),
                    r.to().isEmpty() ? t.get("extract.open") : r.to())
                    : t.format("extract.asked_entries", r.from(), r.to());
            AuditExtractData.Verification v = data.verification();
            List<Field> fields = new ArrayList<>();
            fields.add(Field.text(t.get("extract.asked"), asked));
            fields.add(Field.text(t.get("extract.covered"), data.entries().isEmpty() ? t.get("extract.no_entries")
                    : t.format("extract.covered_value", r.fromSeq(), r.toSeq(), data.entries().size())));
            fields.add(Field.text(t.get("extract.verification"), v.intact() ? t.get("extract.intact")
                    : t.format("extract.not_intact", l.of(Labels.DAMAGE, v.damage()),
                    v.firstBadSeq() == null ? Labels.DASH : v.firstBadSeq().toString())));
            fields.add(Field.text(t.get("extract.checked"), t.format("extract.checked_value", v.entriesChecked(),
                    v.checkpointsVerified(), v.lastCheckpointSeq() == null ? Labels.DASH : v.lastCheckpointSeq().toString())));
            fields.add(Field.mono(t.get("extract.head"), Labels.dash(v.head())));
            fields.add(Field.text(t.get("extract.verifier_says"), v.message()));
            pdf.fields(fields);
            if (!v.intact()) {
                pdf.paragraph(t.get("extract.not_intact_warning"), Fonts.Face.BOLD, 10, false);
            }
            pdf.heading(t.get("extract.entries"));
            if (data.entries().isEmpty()) {
                pdf.paragraph(t.get("extract.no_entries"));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (AuditExtractData.Entry e : data.entries()) {
                    rows.add(List.of(Long.toString(e.seq()), Labels.time(e.at()), e.actor(), e.action(), l.of(Labels.OUTCOME_CODES, e.outcome()),
                            details(e.details()), e.hash().length() > 16 ? e.hash().substring(0, 16) + "…" : e.hash()));
                }
                pdf.table(List.of(Column.text(t.get("col.seq"), 0.7f), Column.text(t.get("col.time"), 2.0f),
                        Column.text(t.get("col.actor"), 1.3f), Column.text(t.get("col.action"), 2.1f),
                        Column.text(t.get("col.outcome"), 1.0f), Column.text(t.get("col.details"), 7.2f),
                        Column.mono(t.get("col.hash"), 1.9f)), rows);
                pdf.paragraph(t.get("extract.hash_caption"), Fonts.Face.REGULAR, 7.5f, true);
            }
            pdf.heading(t.get("extract.checkpoints"));
            if (data.checkpoints().isEmpty()) {
                pdf.paragraph(t.get("extract.no_checkpoints"));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (AuditExtractData.CheckpointMark c : data.checkpoints()) {
                    rows.add(List.of(Long.toString(c.seq()), Labels.time(c.at()), c.keyId()));
                }
                pdf.table(List.of(Column.text(t.get("col.seq"), 1f), Column.text(t.get("col.signed_at"), 2f),
                        Column.mono(t.get("col.audit_key"), 3f)), rows);
            }
            pdf.heading(t.get("extract.check"));
            pdf.paragraph(t.format("extract.check_text", ReportJson.sha256(json)));
            return Rendering.finish(pdf, t, ReportJson.AUDIT_EXTRACT, json, name, identity, name + " — " + identity, printedAt);
        } finally {
            pdf.close();
        }
    }

    private static String details(Map<String, String> details) {
        List<String> parts = new ArrayList<>();
        details.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? Labels.DASH : String.join("; ", parts);
    }
}
