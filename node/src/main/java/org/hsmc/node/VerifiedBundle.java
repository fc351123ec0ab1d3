package org.hsmc.node;

import java.time.Instant;

/**
 * A bundle whose signature, certificate, format and expiry a node has checked.
 *
 * @param sha256      SHA-256 of the bundle file, lower-case hex (what the next bundle names as its previous one)
 * @param signingTime the CMS signing-time (equal to the manifest's created_at)
 */
public record VerifiedBundle(Manifest manifest, String sha256, Instant signingTime, String signer) {
}
