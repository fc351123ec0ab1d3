package org.hsmc.app.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends a form to the system printer through a command that reads the document on its standard
 * input: CUPS {@code lp} by default ({@code forms.print_command} in the site profile, e.g.
 * {@code lp -d custodian-printer}). The PDF goes through a pipe, never through a file.
 */
public final class CommandFormPrinter implements FormPrinter {

    private static final long TIMEOUT_SECONDS = 60;
    private final List<String> command;

    public CommandFormPrinter(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("A print command needs at least the program's name");
        }
        this.command = List.copyOf(command);
    }

    List<String> command() {
        return command;
    }

    @Override
    public String print(Form form, byte[] pdf) {
        List<String> cmd = new ArrayList<>(command);
        if (isLp()) {
            cmd.addAll(List.of("-t", form.title()));
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new FormPrintException("The component form (" + form.title() + ") cannot be printed: the print command '"
                    + command.getFirst() + "' cannot be started (" + e.getMessage() + "). Install CUPS (Debian: cups-client) and set"
                    + " up the printer, or set forms.print_command in the site profile; then resume the ceremony.", e);
        }
        CompletableFuture<byte[]> output = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getInputStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        try (OutputStream in = p.getOutputStream()) {
            in.write(pdf);
        } catch (IOException e) {
            p.destroyForcibly();
            throw new FormPrintException("The component form (" + form.title() + ") could not be handed to '" + command.getFirst()
                    + "': " + e.getMessage() + ". Check the printer, then resume the ceremony.", e);
        }
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FormPrintException("The print command '" + command.getFirst() + "' did not finish within " + TIMEOUT_SECONDS
                        + " s. Check the printer, then resume the ceremony.");
            }
            String said = new String(output.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                throw new FormPrintException("The printer refused the component form (" + form.title() + "): '" + command.getFirst()
                        + "' ended with exit code " + p.exitValue() + (said.isEmpty() ? "" : " (" + said + ")")
                        + ". Check the printer, then resume the ceremony.");
            }
            return "sent to the printer with " + String.join(" ", command) + (said.isEmpty() ? "" : " (" + said + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new FormPrintException("Printing the component form was interrupted.", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return "sent to the printer with " + String.join(" ", command);
        }
    }

    private boolean isLp() {
        String program = command.getFirst();
        return program.equals("lp") || program.endsWith("/lp");
    }
}
