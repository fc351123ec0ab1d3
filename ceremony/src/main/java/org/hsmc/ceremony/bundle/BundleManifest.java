package org.hsmc.ceremony.bundle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The content of a bundle: what the console tells one zone's nodes, as docs/bundle-format.md specifies it,
 * serialised as RFC 8785 canonical JSON by {@link #toJson()}. The CMS signature covers these exact bytes.
 *
 * @param zone             the zone id
 * @param zoneStatus       {@code ACTIVE}, or {@code REVOKED} (then {@code keys} is empty and every key is revoked)
 * @param sequence         1, 2, …: strictly increasing per zone (anti-rollback)
 * @param createdAt        when the console made it (whole seconds; also the CMS signing-time)
 * @param expiresAt        nodes refuse it after this instant
 * @param ceremonyId       the run that made it
 * @param previousSha256   SHA-256 (lower-case hex) of the zone's previous bundle file; null for sequence 1
 * @param keys             the keys, in inventory order (purpose, version)
 * @param revocations      every revoked key of the zone, by id
 */
public record BundleManifest(String zone, String zoneStatus, long sequence, Instant createdAt, Instant expiresAt,
                             String ceremonyId, String previousSha256, List<Key> keys, List<Revocation> revocations) {

    /** The manifest's {@code format}. */
    public static final String FORMAT = "hsmc-key-bundle";
    /** The manifest's {@code format_version}. */
    public static final int FORMAT_VERSION = 1;
    /** {@code mechanism} of a key wrapped under a ZMK: AES key wrap with padding, RFC 5649. */
    public static final String AES_KWP = "AES-KWP";
    /** {@code mechanism} of a key wrapped to a zone transport key: RSA-OAEP, SHA-256, MGF1-SHA-256, empty label. */
    public static final String RSA_OAEP_SHA256 = "RSA-OAEP-SHA256";

    public BundleManifest {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(zoneStatus, "zoneStatus");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence numbers start at 1");
        }
        if ((sequence == 1) != (previousSha256 == null)) {
            throw new IllegalArgumentException("the first bundle of a zone, and only it, has no previous bundle");
        }
        createdAt = createdAt.truncatedTo(ChronoUnit.SECONDS);
        expiresAt = expiresAt.truncatedTo(ChronoUnit.SECONDS);
        Objects.requireNonNull(ceremonyId, "ceremonyId");
        keys = List.copyOf(keys);
        revocations = List.copyOf(revocations);
    }

    /**
     * A key for the zone's nodes, wrapped under the zone's key.
     *
     * @param wrappingKeyId  {@code zmk/<zone>/vN} or {@code tk/<zone>/vN}
     * @param wrappingKeyKcv the ZMK's KCV, or the transport key's fingerprint (first 10 hex digits of SHA-256 of its SPKI)
     * @param mechanism      {@link #AES_KWP} or {@link #RSA_OAEP_SHA256}
     * @param wrapped        the wrapped key (RFC 5649 or RSA-OAEP output)
     */
    public record Key(String id, String purpose, String algorithm, int version, Instant validFrom, Instant validUntil, String kcv,
                      String wrappingKeyId, String wrappingKeyKcv, String mechanism, byte[] wrapped) {
        public Key {
            Objects.requireNonNull(id, "id");
            wrapped = wrapped.clone();
        }

        @Override
        public byte[] wrapped() {
            return wrapped.clone();
        }

        byte[] wrappedNoCopy() {
            return wrapped;
        }
    }

    /** A revoked key: its id, when, the incident reference and the reason. */
    public record Revocation(String id, Instant revokedAt, String incident, String reason) {
        public Revocation {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(revokedAt, "revokedAt");
        }
    }

    /**
     * {@code wrapped_keys_sha256}: SHA-256 over the wrapped keys, concatenated in manifest order. The
     * signature already covers every byte; this lets a node whose check of the signed digest fails say
     * whether a wrapped key or the rest of the manifest was changed.
     */
    public String wrappedKeysSha256() {
        MessageDigest d = sha256();
        for (Key k : keys) {
            d.update(k.wrappedNoCopy());
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** The canonical JSON (RFC 8785) of this manifest: the bytes the bundle signs. */
    public byte[] toJson() {
        byte[] head = head(ceremonyId, createdAt, expiresAt);
        byte[] keyObjects = keyObjects(keys, new java.util.HashMap<>());
        byte[] tail = tail(previousSha256, revocations, sequence, wrappedKeysSha256(), zone, zoneStatus);
        byte[] out = new byte[head.length + keyObjects.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(keyObjects, 0, out, head.length, keyObjects.length);
        System.arraycopy(tail, 0, out, head.length + keyObjects.length, tail.length);
        return out;
    }

    // The manifest in three pieces, so that a bundle of many keys can be written without holding them (ManifestSpool):
    // the members before the keys' array ends with "keys":[ ; then the key objects, separated by commas; then the rest.
    // Members in RFC 8785 order (ASCII names: plain string order).

    /** {@code {"ceremony_id":…,"created_at":…,"expires_at":…,"format":…,"format_version":1,"keys":[}. */
    static byte[] head(String ceremonyId, Instant createdAt, Instant expiresAt) {
        CanonicalJsonWriter w = new CanonicalJsonWriter(256);
        w.beginObject()
                .member("ceremony_id", ceremonyId)
                .member("created_at", createdAt.truncatedTo(ChronoUnit.SECONDS).toString())
                .member("expires_at", expiresAt.truncatedTo(ChronoUnit.SECONDS).toString())
                .member("format", FORMAT)
                .member("format_version", FORMAT_VERSION)
                .name("keys").beginArray();
        return w.partialBytes();
    }

    /**
     * The key objects of {@code keys}, separated by commas (no brackets). {@code times} caches the text of instants
     * (validities repeat; Instant.toString is not cheap) and may be shared between calls.
     */
    static byte[] keyObjects(List<Key> keys, java.util.Map<Instant, String> times) {
        CanonicalJsonWriter w = new CanonicalJsonWriter(16 + keys.size() * 360);
        Base64.Encoder b64 = Base64.getEncoder();
        for (Key k : keys) {
            w.beginObject()
                    .member("algorithm", k.algorithm())
                    .member("id", k.id())
                    .member("kcv", k.kcv())
                    .member("purpose", k.purpose())
                    .member("valid_from", times.computeIfAbsent(k.validFrom(), Instant::toString))
                    .member("valid_until", times.computeIfAbsent(k.validUntil(), Instant::toString))
                    .member("version", k.version())
                    .member("wrapped", b64.encodeToString(k.wrappedNoCopy()))
                    .name("wrapping_key").beginObject()
                    .member("id", k.wrappingKeyId())
                    .member("kcv", k.wrappingKeyKcv())
                    .member("mechanism", k.mechanism())
                    .endObject()
                    .endObject();
        }
        return w.toBytes();
    }

    /** {@code ],"previous_bundle_sha256":…,"revocations":[…],"sequence":…,"wrapped_keys_sha256":…,"zone":…,"zone_status":…}}. */
    static byte[] tail(String previousSha256, List<Revocation> revocations, long sequence, String wrappedKeysSha256, String zone,
                       String zoneStatus) {
        CanonicalJsonWriter w = new CanonicalJsonWriter(256 + revocations.size() * 200);
        w.continueAfterArray(); // we are inside the top-level object, right after "keys":[ … (its items written elsewhere)
        w.endArray()
                .member("previous_bundle_sha256", previousSha256)
                .name("revocations").beginArray();
        for (Revocation r : revocations) {
            w.beginObject()
                    .member("id", r.id())
                    .member("incident", r.incident())
                    .member("reason", r.reason())
                    .member("revoked_at", r.revokedAt().toString())
                    .endObject();
        }
        w.endArray()
                .member("sequence", sequence)
                .member("wrapped_keys_sha256", wrappedKeysSha256)
                .member("zone", zone)
                .member("zone_status", zoneStatus)
                .endObject();
        return w.toBytes();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }
}
