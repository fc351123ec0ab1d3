package org.hsmc.reports;

import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.reports.pdf.Fonts;
import org.hsmc.reports.pdf.ReportPdf;
import org.hsmc.reports.pdf.ReportPdf.Column;
import org.hsmc.reports.pdf.ReportPdf.Field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ceremony report of one run, for every kind of ceremony: what was run (id, type, the script's
 * SHA-256, site, times), who took part (role, card serial), every step attempt with its time and
 * result, the keys created or changed (KCV, version), the bundles (sequence number, SHA-256), the
 * audit chain head before and after, and signature lines for the operator, every custodian, the
 * witnesses and the auditor. Every page carries "page n of m", the run id and the report hash.
 */
public final class CeremonyReport {

    private static final java.util.regex.Pattern COMPONENT_NO = java.util.regex.Pattern.compile("(\\d{1,2}) of (\\d{1,2})");

    private final CeremonyReportData d;
    private final Texts t;
    private final Labels l;
    private final ReportPdf pdf;

    /** The domain's words: step names in the report's language. */
    private final org.hsmc.ceremony.i18n.Words stepWords;

    private CeremonyReport(CeremonyReportData d, Texts t, ReportPdf pdf) {
        this.d = d;
        this.t = t;
        this.l = new Labels(t);
        this.pdf = pdf;
        this.stepWords = org.hsmc.ceremony.i18n.Words.of(t.language().locale());
    }

    /** Renders with the fonts found on this machine ({@link FontFiles#locate()}). */
    public static RenderedReport render(CeremonyReportData data, ReportLanguage language, Instant printedAt) {
        return render(data, language, printedAt, FontFiles.locate());
    }

    /**
     * Renders the report of {@code data} in {@code language}; {@code printedAt} is printed in the
     * header of every page.
     */
    /**
     * A run of a rehearsal: its PINs came from a rehearsal file, or it ran in a demo home (whose site is "demo …", or
     * names itself a rehearsal). Every page of its report says REHEARSAL in the header.
     */
    static boolean rehearsal(CeremonyReportData.Run run) {
        String site = run.site() == null ? "" : run.site().toLowerCase(java.util.Locale.ROOT);
        return run.rehearsalPins() || site.startsWith("demo ") || site.contains("rehearsal");
    }

    public static RenderedReport render(CeremonyReportData data, ReportLanguage language, Instant printedAt, FontFiles fonts) {
        Texts t = new Texts(language);
        byte[] json = ReportJson.companion(ReportJson.CEREMONY, data);
        String name = t.get("ceremony.report");
        ReportPdf pdf = new ReportPdf(fonts, language == ReportLanguage.ZH, false,
                (rehearsal(data.run()) ? t.get("header.rehearsal") + " · " : "") + t.get("header.console") + " · " + name,
                Rendering.printed(t, printedAt));
        try {
            new CeremonyReport(data, t, pdf).body(ReportJson.sha256(json));
            return Rendering.finish(pdf, t, ReportJson.CEREMONY, json, name, t.format("ceremony.identity", data.run().id()),
                    name + " — " + data.run().title(), printedAt);
        } finally {
            pdf.close();
        }
    }

