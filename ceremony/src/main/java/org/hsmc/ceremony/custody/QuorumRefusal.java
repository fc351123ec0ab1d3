package org.hsmc.ceremony.custody;

import java.util.OptionalInt;

/** A card (or the quorum as a whole) was refused. Each kind has its own message and its own audit entry. */
public final class QuorumRefusal extends CustodyException {

    /** Why. */
    public enum Kind {
        WRONG_PIN, LOCKED_CARD, UNKNOWN_CARD, OTHER_CARD_SET, REVOKED_CARD, SAME_CARD_TWICE, SAME_HOLDER_TWICE,
        ROLE_NOT_ALLOWED, TOO_FEW_CARDS, DAMAGED_SHARE, CREDENTIAL_REJECTED
    }

    private final Kind kind;
    private final OptionalInt triesLeft;

    public QuorumRefusal(Kind kind, String message, OptionalInt triesLeft) {
        super(message);
        this.kind = kind;
        this.triesLeft = triesLeft;
    }

    public Kind kind() {
        return kind;
    }

    /** For WRONG_PIN: the tries left before the console treats the card as locked. */
    public OptionalInt triesLeft() {
        return triesLeft;
    }
}
