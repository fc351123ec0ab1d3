package org.hsmc.ceremony.run;

/**
 * The kinds of PIN prompt a ceremony has. Each wrong answer at one of them keeps its step open: the
 * console is told ({@link CeremonyConsole#pinRefused}) and asks again, or the officer stops.
 */
public enum PinPrompt {
    /** The HSM token's current user PIN, typed by the officer to adopt the token (initialize) or to undo an initialize. */
    HSM_USER_PIN,
    /** A new card's transport PIN, when its holder enrols it. */
    TRANSPORT_PIN,
    /** The new PIN a holder chooses at enrolment, typed twice. */
    NEW_PIN,
    /** A holder's own card PIN: the check pass after a split, or the undo of an enrolment. */
    CARD_PIN,
    /** A card PIN presented for a quorum. */
    QUORUM_PIN
}