    private void body(String hash) {
        CeremonyReportData.Run r = d.run();
        pdf.title(t.get("ceremony.report"));
        pdf.paragraph(r.title(), Fonts.Face.BOLD, 12, false);
        pdf.space(4);
        List<Field> fields = new ArrayList<>();
        fields.add(Field.mono(t.get("ceremony.id"), r.id()));
        fields.add(Field.text(t.get("ceremony.type"), l.of(Labels.TYPES, r.type()) + " (" + r.type() + ")"));
        fields.add(Field.text(t.get("ceremony.script"), r.source()));
        fields.add(Field.mono(t.get("ceremony.script_sha256"), r.scriptSha256()));
        fields.add(Field.text(t.get("ceremony.printed_script"), t.format("ceremony.printed_script_value",
                r.scriptSha256() == null ? "-" : PrintedScript.groups(java.util.HexFormat.of().parseHex(r.scriptSha256())))));
        fields.add(Field.text(t.get("ceremony.site"), r.site()));
        fields.add(Field.text(t.get("ceremony.operator"), r.operator()));
        fields.add(Field.text(t.get("ceremony.state"), l.of(Labels.STATES, r.state())));
        fields.add(Field.text(t.get("ceremony.started"), Labels.time(r.startedAt())));
        fields.add(Field.text(t.get("ceremony.ended"), r.endedAt() == null ? t.get("ceremony.not_ended") : Labels.time(r.endedAt())));
        if (r.failure() != null) {
            fields.add(Field.text(t.get("ceremony.failure"), r.failure()));
        }
        fields.add(Field.text(t.get("ceremony.pins"), r.rehearsalPins() ? t.get("ceremony.pins_rehearsal") : t.get("ceremony.pins_typed")));
        fields.add(Field.text(t.get("ceremony.witnesses"), r.witnesses().isEmpty() ? t.get("ceremony.none") : String.join(", ", r.witnesses())));
        int deviations = d.auditorRecord().deviations().size();
        fields.add(Field.text(t.get("ceremony.deviations_count"), deviations == 0 ? t.get("ceremony.no_deviations")
                : t.format("ceremony.deviations_n", deviations)));
        pdf.fields(fields);
        if (r.rehearsalPins()) {
            pdf.paragraph(t.get("ceremony.rehearsal_warning"), Fonts.Face.BOLD, 9.5f, false);
        }
        if (r.notes() != null) {
            pdf.heading(t.get("ceremony.notes"));
            pdf.paragraph(r.notes());
        }
        identity();
        participants();
        steps();
        keys();
        components();
        bundles();
        trustAnchors();
        deviations();
        auditChain(hash);
        signatures();
    }

