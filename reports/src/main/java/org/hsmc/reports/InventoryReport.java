package org.hsmc.reports;

import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.reports.pdf.Fonts;
import org.hsmc.reports.pdf.ReportPdf;
import org.hsmc.reports.pdf.ReportPdf.Column;
import org.hsmc.reports.pdf.ReportPdf.Field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The key inventory report: the LMK versions, then each zone with its zone keys and working keys
 * (KCVs, versions, validity and expiry dates, status), and the keys due for rotation. No key
 * material, only KCVs. A4 landscape.
 */
public final class InventoryReport {

    private InventoryReport() {
    }

    /** Renders with the fonts found on this machine. */
    public static RenderedReport render(InventoryData data, ReportLanguage language, Instant printedAt) {
        return render(data, language, printedAt, FontFiles.locate());
    }

    /** Renders the inventory of {@code data} in {@code language}. */
    public static RenderedReport render(InventoryData data, ReportLanguage language, Instant printedAt, FontFiles fonts) {
        Texts t = new Texts(language);
        Labels l = new Labels(t);
        byte[] json = ReportJson.companion(ReportJson.INVENTORY, data);
        String name = t.get("inventory.report");
        String identity = t.format("inventory.identity", Labels.time(data.asOf()));
        Set<String> due = data.due().stream().map(InventoryData.DueKey::id).collect(Collectors.toSet());
        ReportPdf pdf = new ReportPdf(fonts, language == ReportLanguage.ZH, true, t.get("header.console") + " · " + name,
                Rendering.printed(t, printedAt));
        try {
            pdf.title(name);
            int workingKeys = data.zones().stream().mapToInt(z -> z.workingKeys().size()).sum();
            pdf.fields(List.of(Field.text(t.get("inventory.as_of"), Labels.time(data.asOf())),
                    Field.mono(t.get("inventory.audit_head"), data.auditHead()),
                    Field.text(t.get("inventory.window"), t.format("inventory.window_value", data.dueWithinDays())),
                    Field.text(t.get("inventory.counts"), t.format("inventory.counts_value", data.masterKeys().size(), data.zones().size(),
                            workingKeys, data.due().size()))));

            pdf.heading(t.get("inventory.master_keys"));
            if (data.masterKeys().isEmpty()) {
                pdf.paragraph(t.get("inventory.no_master_keys"));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (InventoryData.MasterKeyRow m : data.masterKeys()) {
                    rows.add(List.of(m.label(), Integer.toString(m.version()), m.kcv(), l.of(Labels.STATUSES, m.status()),
                            Labels.time(m.createdAt()), Labels.time(m.retiredAt())));
                }
                pdf.table(List.of(Column.mono(t.get("col.key"), 2f), Column.text(t.get("col.version"), 1f), Column.mono(t.get("col.kcv"), 1.6f),
                        Column.text(t.get("col.status"), 1.3f), Column.text(t.get("col.created"), 2f), Column.text(t.get("col.retired"), 2f)), rows);
            }

            pdf.heading(t.get("inventory.due"));
            if (data.due().isEmpty()) {
                pdf.paragraph(t.format("inventory.none_due", data.dueWithinDays()));
            } else {
                List<List<String>> rows = new ArrayList<>();
                for (InventoryData.DueKey k : data.due()) {
                    rows.add(List.of(k.id(), k.zone(), Labels.time(k.validUntil()), k.daysLeft() < 0 ? t.format("inventory.overdue", -k.daysLeft())
                            : t.format("inventory.days_left", k.daysLeft())));
                }
                pdf.table(List.of(Column.mono(t.get("col.key"), 3f), Column.text(t.get("col.zone"), 1.5f),
                        Column.text(t.get("col.valid_until"), 2f), Column.text(t.get("col.days_left"), 1.5f)), rows);
            }

            if (data.zones().isEmpty()) {
                pdf.heading(t.get("inventory.zones"));
                pdf.paragraph(t.get("inventory.no_zones"));
            }
            for (InventoryData.ZoneSection z : data.zones()) {
                pdf.heading(t.format("inventory.zone", z.id(), z.name(), l.of(Labels.STATUSES, z.status())));
                if (z.revokedAt() != null) {
                    pdf.paragraph(t.format("inventory.zone_revoked", Labels.time(z.revokedAt()), Labels.dash(z.revokeReason())),
                            Fonts.Face.BOLD, 9, false);
                }
                if (z.zoneKeys().isEmpty()) {
                    pdf.paragraph(t.get("inventory.no_zone_keys"));
                } else {
                    List<List<String>> rows = new ArrayList<>();
                    for (InventoryData.ZoneKeyRow k : z.zoneKeys()) {
                        rows.add(List.of(k.id(), l.of(Labels.KINDS, k.kind()), Integer.toString(k.version()), k.kcv(),
                                l.of(Labels.STATUSES, k.status()), Labels.dash(k.components()), Labels.time(k.createdAt())));
                    }
                    pdf.table(List.of(Column.mono(t.get("col.zone_key"), 2.2f), Column.text(t.get("col.kind"), 1.8f),
                            Column.text(t.get("col.version"), 0.9f), Column.mono(t.get("col.kcv"), 1.6f),
                            Column.text(t.get("col.status"), 1.2f), Column.text(t.get("col.components"), 1.1f),
                            Column.text(t.get("col.created"), 2f)), rows);
                }
                if (z.workingKeys().isEmpty()) {
                    pdf.paragraph(t.get("inventory.no_working_keys"));
                    continue;
                }
                List<List<String>> rows = new ArrayList<>();
                for (InventoryData.WorkingKeyRow k : z.workingKeys()) {
                    List<String> notes = new ArrayList<>();
                    notes.add(l.of(Labels.CONDITIONS, k.condition()));
                    if (due.contains(k.id())) {
                        notes.add(t.get("inventory.is_due"));
                    }
                    if (k.supersededBy() != null) {
                        notes.add(t.format("inventory.superseded_by", k.supersededBy()));
                    }
                    if (k.revokedAt() != null) {
                        notes.add(t.format("inventory.revoked_note", Labels.time(k.revokedAt()), Labels.dash(k.revokeReason())));
                    }
                    rows.add(List.of(k.id(), k.purpose(), k.algorithm(), Integer.toString(k.version()), k.kcv(), Labels.time(k.validFrom()),
                            Labels.time(k.validUntil()), l.of(Labels.STATUSES, k.status()), String.join(t.get("list.separator"), notes)));
                }
                pdf.table(List.of(Column.mono(t.get("col.key"), 2.2f), Column.text(t.get("col.purpose"), 0.85f),
                        Column.text(t.get("col.algorithm"), 1.05f), Column.text(t.get("col.version"), 0.8f),
                        Column.mono(t.get("col.kcv"), 1.35f), Column.text(t.get("col.valid_from"), 1.95f),
                        Column.text(t.get("col.valid_until"), 1.95f), Column.text(t.get("col.status"), 0.9f),
                        Column.text(t.get("col.notes"), 3.2f)), rows);
            }
            pdf.heading(t.get("inventory.check"));
            pdf.paragraph(t.format("inventory.check_text", ReportJson.sha256(json)));
            pdf.paragraph(t.get("ceremony.kcv_rule"), Fonts.Face.REGULAR, 7.5f, true);
            return Rendering.finish(pdf, t, ReportJson.INVENTORY, json, name, identity, name + " — " + identity, printedAt);
        } finally {
            pdf.close();
        }
    }
}
