package org.hsmc.ceremony.script;

import org.hsmc.ceremony.custody.Role;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A quorum's role rule as a {@code change-quorum} script writes it: the roles whose cards may approve,
 * and the fewest approvals each role must give.
 *
 * @param roles   the roles that may approve, at least one
 * @param minimum per role, the fewest approvals it must give (each role also in {@code roles})
 */
public record RoleRule(Set<Role> roles, Map<Role, Integer> minimum) {
    public RoleRule {
        roles = Set.copyOf(Objects.requireNonNull(roles, "roles"));
        minimum = Map.copyOf(Objects.requireNonNull(minimum, "minimum"));
    }
}
