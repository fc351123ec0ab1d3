package org.hsmc.ceremony.run;

import java.time.Instant;

/** A ceremony run as the store keeps it. */
public record RunRecord(String id, String type, String title, String source, String scriptSha256, String site,
                        String operator, RunState state, Instant startedAt, Instant endedAt, String auditHeadBefore,
                        String auditHeadAfter, boolean rehearsalPins, String failure) {
}
