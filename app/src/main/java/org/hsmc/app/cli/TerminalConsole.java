package org.hsmc.app.cli;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.ceremony.i18n.Words;
import org.hsmc.ceremony.run.CeremonyConsole;
import org.hsmc.ceremony.run.PinRefusal;
import org.hsmc.ceremony.run.StepRecord;
import org.hsmc.reports.ReportLanguage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The people in the room, on a terminal: PINs are read without echo (or, in a rehearsal, from the PIN
 * file), steps and refusals are printed as they happen. Each key component's form is printed (the
 * site's printer, or a rehearsal home's folder); interactively the component is also shown once, for
 * its holder only, written character by character from a wiped {@code char[]}.
 */
final class TerminalConsole implements CeremonyConsole {

    private static final Words WORDS = Words.of(java.util.Locale.ENGLISH);

    private final ConsoleContext ctx;
    private final PrintWriter out;
    private final RehearsalPins rehearsal;
    private final Set<String> tried = new HashSet<>();
    /** Refused attempts per PIN file key, in a rehearsal: the next PIN is read from KEY.(n+1). */
    private final java.util.Map<String, Integer> attempts = new java.util.HashMap<>();
    private int quorumCursor;

    TerminalConsole(ConsoleContext ctx, PrintWriter out, RehearsalPins rehearsal) {
        this.ctx = ctx;
        this.out = out;
        this.rehearsal = rehearsal;
    }

    /** The card token with this label (for consoles that reuse this one's form printing). */
    org.hsmc.pkcs11.Token card(String label) {
        return ctx.card(label);
    }

    @Override
    public Optional<CardAndPin> nextCard(QuorumSession quorum) {
        out.printf("Quorum for %s: %d of %d cards%n", quorum.operation(), quorum.approvals().size(), quorum.required());
        out.flush();
        if (rehearsal != null) {
            List<String> order = rehearsal.quorumCards();
            if (quorumCursor >= order.size()) {
                out.println("The rehearsal PIN file lists no further card; the quorum stops here.");
                return Optional.empty();
            }
            String label = order.get(quorumCursor++);
            out.println("  card '" + label + "' presented (PIN from the rehearsal file)");
            return Optional.of(new CardAndPin(ctx.card(label), rehearsal.get("card." + label + ".pin")));
        }
        List<String> present = ctx.cardLabels().stream().filter(l -> !tried.contains(l)).toList();
        String label = ask("Insert your card; then type its label " + present + " (empty to stop): ");
        if (label == null || label.isBlank()) {
            return Optional.empty();
        }
        tried.add(label.trim());
        char[] pin = secret("PIN for card '" + label.trim() + "': ");
        return Optional.of(new CardAndPin(ctx.card(label.trim()), pin));
    }

    @Override
    public void refused(QuorumRefusal refusal) {
        out.println("  REFUSED (" + WORDS.refusal(refusal.kind()) + "): " + refusal.getMessage());
        out.flush();
    }

    @Override
    public void approved(QuorumSession.Approval approval, int have, int need) {
        out.printf("  accepted: %s, card %s (%d of %d)%n", approval.holder().name(), approval.serial(), have, need);
        out.flush();
    }

    @Override
    public void step(int number, String name, StepRecord.State state, String result) {
        switch (state) {
            case STARTED -> out.printf("[%d] %s …%n", number, name);
            case DONE -> out.printf("[%d] done: %s%n", number, result);
            case FAILED -> out.printf("[%d] FAILED: %s%n", number, result.replace("\ndetails:", "\n    details:"));
        }
        out.flush();
    }

    @Override
    public void progress(String step, long done, long total) {
        if (total > 0) {
            out.printf("      %s: %d of %d%n", step, done, total);
            out.flush();
        }
    }

    @Override
    public void deliverComponent(ComponentDelivery d) {
        out.printf("Component %d of %d of %s for %s: component KCV %s, key KCV %s%n", d.index(), d.count(), d.keyId(),
                d.holder(), d.componentKcv(), d.combinedKcv());
        String where = ComponentText.printForm(d, ReportLanguage.of(ctx.profile.forms().language()), ctx.formPrinter(), Instant.now());
        out.println("    component form printed: " + where);
        out.flush();
        if (rehearsal == null && System.console() != null) {
            ask(d.holder() + " alone at the screen, press Enter to show the component once (it is on the form as well): ");
            char[] groups = ComponentText.groups(d.value(), 8);
            try {
                out.print("    ");
                for (char ch : groups) {
                    out.write(ch == '\n' ? ' ' : ch);
                }
                out.println();
                out.flush();
            } finally {
                Arrays.fill(groups, '\0');
            }
            ask("Press Enter to clear the screen: ");
            out.print("\033[2J\033[3J\033[H");
        }
        out.flush();
    }

    @Override
    public char[] typeComponent(ComponentRequest r) {
        if (rehearsal != null) {
            return rehearsal.get("component." + r.keyId() + "." + r.index());
        }
        return secret("Component " + r.index() + " of " + r.count() + " of " + r.keyId() + " (64 hex digits, KCV "
                + r.expectedKcv() + (r.attempt() > 1 ? ", attempt " + r.attempt() : "") + "): ");
    }

