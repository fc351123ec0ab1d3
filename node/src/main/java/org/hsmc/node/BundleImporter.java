package org.hsmc.node;

import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Pkcs11Exception;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.WrapMechanism;
import org.hsmc.pkcs11.WrappedKeyInvalidException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Imports a verified bundle into the node's own PKCS#11 token, all or nothing:
 *
 * <ol>
 *   <li>the node's checks: the bundle is for this node's zone and newer than the last one imported;</li>
 *   <li>the zone key: a secret key labelled with the bundle's wrapping key id ({@code zmk/<zone>/vN}), whose
 *       KCV must be the one the console wrapped under (for a transport key, the RSA key pair labelled
 *       {@code tk/<zone>/vN}, whose public key's fingerprint must match);</li>
 *   <li>every key is unwrapped as a transient session object and its KCV compared with the manifest's, before
 *       anything is kept;</li>
 *   <li>then each key not yet in the token is unwrapped as a token object labelled with its id (sensitive, never
 *       extractable, the usages of its purpose: DEK encrypt/decrypt, KEK wrap/unwrap, MAC sign/verify) and read
 *       back; if any step fails, the objects made so far are destroyed;</li>
 *   <li>the revoked keys (all keys of a revoked zone) are destroyed;</li>
 *   <li>the anti-rollback state remembers the bundle.</li>
 * </ol>
 */
public final class BundleImporter {

    /**
     * What an import did.
     *
     * @param imported       keys now in the token, id → KCV computed on the node
     * @param alreadyPresent keys that a former import had put there
     * @param destroyed      token objects destroyed for revocations
     * @param skipped        bundles of the zone between the last one imported and this one (they are superseded)
     */
    public record Result(String zone, long sequence, Map<String, String> imported, List<String> alreadyPresent,
                         List<String> destroyed, long skipped) {
    }

    private final Clock clock;

    public BundleImporter(Clock clock) {
        this.clock = clock;
    }

    /** Imports {@code b} into the token of {@code node} (logged in), for a node of {@code zone}. */
    public Result importInto(Session node, VerifiedBundle b, String zone, NodeState state) {
        BundleVerifier.checkFor(b, zone, state);
        Manifest m = b.manifest();
        long skipped = state.last(m.zone()).map(e -> m.sequence() - e.sequence() - 1).orElse(0L);
        try {
            Map<String, KeyHandle> zoneKeys = new LinkedHashMap<>();
            for (Manifest.Key k : m.keys()) {
                if (!zoneKeys.containsKey(k.wrappingKeyId())) {
                    zoneKeys.put(k.wrappingKeyId(), zoneKey(node, k));
                }
            }
            // 1: every key unwraps under the zone key with its KCV, before anything is kept
            Map<String, String> kcvs = new LinkedHashMap<>();
            for (Manifest.Key k : m.keys()) {
                kcvs.put(k.id(), check(node, k, zoneKeys.get(k.wrappingKeyId())));
            }
            // 2: the keys the token lacks, as token objects
            List<String> present = new ArrayList<>();
            List<KeyHandle> made = new ArrayList<>();
            try {
                for (Manifest.Key k : m.keys()) {
                    if (!node.findKeys(KeyHandle.KeyClass.SECRET, k.id()).isEmpty()) {
                        present.add(k.id());
                        continue;
                    }
                    KeyHandle h = unwrap(node, k, zoneKeys.get(k.wrappingKeyId()), tokenTemplate(k));
                    made.add(h);
                    KeyAttributes a = node.attributes(h);
                    if (!a.token() || !a.sensitive() || a.extractable()) {
                        throw new BundleRefusedException(Refusal.TOKEN_FAILED, "the token did not make " + k.id() + " as asked (it"
                                + " reports " + a + ")");
                    }
                }
            } catch (RuntimeException e) {
                for (KeyHandle h : made) {
                    try {
                        node.destroy(h);
                    } catch (Pkcs11Exception x) {
                        e.addSuppressed(x);
                    }
                }
                throw e;
            }
            // 3: revocations
            List<String> destroyed = new ArrayList<>();
            if (m.zoneStatus().equals("REVOKED")) {
                for (KeyHandle h : node.findKeysByLabelPrefix(KeyHandle.KeyClass.SECRET, "wk/" + m.zone() + "/")) {
                    destroyed.add(node.label(h));
                    node.destroy(h);
                }
            }
            for (Manifest.Revocation r : m.revocations()) {
                for (KeyHandle h : node.findKeys(KeyHandle.KeyClass.SECRET, r.id())) {
                    node.destroy(h);
                    destroyed.add(r.id());
                }
            }
            Map<String, String> imported = new LinkedHashMap<>();
            kcvs.forEach((id, kcv) -> {
                if (!present.contains(id)) {
                    imported.put(id, kcv);
                }
            });
            state.record(b, clock.instant());
            return new Result(m.zone(), m.sequence(), imported, present, destroyed, skipped);
        } catch (Pkcs11Exception e) {
            throw new BundleRefusedException(Refusal.TOKEN_FAILED, e.userMessage() + (e.ckrName().isEmpty() ? "" : " [" + e.ckrName()
                    + "]") + "; nothing of bundle " + m.sequence() + " was kept", e);
        }
    }

    /** The zone key the console wrapped {@code k} under, found in the node's token by its id and checked. */
    private static KeyHandle zoneKey(Session node, Manifest.Key k) {
        String id = k.wrappingKeyId();
        boolean transport = k.mechanism().equals(Manifest.RSA_OAEP_SHA256);
        List<KeyHandle> found = node.findKeys(transport ? KeyHandle.KeyClass.PRIVATE : KeyHandle.KeyClass.SECRET, id);
        if (found.size() != 1) {
            throw new BundleRefusedException(Refusal.NO_ZONE_KEY, "the token '" + node.token().label() + "' holds " + found.size()
                    + (transport ? " private keys" : " secret keys") + " labelled '" + id + "' where the bundle's keys need exactly"
                    + " one; load the zone's " + (transport ? "transport key pair" : "ZMK") + " first");
        }
        String kcv;
        if (transport) {
            List<KeyHandle> pub = node.findKeys(KeyHandle.KeyClass.PUBLIC, id);
            if (pub.size() != 1) {
                throw new BundleRefusedException(Refusal.NO_ZONE_KEY, "the token holds " + pub.size() + " public keys labelled '" + id
                        + "'; the transport key's fingerprint cannot be checked");
            }
            kcv = fingerprint(node.publicKey(pub.getFirst()).getEncoded());
        } else {
            try {
                kcv = node.kcv(found.getFirst()).hex();
            } catch (Pkcs11Exception e) {
                throw new BundleRefusedException(Refusal.ZONE_KEY_MISMATCH, "the KCV of '" + id + "' cannot be computed in the token ("
                        + e.userMessage() + "); the node's ZMK must allow AES-CMAC (CKA_SIGN) so that it can be proved", e);
            }
        }
        if (!kcv.equals(k.wrappingKeyKcv())) {
            throw new BundleRefusedException(Refusal.ZONE_KEY_MISMATCH, "the token's '" + id + "' has " + (transport ? "fingerprint "
                    : "KCV ") + kcv + "; the console wrapped the keys under one with " + k.wrappingKeyKcv());
        }
        return found.getFirst();
    }

    /** Unwraps {@code k} as a transient copy, compares its KCV, destroys it; returns the KCV. */
    private static String check(Session node, Manifest.Key k, KeyHandle zoneKey) {
        KeyTemplate probe = KeyTemplate.aes(k.lengthBytes()).token(false).sensitive(true).extractable(false)
                .usages(KeyUsage.SIGN).build();
        KeyHandle copy = unwrap(node, k, zoneKey, probe);
        try {
            String kcv = node.kcv(copy).hex();
            if (!kcv.equals(k.kcv())) {
                throw new BundleRefusedException(Refusal.KCV_MISMATCH, k.id() + " unwraps with KCV " + kcv + ", not the manifest's "
                        + k.kcv() + "; nothing of the bundle was kept");
            }
            return kcv;
        } finally {
            node.destroy(copy);
        }
    }

    private static KeyHandle unwrap(Session node, Manifest.Key k, KeyHandle zoneKey, KeyTemplate t) {
        WrapMechanism mech = k.mechanism().equals(Manifest.RSA_OAEP_SHA256) ? WrapMechanism.RSA_OAEP_SHA256 : WrapMechanism.AES_KWP;
        try {
            return node.unwrap(mech, zoneKey, k.wrapped(), t);
        } catch (WrappedKeyInvalidException e) {
            throw new BundleRefusedException(Refusal.WRAPPED_KEY_DAMAGED, k.id() + " fails its integrity check under "
                    + k.wrappingKeyId() + " (" + k.mechanism() + "); nothing of the bundle was kept", e);
        }
    }

    /** The token object of a working key: usages of its purpose only, sensitive, never extractable. */
    static KeyTemplate tokenTemplate(Manifest.Key k) {
        KeyUsage[] usages = switch (k.purpose()) {
            case "DEK" -> new KeyUsage[] {KeyUsage.ENCRYPT, KeyUsage.DECRYPT};
            case "KEK" -> new KeyUsage[] {KeyUsage.WRAP, KeyUsage.UNWRAP};
            default -> new KeyUsage[] {KeyUsage.SIGN, KeyUsage.VERIFY};
        };
        return KeyTemplate.aes(k.lengthBytes()).label(k.id()).id(k.id().getBytes(StandardCharsets.UTF_8)).token(true)
                .sensitive(true).extractable(false).usages(usages).build();
    }

    /** A transport key's fingerprint: the first 10 hex digits (upper case) of SHA-256 over its SubjectPublicKeyInfo. */
    static String fingerprint(byte[] spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki), 0, 5).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
