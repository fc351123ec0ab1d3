package org.hsmc.ceremony.custody;

/** What the shares of a card set rebuild. */
public enum CardSetPurpose {
    /** The HSM credential (the HSM token's user PIN). */
    ADMIN,
    /** The LMK backup. */
    RECOVERY
}
