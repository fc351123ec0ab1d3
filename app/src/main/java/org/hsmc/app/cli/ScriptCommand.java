package org.hsmc.app.cli;

import org.hsmc.ceremony.run.CeremonyEngine;
import org.hsmc.ceremony.run.InitializeCeremony;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.CustodianSpec;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.reports.PrintedScript;
import org.hsmc.reports.ReportException;
import org.hsmc.reports.ReportFiles;
import org.hsmc.reports.ReportLanguage;
import org.hsmc.reports.pdf.FontFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hsmc script print SCRIPT --out FILE.pdf [--lang zh]}: the ceremony script printed before the
 * ceremony, for initials and times at each step ({@link PrintedScript}).
 */
@Command(name = "script", description = "Print a ceremony script before the ceremony.", subcommands = ScriptCommand.Print.class)
final class ScriptCommand {

    @Command(name = "print", description = "Write the printed script (PDF): cover with the planned participants, the"
            + " script's SHA-256 in groups and to read aloud, every step with a box, Initials and Time, and the hash on every"
            + " page (REHEARSAL on every page in a rehearsal home). Never overwrites a file.")
    static final class Print implements Callable<Integer> {
        @Parameters(paramLabel = "SCRIPT", description = "The ceremony script (YAML).")
        Path script;
        @Option(names = "--out", paramLabel = "FILE.pdf", required = true, description = "The PDF to create.")
        Path out;
        @Option(names = "--lang", paramLabel = "en|zh", defaultValue = "en", converter = ReportCommand.LanguageConverter.class,
                description = "Language of the printed script (default en).")
        ReportLanguage lang;
        @Mixin
        HomeOption home = new HomeOption();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] bytes = CeremonyCommand.read(script);
            ParsedScript parsed = CeremonyCommand.parse(script, bytes);
            CeremonyScript s = parsed.script();
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                List<String> steps = switch (s) {
                    case InitializeScript i -> InitializeCeremony.plannedSteps(i, ctx.profile.hsmToken());
                    case RestoreMasterKeyScript r -> List.of("adopt the replacement HSM token '" + ctx.profile.hsmToken() + "'",
                            "rebuild the master key from its recovery cards", "prove every stored key under the master key",
                            "split a new HSM credential over the admin cards and make the next audit signing key",
                            "check each holder's admin card opens its new share",
                            "create the next bundle signing key and a new console certificate");
                    default -> new CeremonyEngine(ctx.store, ctx.audit, ctx.clock, ctx.hsm(), ctx.profile.site())
                            .scriptDirectory(script.toAbsolutePath().getParent()).plannedSteps(s);
                };
                List<String[]> people = new ArrayList<>();
                people.add(new String[] {s.operator(), "OPERATOR"});
                if (s instanceof InitializeScript i) {
                    for (CustodianSpec c : i.custodians()) {
                        if (!c.name().equals(s.operator())) {
                            people.add(new String[] {c.name(), c.role().name()});
                        }
                    }
                }
                for (String w : s.witnesses()) {
                    people.add(new String[] {w, "WITNESS"});
                }
                boolean rehearsal = ctx.profile.forms().rehearsalFolder();
                byte[] pdf = PrintedScript.render(new PrintedScript.Plan(s.title(), s.type().yamlName(), ctx.profile.site(), rehearsal,
                        parsed.sourceName(), parsed.sha256(), people, steps, bytes), lang, Instant.now(), FontFiles.locate());
                ReportFiles.writeNew(out, pdf);
                PrintWriter w = spec.commandLine().getOut();
                w.println("Printed script: " + out.toAbsolutePath() + (rehearsal ? " (REHEARSAL)" : ""));
                w.println("Script SHA-256: " + PrintedScript.groups(parsed.sha256()));
                w.println("Steps:          " + steps.size());
                w.println("PDF SHA-256:    " + org.hsmc.reports.ReportJson.sha256(pdf));
                w.flush();
                return Hsmc.EXIT_OK;
            } catch (ReportException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    private ScriptCommand() {
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
