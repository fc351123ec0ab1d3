package org.hsmc.reports;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.text.PDFTextStripper;
import org.hsmc.ceremony.audit.AuditHead;
import org.hsmc.ceremony.audit.AuditVerification;
import org.hsmc.reports.pdf.FontFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a report against the console's records and its audit log ({@code hsmc report verify}):
 * <ol>
 *   <li><b>facts</b>: the PDF carries its facts (the embedded {@value ReportJson#ATTACHMENT}), in
 *       canonical form, and their SHA-256 is the report hash the PDF names; a companion file beside
 *       the PDF ({@code REPORT.json}) holds the same bytes;</li>
 *   <li><b>pages</b>: every page shows the report hash, what the report is of (the run id), and
 *       "page n of m" with the right n and m, so a missing, added or swapped page shows;</li>
 *   <li><b>records</b>: the facts, read again now from the store and the audit log, are the facts
 *       the report carries; each difference is named by its path ({@code keys[2].kcv});</li>
 *   <li><b>printed text</b>: the text on the pages is the text these facts print (spacing ignored),
 *       so an edit of the visible text shows even when the attached facts are intact;</li>
 *   <li><b>audit log</b>: the whole log verifies, and holds the audit heads the report prints.</li>
 * </ol>
 * The audit extract's verification result is a statement about the moment it was printed, so it is
 * not compared; the log is verified again instead.
 */
public final class ReportVerifier {

    /** One check: its name, whether it passed, and what was found. */
    public record Check(String name, boolean passed, List<String> findings) {
        public Check {
            findings = List.copyOf(findings);
        }
    }

    /**
     * The outcome.
     *
     * @param kind    the report kind, or null when the file is not a report of this console
     * @param subject what the report is of (a run id, a range, a moment)
     * @param sha256  the report hash the PDF names
     * @param pages   the number of pages
     */
    public record Result(Path file, String kind, String subject, String sha256, int pages, List<Check> checks) {
        public Result {
            checks = List.copyOf(checks);
        }

        /** True when every check passed. */
        public boolean verified() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passed);
        }
    }

    private ReportVerifier() {
    }

    /**
     * Verifies the report {@code pdfFile} against {@code data} (the console's store), re-rendering
     * with {@code fonts} for the printed-text check.
     *
     * @throws ReportException when the file cannot be read as a PDF
     */
    public static Result verify(Path pdfFile, ReportData data, FontFiles fonts) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pdfFile);
        } catch (IOException e) {
            throw new ReportException("The report " + pdfFile + " cannot be read: " + e.getMessage(), e);
        }
        List<Check> checks = new ArrayList<>();
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            PDDocumentInformation info = doc.getDocumentInformation();
            String kind = info.getCustomMetadataValue(Rendering.INFO_KIND);
            String printedHash = info.getCustomMetadataValue(Rendering.INFO_SHA256);
            String subject = info.getCustomMetadataValue(Rendering.INFO_SUBJECT_ID);
            int pages = doc.getNumberOfPages();
            byte[] json = attachment(doc);
            if (json == null || kind == null || printedHash == null) {
                checks.add(new Check("facts", false, List.of("The PDF carries no report facts (" + ReportJson.ATTACHMENT + ") or no report"
                        + " hash: it is not a report this console printed, or it was saved again by another program.")));
                return new Result(pdfFile, kind, subject, printedHash, pages, checks);
            }
            String actualHash = ReportJson.sha256(json);
            JsonNode facts;
            try {
                facts = ReportJson.parse(json);
            } catch (ReportException e) {
                checks.add(new Check("facts", false, List.of(e.getMessage())));
                return new Result(pdfFile, kind, subject, printedHash, pages, checks);
            }
            List<String> factFindings = new ArrayList<>();
            if (!actualHash.equals(printedHash)) {
                factFindings.add("The attached facts have SHA-256 " + actualHash + ", but the report names " + printedHash
                        + ": the facts were changed after printing.");
            }
            if (!Arrays.equals(ReportJson.canonical(facts), json)) {
                factFindings.add("The attached facts are not in canonical form (RFC 8785): they were rewritten after printing.");
            }
            if (!kind.equals(facts.path("report").asText())) {
                factFindings.add("The PDF says it is a " + kind + " but its facts are of a " + facts.path("report").asText() + ".");
            }
            companion(pdfFile, json, factFindings);
            checks.add(new Check("facts", factFindings.isEmpty(), factFindings));
            checks.add(pdfFile(pdfFile));

            ReportLanguage language = ReportLanguage.of(Optional.ofNullable(info.getCustomMetadataValue(Rendering.INFO_LANGUAGE)).orElse("en"));
            Instant printedAt = parseInstant(info.getCustomMetadataValue(Rendering.INFO_PRINTED_AT));
            List<String> texts = pageTexts(doc);
            checks.add(pages(texts, printedHash, subject, language));

            Recomputed now;
            try {
                now = recompute(kind, facts, data, language, printedAt, fonts);
            } catch (ReportException e) {
                checks.add(new Check("records", false, List.of(e.getMessage())));
                checks.add(auditLog(kind, facts, data));
                return new Result(pdfFile, kind, subject, printedHash, pages, checks);
            }
            // both sides as read from canonical bytes, so that a number is a number whatever type produced it
            List<String> differences = ReportJson.differences(facts, ReportJson.parse(ReportJson.canonical(now.tree())), now.ignore());
            checks.add(new Check("records", differences.isEmpty(), differences.size() > 40
                    ? append(differences.subList(0, 40), "… and " + (differences.size() - 40) + " more differences.") : differences));
            if (differences.isEmpty() && now.rendered() != null) {
                checks.add(printedText(texts, now.rendered()));
            } else {
                checks.add(new Check("printed text", differences.isEmpty(), List.of("Not compared: the facts differ from the records.")));
            }
            checks.add(auditLog(kind, facts, data));
            return new Result(pdfFile, kind, subject, printedHash, pages, checks);
        } catch (IOException e) {
            throw new ReportException("The file " + pdfFile + " is not a readable PDF: " + e.getMessage(), e);
        }
    }

    private static List<String> append(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return out;
    }

    private static byte[] attachment(PDDocument doc) throws IOException {
        PDDocumentNameDictionary names = doc.getDocumentCatalog().getNames();
        if (names == null) {
            return null;
        }
        PDEmbeddedFilesNameTreeNode files = names.getEmbeddedFiles();
        if (files == null || files.getNames() == null) {
            return null;
        }
        PDComplexFileSpecification spec = files.getNames().get(ReportJson.ATTACHMENT);
        if (spec == null) {
            return null;
        }
        PDEmbeddedFile ef = spec.getEmbeddedFileUnicode() != null ? spec.getEmbeddedFileUnicode() : spec.getEmbeddedFile();
        return ef == null ? null : ef.toByteArray();
    }

    /** The companion written beside a report: {@code REPORT.json} for {@code REPORT.pdf}. */
    public static Path companionOf(Path pdf) {
        String name = pdf.getFileName().toString();
        String base = name.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? name.substring(0, name.length() - 4) : name;
        return pdf.resolveSibling(base + ".json");
    }

    private static void companion(Path pdf, byte[] json, List<String> findings) {
        Path file = companionOf(pdf);
        if (!Files.isRegularFile(file)) {
            return;
        }
        try {
            ReportJson.CompanionFile beside = ReportJson.readCompanionFile(Files.readAllBytes(file));
            if (!Arrays.equals(beside.facts(), json)) {
                findings.add("The companion " + file.getFileName() + " (facts SHA-256 " + ReportJson.sha256(beside.facts()) + ") is not"
                        + " the facts inside the PDF (SHA-256 " + ReportJson.sha256(json) + ").");
            }

        } catch (IOException e) {
            findings.add("The companion " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The PDF file against the SHA-256 its companion names ({@value ReportJson#PDF_SHA256}): passes when they
     * agree, or when no companion beside it names one (then the file's SHA-256 is only reported).
     */
    private static Check pdfFile(Path pdf) {
        Path file = companionOf(pdf);
        try {
            String actual = ReportJson.sha256(Files.readAllBytes(pdf));
            if (!Files.isRegularFile(file)) {
                return new Check("pdf file", true, List.of("No companion beside it names the PDF's SHA-256; the file's SHA-256 is "
                        + actual + "."));
            }
            ReportJson.CompanionFile beside = ReportJson.readCompanionFile(Files.readAllBytes(file));
            if (beside.pdfSha256() == null) {
                return new Check("pdf file", true, List.of("The companion " + file.getFileName() + " names no PDF SHA-256; the file's"
                        + " SHA-256 is " + actual + "."));
            }
            if (!actual.equals(beside.pdfSha256())) {
                return new Check("pdf file", false, List.of("The companion " + file.getFileName() + " names the PDF's SHA-256 "
                        + beside.pdfSha256() + ", but the file " + pdf.getFileName() + " has SHA-256 " + actual + ": the PDF file was"
                        + " changed or replaced after it was written."));
            }
            return new Check("pdf file", true, List.of());
        } catch (IOException | ReportException e) {
            return new Check("pdf file", false, List.of("The PDF's SHA-256 cannot be compared with its companion: " + e.getMessage()));
        }
    }

    private static List<String> pageTexts(PDDocument doc) throws IOException {
        List<String> out = new ArrayList<>();
        PDFTextStripper stripper = new PDFTextStripper();
        for (int p = 1; p <= doc.getNumberOfPages(); p++) {
            stripper.setStartPage(p);
            stripper.setEndPage(p);
            out.add(stripper.getText(doc));
        }
        return out;
    }

    private static Check pages(List<String> texts, String hash, String subject, ReportLanguage language) {
        Texts t = new Texts(language);
        List<String> findings = new ArrayList<>();
        int m = texts.size();
        for (int i = 0; i < m; i++) {
            String text = squash(texts.get(i));
            int n = i + 1;
            if (!text.contains(squash(hash))) {
                findings.add("Page " + n + " does not show the report hash " + hash + ".");
            }
            if (subject != null && !text.contains(squash(subject))) {
                findings.add("Page " + n + " does not show what the report is of (" + subject + ").");
            }
            if (!text.contains(squash(t.format("footer.page", n, m)))) {
                findings.add("Page " + n + " does not say '" + t.format("footer.page", n, m) + "'" + pageLabelFound(text, t, m) + ".");
            }
        }
        return new Check("pages", findings.isEmpty(), findings);
    }

    private static String pageLabelFound(String text, Texts t, int m) {
        for (int k = 1; k <= m + 20; k++) {
            for (int total = 1; total <= m + 20; total++) {
                if (text.contains(squash(t.format("footer.page", k, total)))) {
                    return ", but '" + t.format("footer.page", k, total) + "': a page is missing, added or out of place";
                }
            }
        }
        return "";
    }

    /** The facts read again, their rendering, and the top-level fields that are not compared. */
    private record Recomputed(JsonNode tree, Set<String> ignore, RenderedReport rendered) {
    }

    private static Recomputed recompute(String kind, JsonNode facts, ReportData data, ReportLanguage language, Instant printedAt,
                                        FontFiles fonts) {
        switch (kind) {
            case ReportJson.CEREMONY -> {
                String runId = facts.path("run").path("id").asText();
                CeremonyReportData now = data.ceremony(runId);
                return new Recomputed(ReportJson.tree(kind, now), Set.of(), CeremonyReport.render(now, language, printedAt, fonts));
            }
            case ReportJson.AUDIT_EXTRACT -> {
                JsonNode r = facts.path("range");
                ReportData.AuditRange range = "DATE".equals(r.path("by").asText())
                        ? new ReportData.AuditRange.ByDate(date(r.path("from").asText()), date(r.path("to").asText()))
                        : new ReportData.AuditRange.BySequence(number(r.path("from").asText()), number(r.path("to").asText()));
                AuditExtractData now = data.auditExtract(range);
                AuditExtractData asPrinted = new AuditExtractData(now.range(), now.entries(), now.checkpoints(),
                        verificationAsPrinted(facts.path("verification"), now.verification()));
                return new Recomputed(ReportJson.tree(kind, now), Set.of("verification"),
                        AuditExtract.render(asPrinted, language, printedAt, fonts));
            }
            case ReportJson.INVENTORY -> {
                Instant asOf = parseInstant(facts.path("as_of").asText());
                InventoryData now = data.inventory(asOf, facts.path("due_within_days").asInt());
                return new Recomputed(ReportJson.tree(kind, now), Set.of(), InventoryReport.render(now, language, printedAt, fonts));
            }
            default -> throw new ReportException("This console does not know reports of the kind '" + kind + "'.");
        }
    }

    /** The verification as the extract printed it (it is a statement about that moment, not compared). */
    private static AuditExtractData.Verification verificationAsPrinted(JsonNode v, AuditExtractData.Verification fallback) {
        if (!v.isObject()) {
            return fallback;
        }
        return new AuditExtractData.Verification(v.path("intact").asBoolean(), v.path("damage").asText(),
                v.path("first_bad_seq").isNumber() ? v.path("first_bad_seq").asLong() : null, v.path("entries_checked").asLong(),
                v.path("checkpoints_verified").asInt(), v.path("last_checkpoint_seq").isNumber() ? v.path("last_checkpoint_seq").asLong() : null,
                v.path("head").isTextual() ? v.path("head").asText() : null, v.path("message").asText());
    }

    private static Check printedText(List<String> texts, RenderedReport rendered) {
        try (PDDocument again = Loader.loadPDF(rendered.pdf())) {
            List<String> expected = pageTexts(again);
            List<String> findings = new ArrayList<>();
            if (expected.size() != texts.size()) {
                findings.add("The report has " + texts.size() + " pages; its facts print on " + expected.size() + ".");
                String a = squash(String.join("", texts));
                String b = squash(String.join("", expected));
                if (!a.equals(b)) {
                    findings.add("The printed text differs from what its facts print: " + firstDifference(a, b) + ".");
                }
            } else {
                for (int i = 0; i < texts.size(); i++) {
                    String a = squash(texts.get(i));
                    String b = squash(expected.get(i));
                    if (!a.equals(b)) {
                        findings.add("Page " + (i + 1) + " differs from what the facts print: " + firstDifference(a, b) + ".");
                    }
                }
            }
            return new Check("printed text", findings.isEmpty(), findings);
        } catch (IOException e) {
            return new Check("printed text", false, List.of("The facts could not be printed again: " + e.getMessage()));
        }
    }

    private static String firstDifference(String printed, String expected) {
        int i = 0;
        while (i < printed.length() && i < expected.length() && printed.charAt(i) == expected.charAt(i)) {
            i++;
        }
        int from = Math.max(0, i - 25);
        return "the page shows '…" + printed.substring(from, Math.min(printed.length(), i + 25)) + "…' where the facts print '…"
                + expected.substring(from, Math.min(expected.length(), i + 25)) + "…' (spaces left out)";
    }

    private static Check auditLog(String kind, JsonNode facts, ReportData data) {
        List<String> findings = new ArrayList<>();
        List<String> heads = new ArrayList<>();
        switch (kind) {
            case ReportJson.CEREMONY -> {
                heads.add(facts.path("audit").path("head_before").asText(null));
                heads.add(facts.path("audit").path("head_after").asText(null));
            }
            case ReportJson.INVENTORY -> heads.add(facts.path("audit_head").asText(null));
            case ReportJson.AUDIT_EXTRACT -> heads.add(facts.path("verification").path("head").asText(null));
            default -> {
                // an unknown kind names no head
            }
        }
        Optional<AuditHead> last = Optional.empty();
        for (String h : heads) {
            if (h == null || h.isBlank()) {
                continue;
            }
            try {
                last = Optional.of(AuditHead.parse(h));
            } catch (IllegalArgumentException e) {
                findings.add("The report prints '" + h + "' where an audit head belongs.");
            }
        }
        for (String h : heads) {
            if (h == null || h.isBlank()) {
                continue;
            }
            try {
                AuditHead head = AuditHead.parse(h);
                if (head.seq() > 0) {
                    Optional<String> recorded = data.auditHeadAt(head.seq());
                    if (recorded.isEmpty()) {
                        findings.add("The audit log has no entry " + head.seq() + ", but the report prints the head " + h + ".");
                    } else if (!recorded.get().equals(head.text())) {
                        findings.add("The report prints the head " + h + ", but the log's entry " + head.seq() + " is " + recorded.get() + ".");
                    }
                }
            } catch (IllegalArgumentException e) {
                // reported above
            }
        }
        AuditVerification v = data.verifyAudit(last);
        if (!v.intact()) {
            findings.add("The audit log does not verify (" + v.damage() + v.firstBadSeq().stream().mapToObj(s -> " at entry " + s)
                    .findFirst().orElse("") + "): " + v.message());
        }
        return new Check("audit log", findings.isEmpty(), findings.isEmpty()
                ? List.of("Intact: " + v.entriesChecked() + " entries, " + v.checkpointsVerified() + " signed checkpoints; the heads the"
                + " report prints are in the log.") : findings);
    }

    /** Text without any white space, for comparisons that line breaks must not upset. */
    static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }

    private static Instant parseInstant(String s) {
        try {
            return s == null ? Instant.EPOCH : Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new ReportException("The report's time '" + s + "' is not an ISO-8601 instant.");
        }
    }

    private static LocalDate date(String s) {
        return s == null || s.isBlank() ? null : LocalDate.parse(s);
    }

    private static Long number(String s) {
        return s == null || s.isBlank() ? null : Long.valueOf(s);
    }

    /** For tests: the checks by name. */
    static Map<String, Check> byName(Result r) {
        Map<String, Check> m = new java.util.LinkedHashMap<>();
        r.checks().forEach(c -> m.put(c.name(), c));
        return m;
    }
}
