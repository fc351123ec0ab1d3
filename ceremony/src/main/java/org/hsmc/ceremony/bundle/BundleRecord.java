package org.hsmc.ceremony.bundle;

import java.time.Instant;

/**
 * A bundle as the store records it (table {@code bundle}).
 *
 * @param fileName  {@code <zone>-<sequence>.p7m}; beside it {@code <fileName>.sha256}
 * @param directory where the run wrote it
 * @param writtenAt when the file and its .sha256 were on the medium; null while not yet written
 */
public record BundleRecord(String zone, long sequence, String sha256, String previousSha256, Instant createdAt, Instant expiresAt,
                           int keyCount, int revocationCount, String wrappingKeyId, String signerKeyId, String fileName,
                           String directory, String runId, Instant writtenAt) {
}
