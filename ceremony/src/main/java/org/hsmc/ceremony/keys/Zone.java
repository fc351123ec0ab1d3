package org.hsmc.ceremony.keys;

import java.time.Instant;

/** A zone of online security nodes. */
public record Zone(String id, String name, String status, Instant createdAt) {
}
