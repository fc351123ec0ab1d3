package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code unblock-card}: a locked card (or a forgotten PIN) is reset through the card's own security
 * officer path; the holder sets a new PIN, the card then opens its share, and the console's count of
 * wrong PINs is cleared.
 *
 * @param card   the card's token label
 * @param reason why, 1–500 characters
 */
public record UnblockCardScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes, String card, String reason) implements CeremonyScript {
    public UnblockCardScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(card, "card");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.UNBLOCK_CARD;
    }
}
