package org.hsmc.ceremony.script;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code change-quorum}: a new M, a new set of cards (N) and/or new role rules. The credential is
 * re-shared under the old quorum and rotated; every card of the new set is checked.
 *
 * @param threshold the new M
 * @param cards     the token labels of the cards that hold shares; empty: every card of the current set
 * @param rule      the new role rule of every operation without its own; empty: unchanged
 */
public record ChangeQuorumScript(int format, String title, String operator, List<String> witnesses, Optional<String> notes, int threshold, Optional<List<String>> cards, Optional<RoleRule> rule) implements CeremonyScript {
    public ChangeQuorumScript {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(operator, "operator");
        witnesses = List.copyOf(witnesses);
        Objects.requireNonNull(notes, "notes");
        cards = Objects.requireNonNull(cards, "cards").map(List::copyOf);
        Objects.requireNonNull(rule, "rule");
    }

    @Override
    public CeremonyType type() {
        return CeremonyType.CHANGE_QUORUM;
    }
}
