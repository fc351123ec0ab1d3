package org.hsmc.app.support;

import org.hsmc.app.cli.Hsmc;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code hsmc} in this JVM as a user would type it, and captures what it prints. */
public final class Cli {

    private Cli() {
    }

    /** The exit code and what went to standard output and standard error. */
    public record Result(int exit, String out, String err) {
    }

    /** {@code hsmc ARGS}, with stdout and stderr captured (UTF-8) and put back afterwards. */
    public static Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Hsmc.run(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
