package org.hsmc.app.cli;

import org.hsmc.pkcs11.Pkcs11Exception;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hsmc} command line. Exit codes: 0 done; 1 refused or failed (the message says why and
 * what to do); 2 the command line itself is wrong; 3 a ceremony was aborted before its steps (the
 * quorum was not formed).
 */
@Command(name = "hsmc", mixinStandardHelpOptions = true, versionProvider = Version.class, scope = CommandLine.ScopeType.INHERIT,
        description = "HSM Ceremony Console: key ceremonies on a PKCS#11 HSM with M-of-N admin cards.",
        subcommands = {DemoCommand.class, StatusCommand.class, CeremonyCommand.class, KeysCommand.class, ZonesCommand.class,
                AuditCommand.class, BackupCommand.Backup.class, BackupCommand.Restore.class, ReportCommand.class, BundleCommand.class,
                HsmCommand.class,
                ScriptCommand.class, // issue 17: the printed script
                CommandLine.HelpCommand.class})
public final class Hsmc {

    public static final int EXIT_OK = 0;
    public static final int EXIT_REFUSED = 1;
    public static final int EXIT_USAGE = 2;
    /** A ceremony was stopped before it changed anything (the quorum was not formed). */
    public static final int EXIT_ABORTED = 3;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Hsmc());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof Pkcs11Exception p) {
                cmd.getErr().println("hsmc: " + p.userMessage());
                if (!p.ckrName().isEmpty()) {
                    cmd.getErr().println("  details: " + p.getMessage()); // the PKCS#11 code, never in the sentence
                }
                org.slf4j.LoggerFactory.getLogger(Hsmc.class).debug("command failed", ex);
                return EXIT_REFUSED;
            }
            if (ex instanceof UserError u) {
                cmd.getErr().println("hsmc: " + u.getMessage());
                return EXIT_REFUSED;
            }
            org.slf4j.LoggerFactory.getLogger(Hsmc.class).debug("command failed", ex);
            if (isDomainRefusal(ex)) {
                // refusals of the domain (custody, keys, store, audit, ceremonies) carry their own sentence
                cmd.getErr().println("hsmc: " + ex.getMessage());
                return EXIT_REFUSED;
            }
            String code = "ERR-" + Integer.toHexString(ex.getClass().getName().hashCode() & 0xFFFF).toUpperCase(java.util.Locale.ROOT);
            cmd.getErr().println("hsmc: an internal error stopped the command (" + code + ": " + ex.getClass().getSimpleName()
                    + "). Nothing half-done was kept; quote the code when you report it. Details: run with -Dhsmc.log=DEBUG.");
            return EXIT_REFUSED;
        });
        return cl.execute(args);
    }

    private static boolean isDomainRefusal(Exception ex) {
        return ex.getMessage() != null && ex.getClass().getName().startsWith("org.hsmc.")
                && ex instanceof RuntimeException;
    }

    /** A refusal with a message for the person at the console. */
    static final class UserError extends RuntimeException {
        UserError(String message) {
            super(message);
        }
    }
}