    private void participants() {
        pdf.heading(t.get("ceremony.participants"));
        if (d.participants().isEmpty()) {
            pdf.paragraph(t.get("ceremony.no_participants"));
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (CeremonyReportData.Participant p : d.participants()) {
                List<String> part = new ArrayList<>();
                if (p.name().equals(d.run().operator())) {
                    part.add(t.get("participant.operator"));
                }
                for (String at : p.approvedAt()) {
                    part.add(t.format("participant.approved", Labels.time(at)));
                }
                if (p.enrolled()) {
                    part.add(t.get("participant.enrolled"));
                }
                for (String at : p.checkedAt()) {
                    part.add(t.format("participant.checked", Labels.time(at)));
                }
                for (String c : p.components()) {
                    java.util.regex.Matcher m = COMPONENT_NO.matcher(c);
                    part.add(t.format("participant.component", m.matches()
                            ? t.format("component.number", Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))) : c));
                }
                rows.add(List.of(p.name(), l.of(Labels.ROLES, p.role()), Labels.dash(p.cardSerial()), String.join(t.get("list.separator"), part)));
            }
            pdf.table(List.of(Column.text(t.get("col.name"), 2.2f), Column.text(t.get("col.role"), 2f),
                    Column.mono(t.get("col.card_serial"), 2.3f), Column.text(t.get("col.part"), 4.2f)), rows);
        }
        if (!d.refusals().isEmpty()) {
            pdf.heading(t.get("ceremony.refusals"));
            List<List<String>> rows = new ArrayList<>();
            for (CeremonyReportData.Refusal f : d.refusals()) {
                rows.add(List.of(Labels.time(f.at()), Labels.dash(f.actor()), Labels.dash(f.cardSerial()), Labels.dash(f.kind()),
                        Labels.dash(f.message())));
            }
            pdf.table(List.of(Column.text(t.get("col.time"), 2.2f), Column.text(t.get("col.who"), 1.4f),
                    Column.mono(t.get("col.card_serial"), 2.2f), Column.text(t.get("col.refusal"), 1.8f),
                    Column.text(t.get("col.message"), 4.5f)), rows);
        }
    }

    private void steps() {
        pdf.heading(t.get("ceremony.steps"));
        if (d.steps().isEmpty()) {
            pdf.paragraph(t.get("ceremony.no_steps"));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (CeremonyReportData.StepAttempt s : d.steps()) {
            rows.add(List.of(Integer.toString(s.step()), stepWords.stepName(s.name()), Integer.toString(s.attempt()), Labels.time(s.startedAt()),
                    Labels.time(s.endedAt()), l.of(Labels.OUTCOMES, s.outcome()), Labels.dash(s.result())));
        }
        pdf.table(List.of(Column.text("#", 0.45f), Column.text(t.get("col.step"), 3.0f), Column.text(t.get("col.attempt"), 1.05f),
                Column.text(t.get("col.started"), 1.75f), Column.text(t.get("col.ended"), 1.75f),
                Column.text(t.get("col.outcome"), 1.1f), Column.text(t.get("col.result"), 3.2f)), rows);
    }

    private void keys() {
        pdf.heading(t.get("ceremony.keys"));
        if (d.keys().isEmpty()) {
            pdf.paragraph(t.get("ceremony.no_keys"));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (CeremonyReportData.KeyChange k : d.keys()) {
            rows.add(List.of(k.id(), l.of(Labels.KINDS, k.kind()), Labels.dash(k.version()), Labels.dash(k.kcv()),
                    l.of(Labels.CHANGES, k.change()), detail(k)));
        }
        pdf.table(List.of(Column.mono(t.get("col.key"), 2.5f), Column.text(t.get("col.kind"), 1.6f),
                Column.text(t.get("col.version"), 1.05f), Column.mono(t.get("col.kcv"), 1.5f), Column.text(t.get("col.change"), 1.3f),
                Column.text(t.get("col.details"), 4.0f)), rows);
        pdf.paragraph(t.get("ceremony.kcv_rule"), Fonts.Face.REGULAR, 7.5f, true);
    }

    /** The details column of a key change, from its fields. */
    private String detail(CeremonyReportData.KeyChange k) {
        List<String> parts = new ArrayList<>();
        if (k.algorithm() != null) {
            parts.add(k.algorithm());
        }
        switch (k.kind() + "/" + k.change()) {
            case "LMK/CREATED" -> parts.add(t.format("detail.status", l.of(Labels.STATUSES, k.reason())));
            case "LMK/ACTIVATED" -> parts.add(t.format("detail.lmk_activated", Labels.dash(k.related()), Labels.dash(k.reason())));
            case "LMK/RETIRED" -> parts.add(t.format("detail.lmk_retired", Labels.dash(k.related())));
            case "ZMK/CREATED", "ZMK/IMPORTED" -> parts.add(t.format("detail.zmk", Labels.dash(k.reason()), Labels.dash(k.related())));
            case "WORKING_KEY/CREATED" -> {
                parts.add(t.format("detail.validity", Labels.time(k.validFrom()), Labels.time(k.validUntil())));
                if (k.reason() != null) {
                    parts.add(t.format("detail.key_count", k.reason()));
                }
            }
            case "WORKING_KEY/SUPERSEDED" -> parts.add(t.format("detail.superseded", Labels.dash(k.related()), Labels.time(k.validUntil())));
            case "WORKING_KEY/REVOKED", "ZONE/REVOKED" -> parts.add(t.format("detail.revoked", Labels.dash(k.related()), Labels.dash(k.reason())));
            case "ZONE/REGISTERED" -> parts.add(t.format("detail.zone", Labels.dash(k.related())));
            case "BUNDLE_SIGNER/CREATED" -> parts.add(t.format("detail.certificate", Labels.dash(k.related()), Labels.dash(k.reason()),
                    Labels.time(k.validUntil())));
            case "AUDIT_SIGNER/REGISTERED" -> parts.add(t.format("detail.public_key", Labels.dash(k.related())));
            case "CARD/REVOKED" -> parts.add(t.format("detail.card_revoked", Labels.dash(k.related()), Labels.dash(k.reason())));
            case "CARD/UNBLOCKED" -> parts.add(t.format("detail.card_unblocked", Labels.dash(k.related())));
            case "CARD_SET/ROTATED" -> parts.add(t.format("detail.credential_rotated", Labels.dash(k.related())));
            case "ROLE_RULE/CHANGED" -> parts.add(t.format("detail.role_rule", Labels.dash(k.related()), Labels.dash(k.reason())));
            default -> {
                if (k.validFrom() != null || k.validUntil() != null) {
                    parts.add(t.format("detail.validity", Labels.time(k.validFrom()), Labels.time(k.validUntil())));
                }
                if (k.related() != null) {
                    parts.add(k.related());
                }
                if (k.reason() != null) {
                    parts.add(k.reason());
                }
            }
        }
        return parts.isEmpty() ? Labels.DASH : String.join(t.get("list.separator"), parts);
    }

    private void components() {
        if (d.components().isEmpty()) {
            return;
        }
        pdf.heading(t.get("ceremony.components"));
        List<List<String>> rows = new ArrayList<>();
        for (CeremonyReportData.Component c : d.components()) {
            String number = c.count() == null ? Integer.toString(c.number()) : t.format("component.number", c.number(), c.count());
            rows.add(List.of(c.keyId(), number, Labels.dash(c.holder()), Labels.dash(c.kcv()),
                    l.of(Labels.COMPONENT_EVENTS, c.event()) + (c.reason() == null ? "" : ": " + c.reason()), Labels.time(c.at())));
        }
        pdf.table(List.of(Column.mono(t.get("col.key"), 2.2f), Column.text(t.get("col.component"), 1.5f),
                Column.text(t.get("col.holder"), 1.4f), Column.mono(t.get("col.kcv"), 1.5f), Column.text(t.get("col.event"), 2.6f),
                Column.text(t.get("col.time"), 2.0f)), rows);
        pdf.paragraph(t.get("ceremony.components_note"), Fonts.Face.REGULAR, 7.5f, true);
    }

    /** The HSM and the console that did the work (issue 17, point 6). */
    private void identity() {
        pdf.heading(t.get("ceremony.identity_heading"));
        AuditorRecord.Identity i = d.auditorRecord().identity();
        if (i == null) {
            pdf.paragraph(t.get("ceremony.identity_none"));
            return;
        }
        pdf.fields(List.of(
                Field.text(t.get("identity.token"), Labels.dash(i.tokenManufacturer()) + " " + Labels.dash(i.tokenModel())
                        + " · " + t.format("identity.label", Labels.dash(i.tokenLabel()))),
                Field.mono(t.get("identity.serial"), Labels.dash(i.tokenSerial())),
                Field.text(t.get("identity.firmware"), t.format("identity.versions", Labels.dash(i.tokenFirmware()),
                        Labels.dash(i.tokenHardware()))),
                Field.text(t.get("identity.library_info"), Labels.dash(i.libraryManufacturer()) + " · " + Labels.dash(i.libraryDescription())
                        + " " + Labels.dash(i.libraryVersion()) + " · Cryptoki " + Labels.dash(i.cryptokiVersion())),
                Field.mono(t.get("identity.library"), Labels.dash(i.library())),
                Field.text(t.get("identity.console"), Labels.dash(i.consoleVersion()) + " · " + Labels.dash(i.consoleBuild())),
                Field.text(t.get("identity.recorded"), Labels.time(i.at()))));
    }

    /** Deviations from the script, as written down during (or after) the run (point 4). */
    private void deviations() {
        pdf.heading(t.get("ceremony.deviations"));
        List<AuditorRecord.Deviation> all = d.auditorRecord().deviations();
        if (all.isEmpty()) {
            pdf.paragraph(t.get("ceremony.no_deviations"));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (AuditorRecord.Deviation v : all) {
            rows.add(List.of(Labels.time(v.at()), v.step() == 0 ? "-" : Integer.toString(v.step()), Labels.dash(v.what()),
                    Labels.dash(v.instead()), Labels.dash(v.recordedBy())));
        }
        pdf.table(List.of(Column.text(t.get("col.time"), 1.3f), Column.text(t.get("col.step"), 0.5f),
                Column.text(t.get("col.what_happened"), 2.6f), Column.text(t.get("col.instead"), 2.6f),
                Column.text(t.get("col.who"), 1.1f)), rows);
    }

    /** Fingerprints an auditor or a node compares out of band, and what each covers (point 12). */
    private void trustAnchors() {
        List<AuditorRecord.TrustAnchor> anchors = d.auditorRecord().trustAnchors();
        if (anchors.isEmpty()) {
            return;
        }
        pdf.heading(t.get("ceremony.anchors"));
        List<List<String>> rows = new ArrayList<>();
        for (AuditorRecord.TrustAnchor a : anchors) {
            boolean cert = "CONSOLE_CERTIFICATE".equals(a.kind());
            rows.add(List.of(cert ? t.get("anchor.certificate") : t.get("anchor.audit_key"), Labels.dash(a.keyId()),
                    Labels.dash(a.sha256()), cert ? t.get("anchor.certificate_covers") : t.get("anchor.audit_key_covers")));
        }
        pdf.table(List.of(Column.text(t.get("col.kind"), 1.4f), Column.mono(t.get("col.key"), 1.3f),
                Column.mono(t.get("col.sha256"), 3.4f), Column.text(t.get("col.covers"), 2.6f)), rows);
        pdf.paragraph(t.get("ceremony.anchors_note"), Fonts.Face.REGULAR, 7.5f, true);
    }

    private void bundles() {
        pdf.heading(t.get("ceremony.bundles"));
        if (d.bundles().isEmpty()) {
            pdf.paragraph(t.get("ceremony.no_bundles"));
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (CeremonyReportData.Bundle b : d.bundles()) {
            rows.add(List.of(Labels.dash(b.zone()), Labels.dash(b.sequence()), Labels.dash(b.sha256()),
                    t.format("bundle.contents", Labels.dash(b.keys()), Labels.dash(b.revocations())),
                    Labels.dash(b.file()), Labels.time(b.expiresAt())));
        }
        pdf.table(List.of(Column.text(t.get("col.zone"), 0.9f), Column.text(t.get("col.sequence"), 0.9f),
                Column.mono(t.get("col.sha256"), 3.4f), Column.text(t.get("col.contents"), 1.5f), Column.text(t.get("col.file"), 1.9f),
                Column.text(t.get("col.expires"), 1.4f)), rows);
        pdf.paragraph(t.get("ceremony.bundles_note"), Fonts.Face.REGULAR, 7.5f, true);
        List<AuditorRecord.ExportedKey> exported = d.auditorRecord().exportedKeys();
        if (!exported.isEmpty()) {
            pdf.heading(t.get("ceremony.exported_keys"));
            List<List<String>> keyRows = new ArrayList<>();
            for (AuditorRecord.ExportedKey k : exported) {
                keyRows.add(List.of(k.zone() + " #" + k.sequence(), Labels.dash(k.keyId()), Labels.dash(k.kcv()),
                        Labels.dash(k.wrappingKey()) + " · " + Labels.dash(k.wrappingKcv())));
            }
            pdf.table(List.of(Column.text(t.get("col.bundle"), 1.1f), Column.mono(t.get("col.key"), 2.4f), Column.mono(t.get("col.kcv"), 1.3f),
                    Column.mono(t.get("col.wrapped_under"), 2.6f)), keyRows);
            pdf.paragraph(t.get("ceremony.exported_keys_note"), Fonts.Face.REGULAR, 7.5f, true);
        }
    }

    private void auditChain(String hash) {
        pdf.heading(t.get("ceremony.audit"));
        pdf.fields(List.of(Field.mono(t.get("audit.head_before"), d.audit().headBefore()),
                Field.mono(t.get("audit.head_after"), d.audit().headAfter() == null ? t.get("ceremony.not_ended") : d.audit().headAfter())));
        if (d.audit().headAfter() != null) {
            pdf.paragraph(t.format("ceremony.audit_check", d.audit().headAfter()));
        }
        pdf.paragraph(t.format("ceremony.hash_explained", hash));
    }

    private void signatures() {
        float all = pdf.signaturesHeight(d.signatures().size()) + 70;
        if (all <= pdf.pageHeight()) {
            pdf.need(all);
        }
        pdf.heading(t.get("ceremony.signatures"));
        pdf.paragraph(t.get("ceremony.signatures_intro"));
        pdf.space(4);
        List<ReportPdf.Signatory> people = new ArrayList<>();
        for (CeremonyReportData.SignatureLine s : d.signatures()) {
            people.add(new ReportPdf.Signatory(l.of(Labels.ROLES, s.role()), s.name()));
        }
        pdf.signatures(people, t.get("signature.sign"), t.get("signature.date"));
    }
}
