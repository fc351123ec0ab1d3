package org.hsmc.ceremony.run;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.PinLockedException;
import org.hsmc.pkcs11.PinPolicyException;
import org.hsmc.pkcs11.Pkcs11Exception;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One PIN prompt that keeps its step open: the action is tried with what the person typed; a wrong PIN
 * (or a new PIN that the card refuses, or two new PINs that differ) is audited, shown with the tries left,
 * and asked again, until it is accepted, the card is locked, or the officer stops. The tries left are the
 * card's own (CKF_USER_PIN_FINAL_TRY) or the console's count, whichever is fewer: the console stops asking
 * after {@link #LIMIT} wrong PINs at one prompt, so that a card is never locked by the console's asking.
 */
final class PinAttempts {

    /** Wrong PINs at one prompt after which the console stops asking (as for a quorum card). */
    static final int LIMIT = QuorumSession.MAX_PIN_TRIES;

    /** One try: reads the PINs from the console, uses them, wipes them; throws {@link Refused} or a PIN exception. */
    @FunctionalInterface
    interface Attempt<T> {
        T run(int attempt);
    }

    /** A PIN refused by the console itself (two new PINs that differ, a new PIN of the wrong length). */
    static final class Refused extends RuntimeException {
        final PinPrompt prompt;
        final PinRefusal.Reason reason;

        Refused(PinPrompt prompt, PinRefusal.Reason reason, String message) {
            super(message);
            this.prompt = prompt;
            this.reason = reason;
        }
    }

    private final AuditLog audit;
    private final CeremonyConsole console;
    private final String runId;

    PinAttempts(AuditLog audit, CeremonyConsole console, String runId) {
        this.audit = audit;
        this.console = console;
        this.runId = runId;
    }

    /**
     * Runs {@code attempt} until it succeeds. {@code prompt} is the prompt a wrong PIN is charged to unless
     * the failure names another (a refused new PIN at enrolment). Throws {@link CeremonyStoppedException}
     * when the officer stops or the card is locked; any other failure passes through.
     */
    <T> T until(PinPrompt prompt, String person, String token, Attempt<T> attempt) {
        int wrong = 0;
        for (int n = 1; ; n++) {
            PinRefusal refusal;
            try {
                return attempt.run(n);
            } catch (Refused r) {
                refusal = new PinRefusal(r.prompt, person, token, OptionalInt.empty(), false, n, r.getMessage(), "", r.reason);
            } catch (RuntimeException e) {
                Pkcs11Exception p = pinFailure(e);
                if (p == null) {
                    throw e;
                }
                refusal = refusal(prompt, person, token, n, p, ++wrong);
            }
            record(refusal);
            boolean again = console.pinRefused(refusal) && refusal.mayRetry();
            if (!again) {
                throw new CeremonyStoppedException(stopped(refusal), refusal);
            }
        }
    }

    private static PinRefusal refusal(PinPrompt prompt, String person, String token, int n, Pkcs11Exception p, int wrong) {
        String details = p.getMessage();
        if (p instanceof PinLockedException) {
            return new PinRefusal(prompt, person, token, OptionalInt.of(0), true, n, locked(prompt, token), details,
                    PinRefusal.Reason.LOCKED);
        }
        if (p instanceof PinPolicyException) {
            return new PinRefusal(PinPrompt.NEW_PIN, person, token, OptionalInt.empty(), false, n,
                    "The card '" + token + "' does not accept that new PIN (its length or characters). Choose another"
                            + " and type it twice.", details, PinRefusal.Reason.NEW_PIN_RULE);
        }
        PinIncorrectException wrongPin = (PinIncorrectException) p;
        int left = LIMIT - wrong;
        if (wrongPin.triesLeft().isPresent()) {
            left = Math.min(left, wrongPin.triesLeft().getAsInt());
        }
        if (left <= 0) {
            return new PinRefusal(prompt, person, token, OptionalInt.of(0), true, n, locked(prompt, token)
                    + " The console stops asking after " + LIMIT + " wrong PINs, before the card itself locks.", details,
                    PinRefusal.Reason.LOCKED);
        }
        String what = switch (prompt) {
            case HSM_USER_PIN -> "The user PIN of the HSM token '" + token + "' was not accepted.";
            case TRANSPORT_PIN -> "The transport PIN of card '" + token + "' was not accepted.";
            default -> "The PIN of card '" + token + "' was not accepted.";
        };
        return new PinRefusal(prompt, person, token, OptionalInt.of(left), false, n, what + " " + left
                + (left == 1 ? " try is" : " tries are") + " left before the console stops asking"
                + (wrongPin.countLow() ? " (the card warns that its own count is low)" : "") + ".", details,
                PinRefusal.Reason.WRONG_PIN);
    }

    private static String locked(PinPrompt prompt, String token) {
        return prompt == PinPrompt.HSM_USER_PIN
                ? "The HSM token '" + token + "' is locked: its security officer must unblock it. Stop here; the run can be"
                + " resumed once it is unblocked, or aborted."
                : "The card '" + token + "' is locked. Unblock it with its security officer PIN (unblock-card), or replace it"
                + " with another card. Stop here; the run can be resumed once the card works again, or aborted.";
    }

    private static String stopped(PinRefusal r) {
        return "Stopped at the " + switch (r.prompt()) {
            case HSM_USER_PIN -> "HSM user PIN";
            case TRANSPORT_PIN -> "transport PIN";
            case NEW_PIN -> "new PIN";
            case CARD_PIN, QUORUM_PIN -> "card PIN";
        } + " of '" + r.token() + "' (" + r.person() + "): " + r.message() + " Resume the run when this is fixed, or abort it.";
    }

    private void record(PinRefusal r) {
        Map<String, String> d = new LinkedHashMap<>();
        if (runId != null) {
            d.put("run", runId);
        }
        d.put("prompt", r.prompt().name());
        d.put("token", r.token());
        d.put("attempt", Integer.toString(r.attempt()));
        r.triesLeft().ifPresent(t -> d.put("tries_left", Integer.toString(t)));
        d.put("locked", Boolean.toString(r.locked()));
        d.put("reason", r.details().isEmpty() ? r.message() : r.details());
        audit.append(new AuditEvent(r.person(), "pin.refused", Outcome.REFUSED, d));
    }

    /** The PIN failure behind {@code e} (itself or its cause), or null. */
    static Pkcs11Exception pinFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PinIncorrectException || t instanceof PinLockedException || t instanceof PinPolicyException) {
                return (Pkcs11Exception) t;
            }
        }
        return null;
    }
}
