package org.hsmc.reports;

/**
 * A report made: the PDF, the canonical JSON of its facts (the companion, also embedded in the PDF
 * as {@value ReportJson#ATTACHMENT}), and the report hash printed on every page, the SHA-256 of
 * exactly those JSON bytes in lower-case hex.
 *
 * @param kind   {@value ReportJson#CEREMONY}, {@value ReportJson#AUDIT_EXTRACT} or {@value ReportJson#INVENTORY}
 * @param pdf    the PDF
 * @param json   the companion's bytes (RFC 8785 canonical JSON, UTF-8, no trailing newline)
 * @param sha256 SHA-256 of {@code json}
 * @param pages  the number of pages
 */
public record RenderedReport(String kind, byte[] pdf, byte[] json, String sha256, int pages) {

    public RenderedReport {
        pdf = pdf.clone();
        json = json.clone();
    }

    @Override
    public byte[] pdf() {
        return pdf.clone();
    }

    @Override
    public byte[] json() {
        return json.clone();
    }

    /** The facts hash: SHA-256 of {@link #json()}, printed on every page (the same as {@link #sha256()}). */
    public String factsSha256() {
        return sha256;
    }

    /**
     * SHA-256 of the PDF file itself, lower-case hex: what {@code sha256sum REPORT.pdf} prints. The window
     * shows it beside the facts hash; the command that writes the file prints it; the companion file holds
     * it as {@value ReportJson#PDF_SHA256}.
     */
    public String pdfSha256() {
        return ReportJson.sha256(pdf);
    }
}