    @Override
    public char[] hsmUserPin(String tokenLabel) {
        return rehearsal != null ? rehearsal.get(attemptKey("hsm.pin"))
                : secret("Current user PIN of the HSM token '" + tokenLabel + "': ");
    }

    /**
     * A PIN was refused: the message, the tries left, the details on a line of their own; then, at a
     * terminal, whether to type it again. A rehearsal answers again only when its file has the next attempt
     * ({@code KEY.2}, {@code KEY.3} …), so that a file never locks a card by repeating a wrong PIN.
     */
    @Override
    public boolean pinRefused(PinRefusal r) {
        out.println("  REFUSED: " + r.message());
        if (!r.details().isEmpty()) {
            out.println("    details: " + r.details());
        }
        out.flush();
        if (!r.mayRetry()) {
            return false;
        }
        if (rehearsal != null) {
            int next = attempts.merge(retryKey(r), 1, Integer::sum) + 1;
            boolean has = rehearsal.has(retryKey(r) + "." + next);
            if (!has) {
                attempts.remove(retryKey(r));
                out.println("  The rehearsal PIN file has no attempt " + next + " (" + retryKey(r) + "." + next + "); the run stops.");
            } else {
                out.println("  attempt " + next + " from the rehearsal PIN file");
            }
            out.flush();
            return has;
        }
        String answer = ask("Type it again? [Y/n] ");
        return answer != null && !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("n");
    }

    @Override
    public Optional<CardReset> cardReset(String custodian, String cardLabel) {
        if (rehearsal != null) {
            return Optional.of(new CardReset(rehearsal.get(attemptKey("card." + cardLabel + ".pin")),
                    rehearsal.get("card." + cardLabel + ".transport")));
        }
        out.println(custodian + ", insert card '" + cardLabel + "' to put it back as it was before enrolment.");
        String go = ask("Press Enter to go on, or type 'skip' if the card cannot be reset now: ");
        if (go == null || go.trim().equalsIgnoreCase("skip")) {
            return Optional.empty();
        }
        char[] pin = secret("Your PIN of the card: ");
        return Optional.of(new CardReset(pin, secret("The card's transport PIN, to set back: ")));
    }

    /** Which file key a retry of {@code r} reads. */
    private static String retryKey(PinRefusal r) {
        return switch (r.prompt()) {
            case HSM_USER_PIN -> "hsm.pin";
            case TRANSPORT_PIN, NEW_PIN -> "card." + r.token() + ".transport";
            case CARD_PIN, QUORUM_PIN -> "card." + r.token() + ".pin";
        };
    }

    /** {@code key}, or {@code key.N} when attempt N of that prompt is due. */
    private String attemptKey(String key) {
        Integer n = attempts.get(key);
        return n == null ? key : key + "." + (n + 1);
    }

    @Override
    public EnrolmentPins enrolmentPins(String custodian, String cardLabel) {
        if (rehearsal != null) {
            String transport = attemptKey("card." + cardLabel + ".transport");
            return new EnrolmentPins(rehearsal.get(transport), rehearsal.get("card." + cardLabel + ".pin"));
        }
        out.println(custodian + ", insert card '" + cardLabel + "'.");
        char[] transport = secret("Transport PIN of the card: ");
        char[] a = secret("Your new PIN: ");
        char[] b = secret("Your new PIN again: ");
        return new EnrolmentPins(transport, a, b); // the engine compares the two, and asks again when they differ
    }

    @Override
    public EnrolmentPins unblockPins(String custodian, String cardLabel) {
        if (rehearsal != null) {
            return new EnrolmentPins(rehearsal.get("card." + cardLabel + ".so"), rehearsal.get("card." + cardLabel + ".pin"));
        }
        out.println("Unblocking card '" + cardLabel + "' of " + custodian + ": insert the card.");
        char[] so = secret("The card's security officer PIN (from the card issuer's sealed sheet): ");
        while (true) {
            char[] a = secret(custodian + ", your new PIN: ");
            char[] b = secret(custodian + ", your new PIN again: ");
            if (java.util.Arrays.equals(a, b)) {
                java.util.Arrays.fill(b, '\0');
                return new EnrolmentPins(so, a);
            }
            java.util.Arrays.fill(a, '\0');
            java.util.Arrays.fill(b, '\0');
            out.println("The two PINs differ; type them again.");
        }
    }

    @Override
    public char[] checkPin(String custodian, String cardLabel) {
        return rehearsal != null ? rehearsal.get(attemptKey("card." + cardLabel + ".pin"))
                : secret(custodian + ", insert card '" + cardLabel + "' and type its PIN: ");
    }

    private char[] secret(String prompt) {
        java.io.Console c = System.console();
        if (c == null) {
            throw new Hsmc.UserError("There is no terminal to type a PIN on. Run the command in a terminal, or use"
                    + " --rehearsal-pins FILE for a rehearsal.");
        }
        char[] v = c.readPassword("%s", prompt);
        if (v == null) {
            throw new Hsmc.UserError("No PIN was typed; the ceremony stops.");
        }
        return v;
    }

    private String ask(String prompt) {
        java.io.Console c = System.console();
        if (c != null) {
            out.flush();
            return c.readLine("%s", prompt); // the same reader as the PINs: nothing typed ahead is lost between them
        }
        out.print(prompt);
        out.flush();
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }
}
