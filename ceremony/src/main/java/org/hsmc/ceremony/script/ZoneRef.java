package org.hsmc.ceremony.script;

import java.util.Objects;

/**
 * A new zone as a script names it.
 *
 * @param id   1–32 characters of {@code [a-z0-9-]}, e.g. {@code sh-01}
 * @param name what people call it, e.g. {@code Shanghai online nodes}
 */
public record ZoneRef(String id, String name) {
    public ZoneRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }
}
