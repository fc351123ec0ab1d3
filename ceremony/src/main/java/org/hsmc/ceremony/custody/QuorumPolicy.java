package org.hsmc.ceremony.custody;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may approve an operation, beyond "M distinct cards of distinct holders": the roles that may
 * approve at all, and a minimum number of approvals per role (for example "M custodians and one
 * security officer"). Stored as text, e.g. {@code roles=KEY_CUSTODIAN,SECURITY_OFFICER;min.SECURITY_OFFICER=1}.
 */
public record QuorumPolicy(Set<Role> allowedRoles, Map<Role, Integer> minimum) {

    /** The default: key custodians and security officers approve, no role minimum. */
    public static final QuorumPolicy DEFAULT = new QuorumPolicy(EnumSet.of(Role.KEY_CUSTODIAN, Role.SECURITY_OFFICER), Map.of());

    public QuorumPolicy {
        if (allowedRoles.isEmpty()) {
            throw new IllegalArgumentException("A policy must allow at least one role to approve");
        }
        allowedRoles = Set.copyOf(allowedRoles);
        minimum = Map.copyOf(minimum);
        for (Map.Entry<Role, Integer> e : minimum.entrySet()) {
            if (!allowedRoles.contains(e.getKey()) || e.getValue() < 0) {
                throw new IllegalArgumentException("min." + e.getKey() + " needs that role among the allowed roles and a count ≥ 0");
            }
        }
    }

    /** Also requires at least {@code count} approvals from {@code role}. */
    public QuorumPolicy requiring(Role role, int count) {
        Map<Role, Integer> m = new EnumMap<>(Role.class);
        m.putAll(minimum);
        m.put(role, count);
        return new QuorumPolicy(allowedRoles, m);
    }

    public String text() {
        String roles = allowedRoles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
        String mins = minimum.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> ";min." + e.getKey().name() + "=" + e.getValue()).collect(Collectors.joining());
        return "roles=" + roles + mins;
    }

    public static QuorumPolicy parse(String text) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Map<Role, Integer> min = new EnumMap<>(Role.class);
        for (String part : text.split(";")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("policy part '" + part + "' is not key=value");
            }
            if (kv[0].equals("roles")) {
                for (String r : kv[1].split(",")) {
                    roles.add(Role.valueOf(r.trim()));
                }
            } else if (kv[0].startsWith("min.")) {
                min.put(Role.valueOf(kv[0].substring(4)), Integer.parseInt(kv[1].trim()));
            } else {
                throw new IllegalArgumentException("unknown policy key '" + kv[0] + "'");
            }
        }
        return new QuorumPolicy(roles, min);
    }

    /** Approvals still owed to each role's minimum, given the roles that approved so far. */
    Map<Role, Integer> owed(Map<Role, Integer> approvedSoFar) {
        Map<Role, Integer> owed = new EnumMap<>(Role.class);
        minimum.forEach((role, n) -> {
            int left = n - approvedSoFar.getOrDefault(role, 0);
            if (left > 0) {
                owed.put(role, left);
            }
        });
        return owed;
    }
}
