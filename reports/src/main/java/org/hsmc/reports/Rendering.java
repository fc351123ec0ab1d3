package org.hsmc.reports;

import org.hsmc.reports.pdf.ReportPdf;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every report shares: the document information entries {@code hsmc report verify} reads back,
 * and the footer with the report's identity, the report hash and "page n of m".
 */
final class Rendering {

    /** Document information entry: the report kind ({@link ReportJson#CEREMONY} …). */
    static final String INFO_KIND = "HsmcReport";
    /** Document information entry: the report hash. */
    static final String INFO_SHA256 = "HsmcReportSha256";
    /** Document information entry: the language code. */
    static final String INFO_LANGUAGE = "HsmcReportLanguage";
    /** Document information entry: when the report was printed (ISO-8601). */
    static final String INFO_PRINTED_AT = "HsmcPrintedAt";
    /** Document information entry: what the report is about (a run id, a range, a moment). */
    static final String INFO_SUBJECT_ID = "HsmcReportOf";

    private Rendering() {
    }

    /** Stamps the footer on every page, embeds the companion, and returns the report. */
    static RenderedReport finish(ReportPdf pdf, Texts t, String kind, byte[] json, String reportName, String identity,
                                 String title, Instant printedAt) {
        String hash = ReportJson.sha256(json);
        Map<String, String> info = new LinkedHashMap<>();
        info.put("Title", title);
        info.put("Subject", reportName + " · " + identity);
        info.put("Keywords", "hsmc " + kind + " sha256:" + hash);
        info.put(INFO_KIND, kind);
        info.put(INFO_SHA256, hash);
        info.put(INFO_LANGUAGE, t.language().code());
        info.put(INFO_PRINTED_AT, printedAt.toString());
        info.put(INFO_SUBJECT_ID, identity);
        int[] pages = new int[1];
        byte[] bytes = pdf.finish((n, m) -> {
            pages[0] = m;
            return footer(t, reportName, identity, hash, n, m);
        }, ReportJson.ATTACHMENT, json, info, printedAt);
        return new RenderedReport(kind, bytes, json, hash, pages[0]);
    }

    /** The footer of page {@code n} of {@code m}. */
    static ReportPdf.Footer footer(Texts t, String reportName, String identity, String hash, int n, int m) {
        return new ReportPdf.Footer(List.of(t.format("footer.identity", reportName, identity)), t.format("footer.hash", hash),
                t.format("footer.page", n, m));
    }

    /** The header at the top right of every page. */
    static String printed(Texts t, Instant printedAt) {
        return t.format("header.printed", Labels.time(printedAt));
    }
}
