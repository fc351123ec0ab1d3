/**
 * The PDF layer of the reports: finding the fonts ({@link org.hsmc.reports.pdf.FontFiles}), embedding
 * them with a fallback chain per character ({@link org.hsmc.reports.pdf.Fonts}), breaking lines
 * ({@code TextWrap}), and laying out pages with PDFBox ({@link org.hsmc.reports.pdf.ReportPdf}). It knows
 * nothing of ceremonies.
 */
package org.hsmc.reports.pdf;
