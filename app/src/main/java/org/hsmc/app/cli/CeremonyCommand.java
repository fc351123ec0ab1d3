package org.hsmc.app.cli;

import org.hsmc.ceremony.run.CeremonyRefusedException;
import org.hsmc.ceremony.run.CeremonyRuns;
import org.hsmc.ceremony.run.CeremonyStoppedException;
import org.hsmc.ceremony.run.RunException;
import org.hsmc.ceremony.run.RunResolution;
import org.hsmc.ceremony.run.RunJournal;
import org.hsmc.ceremony.run.RunRecord;
import org.hsmc.ceremony.run.RunState;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.ceremony.script.ParsedScript;
import org.hsmc.ceremony.script.ScriptException;
import org.hsmc.ceremony.script.ScriptParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code hsmc ceremony run|check|list|show|resume|abort}. */
@Command(name = "ceremony", description = "Run ceremonies from reviewed scripts, and resolve interrupted runs.",
        subcommands = {CeremonyCommand.Run.class, CeremonyCommand.Check.class, CeremonyCommand.ListRuns.class,
                CeremonyCommand.Show.class, CeremonyCommand.Resume.class, CeremonyCommand.Abort.class,
                CeremonyCommand.Deviation.class})
final class CeremonyCommand {

    static ParsedScript parse(Path script, byte[] bytes) {
        try {
            return ScriptParser.parse(bytes, script.getFileName().toString());
        } catch (ScriptException e) {
            throw new Hsmc.UserError("The script is refused; nothing was changed.\n" + e.getMessage());
        }
    }

    static byte[] read(Path script) {
        try {
            return Files.readAllBytes(script);
        } catch (IOException e) {
            throw new Hsmc.UserError("The script " + script + " cannot be read: " + e.getMessage());
        }
    }

    static int exitFor(RunRecord r) {
        return switch (r.state()) {
            case COMPLETED -> Hsmc.EXIT_OK;
            case ABORTED -> Hsmc.EXIT_ABORTED;
            default -> Hsmc.EXIT_REFUSED;
        };
    }

