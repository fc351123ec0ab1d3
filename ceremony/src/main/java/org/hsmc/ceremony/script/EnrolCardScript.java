package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code enrol-card}: a card for a new custodian, or a spare card for an existing one. The credential is
 * re-shared and rotated so that the new card holds a share (N grows); the new card is checked.
 *
 * @param holder the custodian who receives the card, by name
 * @param role   given for a new custodian (their role); empty for an existing one
 * @param card   the new card's token label
 */
public record EnrolCardScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes, String holder, Optional<org.hsmc.ceremony.custody.Role> role, String card) implements CeremonyScript {
    public EnrolCardScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(card, "card");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.ENROL_CARD;
    }
}
