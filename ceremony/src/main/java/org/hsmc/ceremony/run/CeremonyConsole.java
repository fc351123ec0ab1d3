package org.hsmc.ceremony.run;

import org.hsmc.ceremony.custody.QuorumRefusal;
import org.hsmc.ceremony.custody.QuorumSession;
import org.hsmc.pkcs11.Token;

import java.util.Optional;

/**
 * The people in the room, as the engine sees them: the screen (or the terminal) through which
 * custodians present cards and type PINs, receive or type key components, and follow the steps. The
 * GUI and the command line each implement it; the engine calls it from its background thread.
 */
public interface CeremonyConsole {

    /** A card presented with its PIN; the engine wipes the PIN after use. */
    record CardAndPin(Token card, char[] pin) {
    }

    /**
     * Asks for the next card of the quorum ("insert your card and type your PIN"). Empty means the
     * operator stops forming the quorum; the run is then aborted.
     */
    Optional<CardAndPin> nextCard(QuorumSession quorum);

    /** A card was refused; the quorum goes on. */
    void refused(QuorumRefusal refusal);

    /** A card was accepted. */
    void approved(QuorumSession.Approval approval, int have, int need);

    /**
     * The operator ticks step {@code number} before it runs (the GUI's checklist); false stops the
     * run before the step (ABORTED, nothing of the step done). The command line and rehearsals proceed.
     */
    default boolean confirmStep(int number, String name) {
        return true;
    }

    /** A step started, finished or failed. */
    void step(int number, String name, StepRecord.State state, String result);

    /** Progress inside a long step. */
    void progress(String step, long done, long total);

    /**
     * Hands key component {@code index} (1-based, of {@code count}) to its holder: printed on a form or
     * shown once. The implementation must not keep the value; the engine wipes it afterwards.
     */
    void deliverComponent(ComponentDelivery delivery);

    /** Asks the holder of component {@code index} to type it (hex); the engine wipes the result. */
    char[] typeComponent(ComponentRequest request);

    /** The HSM token's current user PIN, typed by the officer once, to adopt the token (initialize). */
    char[] hsmUserPin(String tokenLabel);

    /**
     * The custodian at the card: the card's transport PIN and the new PIN they choose (initialize,
     * enrolment). The engine wipes both.
     */
    EnrolmentPins enrolmentPins(String custodian, String cardLabel);

    /**
     * Unblocking a card (unblock-card): the card's security officer PIN (in {@code transportPin}), typed by
     * whoever keeps it, and the new PIN its holder chooses. The engine wipes both. A console that cannot ask
     * for them refuses, naming the ceremony.
     */
    default EnrolmentPins unblockPins(String custodian, String cardLabel) {
        throw new UnsupportedOperationException("This console cannot ask for a card's security officer PIN; run"
                + " unblock-card from the command line (hsmc ceremony run) instead.");
    }

    /**
     * The PINs of an enrolment: the transport PIN, the new PIN, and the new PIN typed again. When
     * {@code newPinAgain} is null the console has compared the two itself; otherwise the engine compares
     * them and, when they differ, refuses the attempt ({@link PinPrompt#NEW_PIN}) and asks again.
     */
    record EnrolmentPins(char[] transportPin, char[] newPin, char[] newPinAgain) {
        /** The console compared the two new PINs itself. */
        public EnrolmentPins(char[] transportPin, char[] newPin) {
            this(transportPin, newPin, null);
        }
    }

    /** The PIN of a card for the check pass after a split (initialize); the engine wipes it. */
    char[] checkPin(String custodian, String cardLabel);

    /**
     * A PIN typed at one of the ceremony's prompts was not accepted (a wrong PIN, a locked card, two new
     * PINs that differ). The step stays open: show {@code refusal} (its message, its tries left, its
     * details line apart) and answer true to ask the same person again (the engine then calls the same
     * prompt again), false to stop. When {@link PinRefusal#mayRetry()} is false (a locked card) the
     * answer is not asked for: the run stops there, and can be resumed once the card is unblocked or
     * replaced, or aborted. By default the console stops.
     */
    default boolean pinRefused(PinRefusal refusal) {
        return false;
    }

    /**
     * Undoing an enrolment (abort of an initialize that never finished): the holder of {@code cardLabel}
     * types their PIN and the card's transport PIN, so that the console destroys the admin key it made on
     * the card and sets the transport PIN back. Empty when the holder cannot (the card is then named as
     * not put back). The engine wipes both PINs.
     */
    default Optional<CardReset> cardReset(String custodian, String cardLabel) {
        return Optional.empty();
    }

    /** The PINs that put an enrolled card back: the holder's PIN and the transport PIN to restore. */
    record CardReset(char[] pin, char[] transportPin) {
    }

    /** A component handed over: for the form, the zone, key, and both KCVs; the value itself. */
    record ComponentDelivery(String runId, String zone, String keyId, int version, int index, int count, String holder,
                             byte[] value, String componentKcv, String combinedKcv) {
    }

    /** A component to be typed, with the KCV it must match. */
    record ComponentRequest(String zone, String keyId, int index, int count, String expectedKcv, int attempt) {
    }
}
