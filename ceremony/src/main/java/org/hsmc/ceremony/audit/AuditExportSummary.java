package org.hsmc.ceremony.audit;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link AuditLog#export} wrote.
 *
 * @param head the head of the exported log; empty when the last entry's recorded hash is damaged
 */
public record AuditExportSummary(Path file, long entries, int checkpoints, int signers, Optional<AuditHead> head) {
}
