package org.hsmc.ceremony.run;

import java.util.OptionalInt;

/**
 * A PIN typed at a prompt was not accepted; the step stays open. {@code message} is the sentence for the
 * person at the console (what happened and what to do); {@code details} the technical line (the PKCS#11
 * function and code), or empty; it never goes into the main sentence.
 *
 * @param prompt     which prompt
 * @param person     who typed it (a custodian, or the operator for the HSM PIN)
 * @param token      the card's or the HSM's token label
 * @param triesLeft  tries left before the card (or the console's count) locks it, when known
 * @param locked     the card is locked: typing again cannot help; unblock or replace it, or stop
 * @param attempt    the attempt that was refused (1 for the first)
 * @param reason     why, for a message in another language ({@code org.hsmc.ceremony.i18n.Words#pinRefusal})
 */
public record PinRefusal(PinPrompt prompt, String person, String token, OptionalInt triesLeft, boolean locked, int attempt,
                         String message, String details, Reason reason) {

    /** Why a PIN was refused. */
    public enum Reason {
        /** The token did not accept it; {@code triesLeft} says how many more the console asks for. */
        WRONG_PIN,
        /** The card (or the HSM token) is locked, or the console stopped asking: unblock or replace it. */
        LOCKED,
        /** The two new PINs typed at enrolment differ. */
        NEW_PINS_DIFFER,
        /** The new PIN does not meet the card's rules (length, characters). */
        NEW_PIN_RULE
    }

    /** True when the console may ask again. */
    public boolean mayRetry() {
        return !locked && (triesLeft.isEmpty() || triesLeft.getAsInt() > 0);
    }
}
