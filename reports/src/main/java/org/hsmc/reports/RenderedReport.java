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
}
