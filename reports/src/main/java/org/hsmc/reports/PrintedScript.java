package org.hsmc.reports;

import org.hsmc.reports.pdf.FontFiles;
import org.hsmc.reports.pdf.Fonts;
import org.hsmc.reports.pdf.ReportPdf;
import org.hsmc.reports.pdf.ReportPdf.Column;
import org.hsmc.reports.pdf.ReportPdf.Field;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ceremony script printed before the ceremony ({@code hsmc script print}): a cover with the title,
 * site, ceremony type and the planned participants with their roles; the script's SHA-256 in groups of
 * four and in a spoken form to read aloud; every step the run will take, in order, with a box to tick,
 * Initials and Time columns and what the step is expected to produce; the hash in every page footer,
 * and REHEARSAL on every page for a rehearsal site. The script itself is attached ({@value #ATTACHMENT}).
 * The run's report names the printed script by the same hash.
 */
public final class PrintedScript {

    /** The attachment holding the script's bytes. */
    public static final String ATTACHMENT = "script.yaml";

    /**
     * What is printed.
     *
     * @param scriptSha256 the script's SHA-256 (as the run records it)
     * @param participants the planned participants: name and role (OPERATOR, WITNESS, SECURITY_OFFICER …)
     * @param steps        the steps the run will take, in order, as the run will journal them
     */
    public record Plan(String title, String type, String site, boolean rehearsal, String sourceName, byte[] scriptSha256,
                       List<String[]> participants, List<String> steps, byte[] script) {
        public Plan {
            participants = List.copyOf(participants);
            steps = List.copyOf(steps);
            scriptSha256 = scriptSha256.clone();
            script = script.clone();
        }
    }

    private PrintedScript() {
    }

    /** The SHA-256 in 16 groups of four hex digits. */
    public static String groups(byte[] sha256) {
        String hex = HexFormat.of().formatHex(sha256);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            b.append(i == 0 ? "" : " ").append(hex, i, i + 4);
        }
        return b.toString();
    }

    private static final String[] EN = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "alfa", "bravo", "charlie", "delta", "echo", "foxtrot"};
    private static final String[] ZH = {"洞", "幺", "两", "三", "四", "五", "六", "拐", "八", "勾",
            "alfa", "bravo", "charlie", "delta", "echo", "foxtrot"};

    /**
     * The hash to read aloud: each hex digit as a word (ICAO spelling for a–f; in Chinese the radiotelephony
     * digits 洞 幺 两 … 拐 八 勾), groups of four separated by " / ", four groups per line.
     */
    public static List<String> spoken(byte[] sha256, ReportLanguage language) {
        String hex = HexFormat.of().formatHex(sha256);
        String[] words = language == ReportLanguage.ZH ? ZH : EN;
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (int g = 0; g < 16; g++) {
            if (g % 4 != 0) {
                line.append(" / ");
            }
            for (int k = 0; k < 4; k++) {
                line.append(k == 0 ? "" : " ").append(words[Character.digit(hex.charAt(4 * g + k), 16)]);
            }
            if (g % 4 == 3) {
                lines.add(line.toString());
                line.setLength(0);
            }
        }
        return lines;
    }

    /** The printed script as a PDF. */
    public static byte[] render(Plan plan, ReportLanguage language, Instant printedAt, FontFiles fonts) {
        Texts t = new Texts(language);
        Labels l = new Labels(t);
        String name = t.get("script.printed");
        String hashGroups = groups(plan.scriptSha256());
        ReportPdf pdf = new ReportPdf(fonts, language == ReportLanguage.ZH, false, t.get("header.console") + " · " + name,
                Rendering.printed(t, printedAt));
        try {
            if (plan.rehearsal()) {
                pdf.paragraph(t.get("script.rehearsal_banner"), Fonts.Face.BOLD, 14, false);
            }
            pdf.title(name);
            pdf.paragraph(plan.title(), Fonts.Face.BOLD, 12, false);
            pdf.space(4);
            pdf.fields(List.of(Field.text(t.get("ceremony.type"), l.of(Labels.TYPES, plan.type()) + " (" + plan.type() + ")"),
                    Field.text(t.get("ceremony.site"), plan.site()), Field.text(t.get("ceremony.script"), plan.sourceName())));
            pdf.heading(t.get("script.participants"));
            List<List<String>> people = new ArrayList<>();
            for (String[] p : plan.participants()) {
                people.add(List.of(p[0], l.of(Labels.ROLES, p[1]), "", ""));
            }
            pdf.table(List.of(Column.text(t.get("col.name"), 2f), Column.text(t.get("col.role"), 1.6f),
                    Column.text(t.get("col.initials"), 1f), Column.text(t.get("col.time"), 1f)), people);

            pdf.heading(t.get("script.hash_heading"));
            pdf.paragraph(t.get("script.hash_intro"));
            pdf.paragraph(hashGroups, Fonts.Face.MONO, 11, false);
            pdf.paragraph(t.get("script.spoken_intro"));
            for (String line : spoken(plan.scriptSha256(), language)) {
                pdf.paragraph(line, Fonts.Face.REGULAR, 9.5f, false);
            }

            pdf.heading(t.get("script.steps"));
            pdf.paragraph(t.get("script.steps_intro"));
            List<List<String>> rows = new ArrayList<>();
            int n = 0;
            for (String step : plan.steps()) {
                n++;
                rows.add(List.of("☐", Integer.toString(n), step, expected(t, step), "", ""));
            }
            pdf.table(List.of(Column.text("", 0.35f), Column.text(t.get("col.step"), 0.45f), Column.text(t.get("script.col_what"), 3.2f),
                    Column.text(t.get("script.col_expected"), 2.4f), Column.text(t.get("col.initials"), 0.9f),
                    Column.text(t.get("col.time"), 0.9f)), rows);
            pdf.paragraph(t.get("script.after"));

            Map<String, String> info = new LinkedHashMap<>();
            info.put("Title", name + " — " + plan.title());
            info.put("Subject", plan.sourceName());
            info.put("Keywords", "hsmc printed-script sha256:" + HexFormat.of().formatHex(plan.scriptSha256()));
            info.put(Rendering.INFO_KIND, "printed-script");
            info.put(Rendering.INFO_LANGUAGE, language.code());
            info.put(Rendering.INFO_PRINTED_AT, printedAt.toString());
            List<String> left = new ArrayList<>();
            left.add(t.format("script.footer", plan.title(), plan.site()));
            if (plan.rehearsal()) {
                left.add(t.get("script.rehearsal_footer"));
            }
            return pdf.finish((page, pages) -> new ReportPdf.Footer(left, t.format("script.footer_hash", hashGroups),
                    t.format("footer.page", page, pages)), ATTACHMENT, plan.script(), info, printedAt);
        } finally {
            pdf.close();
        }
    }

    /** What a step is expected to produce, by what it does. */
    private static String expected(Texts t, String step) {
        String s = step.toLowerCase(Locale.ROOT);
        if (s.startsWith("check ")) {
            return t.get("script.expect_check");
        } else if (s.startsWith("enrol ")) {
            return t.get("script.expect_enrol");
        } else if (s.startsWith("adopt ")) {
            return t.get("script.expect_adopt");
        } else if (s.startsWith("split ")) {
            return t.get("script.expect_split");
        } else if (s.contains("certificate") || s.contains("signing key")) {
            return t.get("script.expect_signer");
        } else if (s.contains("component")) {
            return t.get("script.expect_components");
        } else if (s.contains("bundle") || s.startsWith("write ") || s.startsWith("export ")) {
            return t.get("script.expect_bundle");
        } else if (s.startsWith("revoke ")) {
            return t.get("script.expect_revoke");
        } else if (s.startsWith("rotate ")) {
            return t.get("script.expect_rotate");
        }
        return t.get("script.expect_keys");
    }
}
