package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code replace-card}: a card lost, damaged or whose holder leaves. The old card is revoked, the new
 * one enrolled (for the old card's holder unless {@code holder} names another custodian), the
 * credential re-shared and rotated, and the new card checked.
 *
 * @param card    the old card's token label
 * @param newCard the new card's token label
 * @param holder  who receives the new card; empty: the old card's holder
 * @param reason  why, 1–500 characters
 */
public record ReplaceCardScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes, String card, String newCard, Optional<String> holder, String reason) implements CeremonyScript {
    public ReplaceCardScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(newCard, "newCard");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.REPLACE_CARD;
    }
}