    @Command(name = "check", description = "Parse and validate a script without running it; print its SHA-256.")
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "SCRIPT")
        Path script;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] bytes = read(script);
            ParsedScript p = parse(script, bytes);
            PrintWriter out = spec.commandLine().getOut();
            out.println(script.getFileName() + ": valid " + p.script().type().yamlName() + " script");
            out.println("SHA-256: " + java.util.HexFormat.of().formatHex(p.sha256()));
            if (p.script() instanceof org.hsmc.ceremony.script.GenerateWorkingKeysScript keys) {
                keys.summary().forEach(line -> out.println("  " + line));
            }
            return Hsmc.EXIT_OK;
        }
    }

    @Command(name = "run", description = "Run a ceremony from its script: the quorum's cards sign the script's SHA-256,"
            + " then every step runs and is journaled.")
    static final class Run implements Callable<Integer> {
        @Parameters(paramLabel = "SCRIPT", description = "The reviewed ceremony script (YAML).")
        Path script;
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--rehearsal-pins", paramLabel = "FILE", description = "Rehearsal only: read PINs (and typed"
                + " components) from FILE instead of the terminal. The run and the audit log record it.")
        Path rehearsalPins;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            byte[] bytes = read(script);
            ParsedScript parsed = parse(script, bytes);
            PrintWriter out = spec.commandLine().getOut();
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                out.println("Script " + script.getFileName() + " (" + parsed.script().type().yamlName() + "), SHA-256 "
                        + java.util.HexFormat.of().formatHex(parsed.sha256()));
                TerminalConsole console = new TerminalConsole(ctx, out,
                        rehearsalPins == null ? null : new RehearsalPins(rehearsalPins));
                RunRecord r;
                try {
                    r = runs(ctx).scriptDirectory(script.toAbsolutePath().getParent())
                            .run(parsed, bytes, console, rehearsalPins != null);
                } catch (CeremonyRefusedException e) {
                    throw new Hsmc.UserError("The script does not fit this console; nothing was changed.\n" + e.getMessage());
                } catch (RuntimeException e) {
                    throw stopped(ctx, e);
                }
                if (rehearsalPins != null) {
                    RehearsalRecord.recordFor(rehearsalPins, parsed.script().type().yamlName(), r.id(), ctx, out);
                }
                out.println("Run " + r.id() + ": " + r.state() + (r.failure() == null ? "" : " (" + r.failure() + ")"));
                out.println("Audit head: before " + r.auditHeadBefore() + ", after " + r.auditHeadAfter());
                return exitFor(r);
            }
        }
    }

    @Command(name = "list", description = "Interrupted runs first, then the recent ones.")
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                RunJournal journal = new RunJournal(ctx.store, ctx.audit, ctx.clock);
                List<RunRecord> interrupted = runs(ctx).unresolved();
                List<RunRecord> recent = journal.recent(20);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.write(java.util.Map.of("interrupted", interrupted, "recent", recent)));
                    return Hsmc.EXIT_OK;
                }
                if (!interrupted.isEmpty()) {
                    out.println("FAILED OR INTERRUPTED (resolve with 'hsmc ceremony resume RUN' or 'hsmc ceremony abort RUN --reason TEXT'):");
                    interrupted.forEach(r -> out.println("  " + line(r)));
                }
                out.println("Recent runs:");
                recent.forEach(r -> out.println("  " + line(r)));
                return Hsmc.EXIT_OK;
            }
        }

        private static String line(RunRecord r) {
            return r.id() + "  " + r.type() + "  " + r.state() + "  " + r.startedAt() + "  " + r.title();
        }
    }

    @Command(name = "show", description = "A run and its journaled steps.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "RUN")
        String runId;
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--json", description = "Print JSON.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                RunJournal journal = new RunJournal(ctx.store, ctx.audit, ctx.clock);
                RunRecord r = journal.find(runId).orElseThrow(() -> new Hsmc.UserError("There is no run " + runId + "."));
                List<StepRecord> steps = journal.steps(runId);
                PrintWriter out = spec.commandLine().getOut();
                if (json) {
                    out.println(Json.write(java.util.Map.of("run", r, "steps", steps)));
                    return Hsmc.EXIT_OK;
                }
                out.println(r.id() + "  " + r.type() + "  " + r.state() + "  " + r.title());
                out.println("script " + r.source() + " SHA-256 " + r.scriptSha256());
                steps.forEach(s -> out.printf("  [%d] %-8s %s%s%n", s.number(), s.state(), s.name(),
                        s.result() == null ? "" : " — " + s.result()));
                return Hsmc.EXIT_OK;
            }
        }
    }

    /** The runner of every ceremony type, for this console home. */
    static CeremonyRuns runs(ConsoleContext ctx) {
        return new CeremonyRuns(ctx.store, ctx.audit, ctx.clock, new SecureRandom(), ctx::hsm, ctx::card, ctx.profile.site())
                .lmkBackupPolicy(ctx.profile.lmkBackup()).exportSessions(ExportSettings.hsmSessions(ctx.home));
    }

    /**
     * A run that failed or was stopped: its message, then the way forward (resume or abort, with the run id),
     * as a refusal for the command line.
     */
    static RuntimeException stopped(ConsoleContext ctx, RuntimeException e) {
        var failed = new RunJournal(ctx.store, ctx.audit, ctx.clock).recent(1).stream()
                .filter(r -> r.state() == RunState.FAILED).findFirst();
        if (failed.isEmpty()) {
            return e;
        }
        String message = e instanceof org.hsmc.pkcs11.Pkcs11Exception p ? p.userMessage() + "\n  details: " + p.getMessage()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new Hsmc.UserError(message + "\nRun " + failed.get().id() + " is " + failed.get().state() + ". Fix the cause, then"
                + " resume it:  hsmc ceremony resume " + failed.get().id() + "\nor put back what it did:  hsmc ceremony abort "
                + failed.get().id() + " --reason TEXT");
    }

    @Command(name = "deviation", description = "Record a deviation from the script, at any moment of a run (or after it):"
            + " the step, what happened and what was done instead. Audited; the run's report lists it under its own heading.")
    static final class Deviation implements Callable<Integer> {
        @Parameters(paramLabel = "RUN")
        String runId;
        @Option(names = "--step", paramLabel = "N", defaultValue = "0", description = "The step, numbered as the printed script"
                + " numbers it (0: before the first step, or no single step).")
        int step;
        @Option(names = "--what", paramLabel = "TEXT", required = true, description = "What happened.")
        String what;
        @Option(names = "--instead", paramLabel = "TEXT", required = true, description = "What was done instead.")
        String instead;
        @Option(names = "--by", paramLabel = "NAME", required = true, description = "Who records it (the operator).")
        String by;
        @Mixin
        HomeOption home = new HomeOption();
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                new org.hsmc.ceremony.run.Deviations(ctx.store, ctx.audit, ctx.clock).record(runId, step, what, instead, by);
                spec.commandLine().getOut().println("Deviation recorded for run " + runId + (step > 0 ? ", step " + step : "")
                        + ". The run's report lists it.");
                return Hsmc.EXIT_OK;
            } catch (IllegalArgumentException e) {
                throw new Hsmc.UserError(e.getMessage());
            }
        }
    }

    /** What resume and abort share: the run, the home, the rehearsal PIN file, and the runner. */
    abstract static class OnInterruptedRun implements Callable<Integer> {
        @Parameters(paramLabel = "RUN")
        String runId;
        @Mixin
        HomeOption home = new HomeOption();
        @Option(names = "--rehearsal-pins", paramLabel = "FILE", description = "Rehearsal only: PINs from FILE.")
        Path rehearsalPins;
        @Spec
        CommandSpec spec;

        abstract int act(CeremonyRuns runs, TerminalConsole console, PrintWriter out);

        @Override
        public Integer call() {
            try (ConsoleContext ctx = ConsoleContext.open(home.resolve())) {
                PrintWriter out = spec.commandLine().getOut();
                TerminalConsole console = new TerminalConsole(ctx, out, rehearsalPins == null ? null : new RehearsalPins(rehearsalPins));
                try {
                    return act(runs(ctx), console, out);
                } catch (RunException e) {
                    throw new Hsmc.UserError(e.getMessage());
                }
            }
        }
    }

    @Command(name = "resume", description = "Resume a failed or interrupted run (of any type) from its first step not done.")
    static final class Resume extends OnInterruptedRun {
        @Override
        int act(CeremonyRuns runs, TerminalConsole console, PrintWriter out) {
            RunRecord r;
            try {
                r = runs.resume(runId, console);
            } catch (CeremonyStoppedException e) {
                throw new Hsmc.UserError(e.getMessage() + "\nRun " + runId + " is FAILED. Resume it again:  hsmc ceremony resume "
                        + runId + "\nor put back what it did:  hsmc ceremony abort " + runId + " --reason TEXT");
            }
            out.println("Run " + r.id() + ": " + r.state() + (r.failure() == null ? "" : " (" + r.failure() + ")"));
            return exitFor(r);
        }
    }

    @Command(name = "abort", description = "Abort a failed or interrupted run (of any type): put back what it did (an"
            + " initialize needs no quorum; others a quorum, which destroys what the run left in the HSM and withdraws the"
            + " keys it made), name what could not be put back, and record the run ABORTED.")
    static final class Abort extends OnInterruptedRun {
        @Option(names = "--reason", required = true, description = "Why (recorded).")
        String reason;

        @Override
        int act(CeremonyRuns runs, TerminalConsole console, PrintWriter out) {
            RunResolution res = runs.abort(runId, console, reason);
            res.undone().forEach(u -> out.println("  put back: " + u));
            res.notUndone().forEach(u -> out.println("  NOT put back: " + u));
            RunRecord r = res.run();
            out.println("Run " + r.id() + ": " + r.state());
            return r.state() == RunState.ABORTED ? Hsmc.EXIT_OK : Hsmc.EXIT_REFUSED;
        }
    }
}
