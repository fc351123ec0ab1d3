package org.hsmc.app.cli;

import org.hsmc.ceremony.store.Store;
import org.hsmc.ceremony.store.StoreException;
import org.hsmc.reports.AuditExtract;
import org.hsmc.reports.CeremonyReport;
import org.hsmc.reports.CeremonyReportData;
import org.hsmc.reports.InventoryReport;
import org.hsmc.reports.RenderedReport;
import org.hsmc.reports.ReportData;
import org.hsmc.reports.ReportException;
import org.hsmc.reports.ReportFiles;
import org.hsmc.reports.ReportLanguage;
import org.hsmc.reports.ReportVerifier;
import org.hsmc.reports.pdf.FontFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code hsmc report}: ceremony reports (with their JSON companion), audit extracts and the key
 * inventory as PDF, in English or Simplified Chinese, never over an existing file; and
 * {@code hsmc report verify}, which checks a report against the console's records and audit log.
 * Key component forms are not here: they are printed only inside the ceremony that makes the
 * components. Exit codes: 0 done (verify: the report checks out); 1 refused, or the report does not
 * check out; 2 the command line is wrong.
 */
@Command(name = "report", description = "Print reports as PDF (ceremony report and its JSON companion, audit extract, key"
        + " inventory) and verify a printed report against the audit log. Never overwrites a file.",
        subcommands = {ReportCommand.CeremonyReportCommand.class, ReportCommand.AuditExtractCommand.class, ReportCommand.InventoryCommand.class,
                ReportCommand.VerifyCommand.class})
final class ReportCommand {

    /** Reads {@code en} or {@code zh}. */
    static final class LanguageConverter implements CommandLine.ITypeConverter<ReportLanguage> {
        @Override
        public ReportLanguage convert(String value) {
            try {
                return ReportLanguage.of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "ceremony", description = "The report of one ceremony run, with its JSON companion beside it (FILE.json):"
            + " ids, script SHA-256, participants and cards, every step, keys with KCVs, bundles, audit heads, signature lines.")
    static final class CeremonyReportCommand implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Parameters(paramLabel = "RUN", description = "The run id (or its first 8 characters or more), as 'hsmc ceremony list' shows it.")
        String run;
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The PDF to create (FILE.json is created beside it).")
        Path out;
        @Option(names = "--lang", paramLabel = "en|zh", defaultValue = "en", converter = LanguageConverter.class,
                description = "en (English, the default) or zh (Simplified Chinese).")
        ReportLanguage lang;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return withData(home, data -> {
                CeremonyReportData facts = data.ceremony(run);
                RenderedReport r = CeremonyReport.render(facts, lang, Instant.now(), FontFiles.locate());
                List<Path> files = ReportFiles.write(r, out, true);
                PrintWriter w = spec.commandLine().getOut();
                w.println("Report:         " + files.get(0).toAbsolutePath() + " (" + r.pages() + (r.pages() == 1 ? " page" : " pages") + ")");
                w.println("Companion:      " + files.get(1).toAbsolutePath());
                w.println("Run:            " + facts.run().id() + " (" + facts.run().type() + ", " + facts.run().state() + ")");
                w.println("Facts SHA-256:  " + r.factsSha256() + " (printed on every page; the companion without pdf_sha256)");
                w.println("PDF SHA-256:    " + r.pdfSha256() + " (the file itself: sha256sum " + files.get(0).getFileName() + ")");
                w.println("Check it later with: hsmc report verify " + files.get(0));
                w.flush();
                return Hsmc.EXIT_OK;
            });
        }
    }

