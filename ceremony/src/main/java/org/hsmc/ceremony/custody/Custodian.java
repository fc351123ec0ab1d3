package org.hsmc.ceremony.custody;

import java.util.Objects;

/** A person known to the console, with their role. */
public record Custodian(String id, String name, Role role) {
    public Custodian {
        Objects.requireNonNull(id);
        Objects.requireNonNull(role);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("A custodian needs a name");
        }
    }
}
