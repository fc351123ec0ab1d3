package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code revoke-card}: a card can never approve again. The credential is re-shared over the other
 * cards and rotated, so the card's share opens nothing (N shrinks).
 *
 * @param card   the card's token label
 * @param reason why, 1–500 characters
 */
public record RevokeCardScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes, String card, String reason) implements CeremonyScript {
    public RevokeCardScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.REVOKE_CARD;
    }
}