    @Command(name = "audit", description = "An extract of the audit log for a range of entries (--from 10 --to 50) or of UTC"
            + " days (--from 2026-11-01 --to 2026-11-30), with the result of verifying the whole log.")
    static final class AuditExtractCommand implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--from", paramLabel = "SEQ|DATE", description = "The first entry number, or the first day (yyyy-mm-dd, UTC). Default: the start.")
        String from;
        @Option(names = "--to", paramLabel = "SEQ|DATE", description = "The last entry number, or the last day (included). Default: the end.")
        String to;
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The PDF to create.")
        Path out;
        @Option(names = "--lang", paramLabel = "en|zh", defaultValue = "en", converter = LanguageConverter.class,
                description = "en (English, the default) or zh (Simplified Chinese).")
        ReportLanguage lang;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ReportData.AuditRange range = range(from, to);
            return withData(home, data -> {
                RenderedReport r = AuditExtract.render(data.auditExtract(range), lang, Instant.now(), FontFiles.locate());
                ReportFiles.write(r, out, false);
                PrintWriter w = spec.commandLine().getOut();
                w.println("Audit extract:  " + out.toAbsolutePath() + " (" + r.pages() + (r.pages() == 1 ? " page" : " pages") + ")");
                w.println("Facts SHA-256:  " + r.factsSha256() + " (printed on every page)");
                w.println("PDF SHA-256:    " + r.pdfSha256() + " (the file itself)");
                w.flush();
                return Hsmc.EXIT_OK;
            });
        }

        static ReportData.AuditRange range(String from, String to) {
            boolean fromDate = from != null && from.contains("-");
            boolean toDate = to != null && to.contains("-");
            if ((from != null && to != null && fromDate != toDate)) {
                throw new Hsmc.UserError("--from and --to must both be entry numbers or both be dates (yyyy-mm-dd), not one of each.");
            }
            if (fromDate || toDate) {
                return new ReportData.AuditRange.ByDate(date("--from", from), date("--to", to));
            }
            return new ReportData.AuditRange.BySequence(seq("--from", from), seq("--to", to));
        }

        private static LocalDate date(String option, String value) {
            try {
                return value == null ? null : LocalDate.parse(value.strip());
            } catch (DateTimeParseException e) {
                throw new Hsmc.UserError(option + " '" + value + "' is not a date; write it as yyyy-mm-dd (UTC), e.g. 2026-11-23.");
            }
        }

        private static Long seq(String option, String value) {
            if (value == null) {
                return null;
            }
            if (!value.strip().matches("\\d{1,18}")) {
                throw new Hsmc.UserError(option + " '" + value + "' is neither an entry number nor a date (yyyy-mm-dd).");
            }
            return Long.valueOf(value.strip());
        }
    }

    @Command(name = "inventory", description = "The key inventory: LMK versions, then each zone with its zone keys and working"
            + " keys (KCVs, versions, validity and expiry), and the keys due for rotation. No key material.")
    static final class InventoryCommand implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--out", paramLabel = "FILE", required = true, description = "The PDF to create.")
        Path out;
        @Option(names = "--due-days", paramLabel = "DAYS", defaultValue = "30",
                description = "Keys whose validity ends within DAYS are due for rotation (default 30).")
        int dueDays;
        @Option(names = "--lang", paramLabel = "en|zh", defaultValue = "en", converter = LanguageConverter.class,
                description = "en (English, the default) or zh (Simplified Chinese).")
        ReportLanguage lang;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return withData(home, data -> {
                RenderedReport r = InventoryReport.render(data.inventory(Instant.now(), dueDays), lang, Instant.now(), FontFiles.locate());
                ReportFiles.write(r, out, false);
                PrintWriter w = spec.commandLine().getOut();
                w.println("Key inventory:  " + out.toAbsolutePath() + " (" + r.pages() + (r.pages() == 1 ? " page" : " pages") + ")");
                w.println("Facts SHA-256:  " + r.factsSha256() + " (printed on every page)");
                w.println("PDF SHA-256:    " + r.pdfSha256() + " (the file itself)");
                w.flush();
                return Hsmc.EXIT_OK;
            });
        }
    }

    @Command(name = "verify", description = "Check a printed report against the console's records and audit log: its facts and"
            + " report hash, every page (page n of m, run id, hash), the printed text, the records now, and the audit log."
            + " Exit code 0 when it checks out, 1 when not.")
    static final class VerifyCommand implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Parameters(paramLabel = "REPORT.pdf", description = "A report 'hsmc report' printed (its companion REPORT.json is checked too, if present).")
        Path report;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (!Files.isRegularFile(report)) {
                throw new Hsmc.UserError("There is no file " + report + ".");
            }
            return withData(home, data -> {
                ReportVerifier.Result r = ReportVerifier.verify(report, data, FontFiles.locate());
                PrintWriter w = spec.commandLine().getOut();
                w.println("Report:       " + report.toAbsolutePath());
                w.println("Kind:         " + (r.kind() == null ? "(not a report of this console)" : r.kind())
                        + (r.subject() == null ? "" : ", " + r.subject()) + ", " + r.pages() + (r.pages() == 1 ? " page" : " pages"));
                w.println("Facts hash:   " + (r.sha256() == null ? "(none)" : r.sha256()));
                w.println("PDF SHA-256:  " + org.hsmc.reports.ReportJson.sha256(readAll(report)) + " (the file itself)");
                for (ReportVerifier.Check c : r.checks()) {
                    w.printf("%-13s %s%n", c.name() + ":", c.passed() ? "OK" : "FAILED");
                    c.findings().forEach(f -> w.println("    - " + f));
                }
                w.println("Result:       " + (r.verified() ? "VERIFIED" : "NOT VERIFIED"));
                w.flush();
                if (!r.verified()) {
                    PrintWriter err = spec.commandLine().getErr();
                    err.println("hsmc: the report does not match the console's records (see the FAILED checks above).");
                    err.flush();
                    return Hsmc.EXIT_REFUSED;
                }
                return Hsmc.EXIT_OK;
            });
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new Hsmc.UserError("The file " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Opens the store of an existing console home (read only) and runs {@code work} on its report data. */
    private static int withData(HomeOption home, Function<ReportData, Integer> work) {
        Path db = ConsoleHome.store(home.resolve());
        if (!Files.isRegularFile(db)) {
            throw new Hsmc.UserError("There is no console store at " + db + ", so there is nothing to report. Pass --home with the"
                    + " console's data directory.");
        }
        try (Store store = Store.open(db)) {
            return work.apply(new ReportData(store));
        } catch (StoreException | ReportException | FontFiles.ReportFontsMissingException e) {
            throw new Hsmc.UserError(e.getMessage());
        }
    }
}
