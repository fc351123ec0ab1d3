package org.hsmc.node;

import org.erdtman.jcs.JsonCanonicalizer;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A bundle's manifest as a node reads it (docs/bundle-format.md, format {@value #FORMAT} version
 * {@value #FORMAT_VERSION}): canonical JSON (RFC 8785) with exactly the members of that version, each checked.
 *
 * @param previousSha256 the zone's previous bundle, or null for sequence 1
 */
public record Manifest(String zone, String zoneStatus, long sequence, Instant createdAt, Instant expiresAt, String ceremonyId,
                       String previousSha256, List<Key> keys, List<Revocation> revocations, String wrappedKeysSha256) {

    public static final String FORMAT = "hsmc-key-bundle";
    public static final int FORMAT_VERSION = 1;
    public static final String AES_KWP = "AES-KWP";
    public static final String RSA_OAEP_SHA256 = "RSA-OAEP-SHA256";

    private static final Set<String> MEMBERS = Set.of("ceremony_id", "created_at", "expires_at", "format", "format_version", "keys",
            "previous_bundle_sha256", "revocations", "sequence", "wrapped_keys_sha256", "zone", "zone_status");
    private static final Set<String> KEY_MEMBERS = Set.of("algorithm", "id", "kcv", "purpose", "valid_from", "valid_until",
            "version", "wrapped", "wrapping_key");
    private static final Set<String> WRAPPING_MEMBERS = Set.of("id", "kcv", "mechanism");
    private static final Set<String> REVOCATION_MEMBERS = Set.of("id", "incident", "reason", "revoked_at");
    private static final Pattern ZONE = Pattern.compile("[a-z0-9-]{1,32}");
    private static final Pattern KCV = Pattern.compile("[0-9A-F]{10}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY_ID = Pattern.compile("[!-~]{1,128}");

    public Manifest {
        keys = List.copyOf(keys);
        revocations = List.copyOf(revocations);
    }

    /**
     * A key of the bundle.
     *
     * @param lengthBytes the AES key's length from {@code algorithm}
     */
    public record Key(String id, String purpose, String algorithm, int version, Instant validFrom, Instant validUntil, String kcv,
                      String wrappingKeyId, String wrappingKeyKcv, String mechanism, byte[] wrapped) {
        public Key {
            wrapped = wrapped.clone();
        }

        @Override
        public byte[] wrapped() {
            return wrapped.clone();
        }

        public int lengthBytes() {
            return switch (algorithm) {
                case "AES-128" -> 16;
                case "AES-192" -> 24;
                default -> 32;
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && id.equals(k.id) && purpose.equals(k.purpose) && algorithm.equals(k.algorithm)
                    && version == k.version && validFrom.equals(k.validFrom) && validUntil.equals(k.validUntil) && kcv.equals(k.kcv)
                    && wrappingKeyId.equals(k.wrappingKeyId) && wrappingKeyKcv.equals(k.wrappingKeyKcv)
                    && mechanism.equals(k.mechanism) && Arrays.equals(wrapped, k.wrapped);
        }

        @Override
        public int hashCode() {
            return id.hashCode();
        }

        @Override
        public String toString() {
            return id + " (" + algorithm + " " + purpose + ", KCV " + kcv + ")";
        }
    }

    /** A revoked key; {@code incident} and {@code reason} may be null. */
    public record Revocation(String id, Instant revokedAt, String incident, String reason) {
    }

    /** Thrown for a manifest that is not canonical or not of this format; the message names the member. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    /** Reads and checks a manifest (signed content: already authentic). */
    static Manifest parse(byte[] json) throws Invalid {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new Invalid("it is not JSON: " + e.getMessage());
        }
        try {
            if (!Arrays.equals(new JsonCanonicalizer(json).getEncodedUTF8(), json)) {
                throw new Invalid("it is not in canonical form (RFC 8785)");
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new Invalid("it is not canonical JSON (RFC 8785): " + e.getMessage());
        }
        Map<String, Object> m = object(root, "the manifest", MEMBERS);
        String format = string(m, "format");
        if (!FORMAT.equals(format)) {
            throw new Invalid("its format is '" + format + "', not '" + FORMAT + "'");
        }
        long version = integer(m, "format_version");
        if (version != FORMAT_VERSION) {
            throw new Invalid("it is format version " + version + "; this node reads version " + FORMAT_VERSION
                    + (version > FORMAT_VERSION ? ". Update the node software" : ""));
        }
        String zone = string(m, "zone");
        if (!ZONE.matcher(zone).matches()) {
            throw new Invalid("zone '" + zone + "' is not a zone id");
        }
        String status = string(m, "zone_status");
        if (!status.equals("ACTIVE") && !status.equals("REVOKED")) {
            throw new Invalid("zone_status '" + status + "' is neither ACTIVE nor REVOKED");
        }
        long sequence = integer(m, "sequence");
        if (sequence < 1) {
            throw new Invalid("sequence " + sequence + " is below 1");
        }
        Instant created = instant(m, "created_at");
        Instant expires = instant(m, "expires_at");
        if (!expires.isAfter(created)) {
            throw new Invalid("expires_at is not after created_at");
        }
        String ceremony = string(m, "ceremony_id");
        String previous = m.get("previous_bundle_sha256") == Json.NULL ? null : string(m, "previous_bundle_sha256");
        if (previous != null && !SHA256.matcher(previous).matches()) {
            throw new Invalid("previous_bundle_sha256 is not 64 lower-case hex digits");
        }
        if ((sequence == 1) != (previous == null)) {
            throw new Invalid("sequence " + sequence + (previous == null ? " names no previous bundle" : " names a previous bundle"));
        }
        List<Key> keys = new ArrayList<>();
        for (Object o : list(m, "keys")) {
            keys.add(key(o, zone, keys.size()));
        }
        if (status.equals("REVOKED") && !keys.isEmpty()) {
            throw new Invalid("the zone is revoked, yet the bundle carries keys");
        }
        List<Revocation> revocations = new ArrayList<>();
        for (Object o : list(m, "revocations")) {
            Map<String, Object> r = object(o, "revocations[" + revocations.size() + "]", REVOCATION_MEMBERS);
            String id = keyId(string(r, "id"));
            if (!id.startsWith("wk/" + zone + "/")) {
                throw new Invalid("revocations[" + revocations.size() + "].id '" + id + "' is not a key of zone " + zone);
            }
            revocations.add(new Revocation(id, instant(r, "revoked_at"), nullableString(r, "incident"), nullableString(r, "reason")));
        }
        String wrappedSha = string(m, "wrapped_keys_sha256");
        if (!wrappedSha.equals(wrappedKeysSha256(keys))) {
            throw new Invalid("wrapped_keys_sha256 does not match the wrapped keys");
        }
        return new Manifest(zone, status, sequence, created, expires, ceremony, previous, keys, revocations, wrappedSha);
    }

    /**
     * For a manifest whose signed digest does not match: whether its wrapped keys no longer match its own
     * {@code wrapped_keys_sha256}. A diagnosis of untrusted bytes, only to word the refusal.
     */
    static boolean wrappedKeysDisagree(byte[] json) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("keys") instanceof List<?> l)
                || !(m.get("wrapped_keys_sha256") instanceof String stated)) {
            return false;
        }
        MessageDigest d = sha256();
        for (Object o : l) {
            if (!(o instanceof Map<?, ?> k) || !(k.get("wrapped") instanceof String w)) {
                return false;
            }
            try {
                d.update(Base64.getDecoder().decode(w));
            } catch (IllegalArgumentException e) {
                return true; // a wrapped key that no longer decodes was changed
            }
        }
        return !HexFormat.of().formatHex(d.digest()).equals(stated);
    }

    private static Key key(Object o, String zone, int index) throws Invalid {
        String at = "keys[" + index + "]";
        Map<String, Object> k = object(o, at, KEY_MEMBERS);
        String id = keyId(string(k, "id"));
        String purpose = string(k, "purpose");
        if (!Set.of("DEK", "KEK", "MAC").contains(purpose)) {
            throw new Invalid(at + ".purpose '" + purpose + "' is not DEK, KEK or MAC");
        }
        String algorithm = string(k, "algorithm");
        if (!Set.of("AES-128", "AES-192", "AES-256").contains(algorithm)) {
            throw new Invalid(at + ".algorithm '" + algorithm + "' is not AES-128, AES-192 or AES-256");
        }
        long version = integer(k, "version");
        if (version < 1 || version > 99_999) {
            throw new Invalid(at + ".version " + version + " is not 1 to 99999");
        }
        String expectedId = "wk/" + zone + "/" + purpose.toLowerCase(Locale.ROOT) + "/v" + version;
        if (!id.equals(expectedId)) {
            throw new Invalid(at + ".id '" + id + "' is not " + expectedId);
        }
        Instant from = instant(k, "valid_from");
        Instant until = instant(k, "valid_until");
        if (!until.isAfter(from)) {
            throw new Invalid(at + ": valid_until is not after valid_from");
        }
        String kcv = string(k, "kcv");
        if (!KCV.matcher(kcv).matches()) {
            throw new Invalid(at + ".kcv '" + kcv + "' is not 10 upper-case hex digits");
        }
        Map<String, Object> w = object(k.get("wrapping_key"), at + ".wrapping_key", WRAPPING_MEMBERS);
        String wid = string(w, "id");
        String wkcv = string(w, "kcv");
        String mechanism = string(w, "mechanism");
        int length = algorithm.equals("AES-128") ? 16 : algorithm.equals("AES-192") ? 24 : 32;
        int wrappedLength;
        if (mechanism.equals(AES_KWP)) {
            if (!wid.startsWith("zmk/" + zone + "/v")) {
                throw new Invalid(at + ".wrapping_key.id '" + wid + "' is not a ZMK of zone " + zone);
            }
            wrappedLength = length + 8;
        } else if (mechanism.equals(RSA_OAEP_SHA256)) {
            if (!wid.startsWith("tk/" + zone + "/v")) {
                throw new Invalid(at + ".wrapping_key.id '" + wid + "' is not a transport key of zone " + zone);
            }
            wrappedLength = 384;
        } else {
            throw new Invalid(at + ".wrapping_key.mechanism '" + mechanism + "' is not " + AES_KWP + " or " + RSA_OAEP_SHA256);
        }
        if (!KCV.matcher(wkcv).matches()) {
            throw new Invalid(at + ".wrapping_key.kcv '" + wkcv + "' is not 10 upper-case hex digits");
        }
        String b64 = string(k, "wrapped");
        byte[] wrapped;
        try {
            wrapped = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new Invalid(at + ".wrapped is not base64");
        }
        if (!Base64.getEncoder().encodeToString(wrapped).equals(b64) || wrapped.length != wrappedLength) {
            throw new Invalid(at + ".wrapped is not a " + mechanism + " wrapped " + algorithm + " key (" + wrappedLength + " bytes, base64)");
        }
        return new Key(id, purpose, algorithm, (int) version, from, until, kcv, wid, wkcv, mechanism, wrapped);
    }

    static String wrappedKeysSha256(List<Key> keys) {
        MessageDigest d = sha256();
        for (Key k : keys) {
            d.update(k.wrapped);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static String keyId(String id) throws Invalid {
        if (!KEY_ID.matcher(id).matches()) {
            throw new Invalid("the key id '" + id + "' is not 1 to 128 printable characters without spaces");
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object o, String what, Set<String> members) throws Invalid {
        if (!(o instanceof Map<?, ?> m)) {
            throw new Invalid(what + " is not an object");
        }
        if (!m.keySet().equals(members)) {
            throw new Invalid(what + " has the members " + new java.util.TreeSet<>((Set<String>) m.keySet()) + ", not "
                    + new java.util.TreeSet<>(members));
        }
        return (Map<String, Object>) m;
    }

    private static String string(Map<String, Object> m, String name) throws Invalid {
        if (!(m.get(name) instanceof String s)) {
            throw new Invalid(name + " is not a string");
        }
        return s;
    }

    private static String nullableString(Map<String, Object> m, String name) throws Invalid {
        return m.get(name) == Json.NULL ? null : string(m, name);
    }

    private static long integer(Map<String, Object> m, String name) throws Invalid {
        if (!(m.get(name) instanceof Long n)) {
            throw new Invalid(name + " is not a whole number");
        }
        return n;
    }

    private static List<?> list(Map<String, Object> m, String name) throws Invalid {
        if (!(m.get(name) instanceof List<?> l)) {
            throw new Invalid(name + " is not a list");
        }
        return l;
    }

    private static Instant instant(Map<String, Object> m, String name) throws Invalid {
        String s = string(m, name);
        try {
            Instant t = Instant.parse(s);
            if (!t.toString().equals(s)) {
                throw new Invalid(name + " '" + s + "' is not written as UTC with Z (e.g. 2027-01-01T00:00:00Z)");
            }
            return t;
        } catch (DateTimeParseException e) {
            throw new Invalid(name + " '" + s + "' is not a time");
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
