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

    /** The two PINs of an enrolment. */
    record EnrolmentPins(char[] transportPin, char[] newPin) {
    }

    /** The PIN of a card for the check pass after a split (initialize); the engine wipes it. */
    char[] checkPin(String custodian, String cardLabel);

    /** A component handed over: for the form, the zone, key, and both KCVs; the value itself. */
    record ComponentDelivery(String runId, String zone, String keyId, int version, int index, int count, String holder,
                             byte[] value, String componentKcv, String combinedKcv) {
    }

    /** A component to be typed, with the KCV it must match. */
    record ComponentRequest(String zone, String keyId, int index, int count, String expectedKcv, int attempt) {
    }
}
