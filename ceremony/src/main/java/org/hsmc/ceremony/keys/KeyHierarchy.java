package org.hsmc.ceremony.keys;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.SecretKeyType;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.WrapMechanism;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * The key hierarchy, on an HSM the quorum has opened: the LMK (a token object that wraps every other
 * secret key), zones, zone master keys made from K components or a zone's RSA transport key, and
 * working keys. Every secret key other than the LMK exists in the HSM only as a transient session
 * object and in the store only wrapped under the LMK (RFC 5649) with its KCV.
 *
 * <p>Each method writes its records and audit entries in one transaction, after the HSM work has
 * succeeded; a crash before the commit leaves nothing behind but session objects, which die with the
 * process (token objects, the LMK only, carry the run id in CKA_ID so a recovery can find them).
 */
public final class KeyHierarchy {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public KeyHierarchy(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    // ------------------------------------------------------------------ templates

    /** The LMK: AES-256 token object, sensitive, never extractable, wrap and unwrap only. */
    static KeyTemplate lmkTemplate(int version, String runId) {
        return KeyTemplate.aes(32).label(KeyIds.masterKey(version)).id(runId.getBytes(StandardCharsets.UTF_8))
                .token(true).sensitive(true).extractable(false).usages(KeyUsage.WRAP, KeyUsage.UNWRAP).build();
    }

    /** A transient copy of a stored key: may be wrapped (to store or export it) and may CMAC (for its KCV). */
    static KeyTemplate transientTemplate(int lengthBytes) {
        return KeyTemplate.aes(lengthBytes).token(false).sensitive(true).extractable(true).usages(KeyUsage.SIGN).build();
    }

    /** A transient ZMK: wraps (export) and CMACs (KCV); extractable so that it can be stored under the LMK. */
    static KeyTemplate transientZmkTemplate() {
        return KeyTemplate.aes(32).token(false).sensitive(true).extractable(true)
                .usages(KeyUsage.WRAP, KeyUsage.UNWRAP, KeyUsage.SIGN).build();
    }

    // ------------------------------------------------------------------ master keys

    /**
     * Creates LMK {@code version} from 32 bytes of the HSM's RNG, whose KCV is computed in the JVM
     * before the clear value is wiped (see docs/decisions/0005-lmk-creation.md), and stores it: ACTIVE
     * when there is none, PENDING (until {@link #rotateMasterKey}) otherwise. Refuses an existing label.
     */
    public MasterKey createMasterKey(Session hsm, int version, String runId) {
        return createMasterKey(hsm, version, runId, LmkBackup.NONE);
    }

    /**
     * How an LMK is backed up when it is made: {@link #split} sees the clear LMK between its drawing from
     * the HSM's RNG and the creation of the token object (and must not keep it), and {@link Split#record}
     * runs in the transaction that records the LMK.
     */
    public interface LmkBackup {
        /** No backup: the LMK lives in this HSM only. */
        LmkBackup NONE = (clear, label) -> new Split("NONE", null, null, c -> null);

        Split split(byte[] clearLmk, String label);
    }

    /** What a backup made: its method, its card set or the vendor procedure, and what to commit with the LMK. */
    public record Split(String method, String cardSetId, String vendorProcedure, Store.Work<?> record) {
    }

    /**
     * As {@link #createMasterKey(Session, int, String)}, and the clear LMK is handed to {@code backup}
     * (e.g. split onto recovery cards) before the token object is created; the clear value is wiped as
     * soon as the token object exists (docs/decisions/0011-lmk-backup-on-recovery-cards.md).
     */
    public MasterKey createMasterKey(Session hsm, int version, String runId, LmkBackup backup) {
        String label = KeyIds.masterKey(version);
        int highest = store.read(c -> KeyRecords.masterKeys(c).stream().mapToInt(MasterKey::version).max().orElse(0));
        if (version <= highest) {
            throw new KeyException("LMK version " + version + " is not above the highest existing version " + highest
                    + ". Choose version " + (highest + 1) + " or more.");
        }
        if (!hsm.findKeysByLabel(label).isEmpty()) {
            throw new KeyException("The HSM already holds a key labelled '" + label + "'. The console never reuses a label;"
                    + " choose another version, or resolve the interrupted run that made it.");
        }
        byte[] clear = hsm.random(32);
        Kcv kcv;
        KeyHandle lmk;
        Split split;
        try {
            kcv = Kcv.ofClearAesKey(clear);
            split = backup.split(clear, label);
            lmk = hsm.createSecretKey(lmkTemplate(version, runId), clear);
        } finally {
            java.util.Arrays.fill(clear, (byte) 0);
        }
        requireLmkAttributes(hsm, lmk);
        proveWraps(hsm, lmk);
        boolean first = store.read(c -> KeyRecords.activeMasterKey(c).isEmpty());
        MasterKey record = new MasterKey(version, label, kcv.hex(), first ? "ACTIVE" : "PENDING");
        store.write(c -> {
            KeyRecords.insertMasterKey(c, record, clock.instant(), runId);
            KeyRecords.insertBackup(c, version, split.method(), split.cardSetId(), split.vendorProcedure(), clock.instant(), runId);
            split.record().run(c);
            Map<String, String> details = new LinkedHashMap<>(Map.of("label", label, "kcv", kcv.hex(), "status", record.status(),
                    "run", runId, "backup", split.method()));
            if (split.cardSetId() != null) {
                details.put("card_set", split.cardSetId());
            }
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "lmk.created", Outcome.DONE, details));
            return null;
        });
        return record;
    }

    /**
     * Creates LMK {@code version} again in a replacement HSM from its rebuilt clear value (restore-master-key),
     * after checking its KCV against the recorded one: a wrong KCV creates nothing and says so. The caller
     * wipes {@code clear}. Refuses when the HSM already holds the label.
     */
    public KeyHandle restoreMasterKey(Session hsm, int version, byte[] clear, String runId) {
        MasterKey k = store.read(c -> KeyRecords.masterKey(c, version)).orElseThrow(() -> new KeyException(
                "The store has no LMK version " + version + "; restore the store backup that holds it first."));
        String kcv = Kcv.ofClearAesKey(clear).hex();
        if (!kcv.equals(k.kcv())) {
            audit.append(new AuditEvent(AuditLog.CONSOLE, "lmk.restore_refused", Outcome.REFUSED, Map.of("label", k.label(),
                    "kcv_recorded", k.kcv(), "kcv_rebuilt", kcv, "run", runId)));
            throw new KeyException("The recovery cards rebuilt a key with KCV " + kcv + ", but " + k.label() + " was recorded"
                    + " with KCV " + k.kcv() + ". Nothing was created in the HSM. These cards do not hold this LMK's shares"
                    + " (another LMK's recovery set, or a store from another console); present the recovery cards of "
                    + k.label() + ".");
        }
        if (!hsm.findKeysByLabel(k.label()).isEmpty()) {
            throw new KeyException("The HSM already holds a key labelled '" + k.label() + "'; restore-master-key runs on a"
                    + " replacement HSM that does not hold it yet.");
        }
        KeyHandle lmk = hsm.createSecretKey(lmkTemplate(version, runId), clear);
        requireLmkAttributes(hsm, lmk);
        proveWraps(hsm, lmk);
        audit.append(new AuditEvent(AuditLog.CONSOLE, "lmk.restored", Outcome.DONE, Map.of("label", k.label(), "kcv", kcv,
                "run", runId)));
        return lmk;
    }

    /** The result of an inventory proof: how many keys were proved, and the ids of those that failed, with why. */
    public record InventoryProof(int proved, Map<String, String> failed) {
        public boolean complete() {
            return failed.isEmpty();
        }
    }

    /**
     * Proves every stored ZMK and working key wrapped under LMK {@code version} (revoked keys included):
     * each unwraps under {@code lmk} and has its recorded KCV. Never stops at a failure; names each.
     */
    public InventoryProof proveInventory(Session hsm, KeyHandle lmk, int version, IntConsumer progress) {
        List<ZoneKey> zmks = store.read(KeyRecords::allZmks).stream().filter(z -> Integer.valueOf(version).equals(z.lmkVersion())).toList();
        List<WorkingKey> wks = store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL)).stream()
                .filter(w -> w.lmkVersion() == version).toList();
        // the LMK as a session copy, as the export does: SoftHSM2 uses it ~1.5x as fast as the private token object
        java.util.Optional<KeyHandle> copy = hsm.sessionCopy(lmk, "");
        KeyHandle from = copy.orElse(lmk);
        Map<String, String> failed = new LinkedHashMap<>();
        int proved = 0;
        int done = 0;
        try {
            for (ZoneKey z : zmks) {
                proved += proveOne(hsm, from, z.wrapped(), 32, z.kcv(), z.id(), failed);
                progress.accept(++done);
            }
            for (WorkingKey w : wks) {
                proved += proveOne(hsm, from, w.wrapped(), w.lengthBytes(), w.kcv(), w.id(), failed);
                progress.accept(++done);
            }
        } finally {
            copy.ifPresent(hsm::destroy);
        }
        return new InventoryProof(proved, failed);
    }

    private int proveOne(Session hsm, KeyHandle lmk, byte[] wrapped, int length, String kcv, String id, Map<String, String> failed) {
        try {
            proveKcv(hsm, lmk, wrapped, length, kcv, id);
            return 1;
        } catch (KeyException e) {
            failed.put(id, e.getMessage());
        } catch (org.hsmc.pkcs11.Pkcs11Exception e) {
            failed.put(id, "does not unwrap under the LMK (" + e.getMessage() + ")");
        }
        return 0;
    }

    /** Reads back what the HSM made for an LMK; destroys it and refuses unless it is a sensitive, unextractable wrap-only token key. */
    private static void requireLmkAttributes(Session hsm, KeyHandle lmk) {
        KeyAttributes a = hsm.attributes(lmk);
        if (!a.sensitive() || a.extractable() || !a.token() || a.usages().contains(KeyUsage.SIGN)
                || a.usages().contains(KeyUsage.ENCRYPT) || !a.usages().contains(KeyUsage.WRAP)) {
            hsm.destroy(lmk);
            throw new KeyException("The HSM did not make the LMK that was asked for (it reports " + a + "). It was destroyed.");
        }
    }

    /** A round trip under a new wrapping key: wrap a fresh transient key, unwrap it, compare KCVs. */
    private static void proveWraps(Session hsm, KeyHandle kek) {
        KeyHandle probe = hsm.generateSecretKey(transientTemplate(32));
        try {
            Kcv kcv = hsm.kcv(probe);
            byte[] wrapped = hsm.wrap(WrapMechanism.AES_KWP, kek, probe);
            KeyHandle back = hsm.unwrap(WrapMechanism.AES_KWP, kek, wrapped, transientTemplate(32));
            try {
                if (!hsm.kcv(back).equals(kcv)) {
                    throw new KeyException("A key wrapped and unwrapped under the new key came back different; the HSM"
                            + " cannot be trusted with it.");
                }
            } finally {
                hsm.destroy(back);
            }
        } finally {
            hsm.destroy(probe);
        }
    }

    /** The active LMK and its handle in the HSM. */
    public ActiveLmk activeMasterKey(Session hsm) {
        MasterKey k = store.read(KeyRecords::activeMasterKey).orElseThrow(() -> new KeyException(
                "There is no master key yet. Run the generate-master-key ceremony first."));
        return new ActiveLmk(k, lmkHandle(hsm, k));
    }

    /** The LMK and its handle. */
    public record ActiveLmk(MasterKey record, KeyHandle handle) {
    }

    KeyHandle lmkHandle(Session hsm, MasterKey k) {
        List<KeyHandle> found = hsm.findKeys(KeyHandle.KeyClass.SECRET, k.label());
        if (found.size() != 1) {
            throw new KeyException("The HSM holds " + found.size() + " keys labelled '" + k.label() + "' where the store"
                    + " expects exactly one. This HSM is not the one this console's keys were made in, or it was changed;"
                    + " restore the master key (restore-master-key) or use the right HSM.");
        }
        return found.getFirst();
    }

    /**
     * LMK rotation: re-wraps every stored ZMK and working key from the active LMK to {@code newVersion}
     * (PENDING), proving each key's KCV on the way, then makes the new LMK ACTIVE and retires the old
     * one, in one transaction. Returns the number of keys re-wrapped. Any KCV mismatch stops the
     * rotation, changes nothing, and names the key.
     */
    public int rotateMasterKey(Session hsm, int newVersion, IntConsumer progress) {
        ActiveLmk old = activeMasterKey(hsm);
        MasterKey next = store.read(c -> KeyRecords.masterKey(c, newVersion)).orElseThrow(() ->
                new KeyException("LMK version " + newVersion + " does not exist."));
        if (!"PENDING".equals(next.status())) {
            throw new KeyException("LMK version " + newVersion + " is " + next.status() + ", not a new key waiting to take over.");
        }
        KeyHandle nextHandle = lmkHandle(hsm, next);
        List<ZoneKey> zmks = store.read(KeyRecords::allZmks);
        List<WorkingKey> wks = store.read(c -> KeyRecords.workingKeys(c, InventoryFilter.ALL));
        Map<String, byte[]> rewrappedZmk = new LinkedHashMap<>();
        Map<String, byte[]> rewrappedWk = new LinkedHashMap<>();
        int done = 0;
        for (ZoneKey z : zmks) {
            rewrappedZmk.put(z.id(), rewrap(hsm, old.handle(), nextHandle, z.wrapped(), 32, z.kcv(), z.id()));
            progress.accept(++done);
        }
        for (WorkingKey w : wks) {
            rewrappedWk.put(w.id(), rewrap(hsm, old.handle(), nextHandle, w.wrapped(), w.lengthBytes(), w.kcv(), w.id()));
            progress.accept(++done);
        }
        int total = done;
        store.write(c -> {
            for (Map.Entry<String, byte[]> e : rewrappedZmk.entrySet()) {
                KeyRecords.rewrapZoneKey(c, e.getKey(), e.getValue(), newVersion);
            }
            for (Map.Entry<String, byte[]> e : rewrappedWk.entrySet()) {
                KeyRecords.rewrapWorkingKey(c, e.getKey(), e.getValue(), newVersion);
            }
            KeyRecords.setMasterKeyStatus(c, old.record().version(), "RETIRED", clock.instant());
            KeyRecords.setMasterKeyStatus(c, newVersion, "ACTIVE", clock.instant());
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "lmk.rotated", Outcome.DONE, Map.of("from", old.record().label(),
                    "to", next.label(), "keys_rewrapped", Integer.toString(total), "kcvs_proved", Integer.toString(total))));
            return null;
        });
        return total;
    }

    private static byte[] rewrap(Session hsm, KeyHandle from, KeyHandle to, byte[] wrapped, int length, String kcv, String id) {
        KeyHandle copy = hsm.unwrap(WrapMechanism.AES_KWP, from, wrapped, transientTemplate(length));
        try {
            String actual = hsm.kcv(copy).hex();
            if (!actual.equals(kcv)) {
                throw new KeyException("The key " + id + " unwraps with KCV " + actual + ", not its recorded " + kcv
                        + ". The rotation stopped and changed nothing.");
            }
            return hsm.wrap(WrapMechanism.AES_KWP, to, copy);
        } finally {
            hsm.destroy(copy);
        }
    }

    /**
     * Proves that a stored key unwraps under its LMK with its recorded KCV. Returns the KCV found.
     */
    public String proveKcv(Session hsm, KeyHandle lmk, byte[] wrapped, int lengthBytes, String expectedKcv, String id) {
        KeyHandle copy = hsm.unwrap(WrapMechanism.AES_KWP, lmk, wrapped, transientTemplate(lengthBytes));
        try {
            String actual = hsm.kcv(copy).hex();
            if (!actual.equals(expectedKcv)) {
                throw new KeyException("The key " + id + " unwraps with KCV " + actual + ", not its recorded " + expectedKcv + ".");
            }
            return actual;
        } finally {
            hsm.destroy(copy);
        }
    }

    // ------------------------------------------------------------------ zones and zone keys

    /** Registers a new zone. */
    public Zone registerZone(String id, String name, String runId) {
        if (!id.matches("[a-z0-9-]{1,32}")) {
            throw new KeyException("A zone id is 1 to 32 characters of a-z, 0-9 and '-', not '" + id + "'.");
        }
        return store.write(c -> {
            if (KeyRecords.zone(c, id).isPresent()) {
                throw new KeyException("The zone '" + id + "' already exists.");
            }
            KeyRecords.insertZone(c, id, name, clock.instant(), runId);
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "zone.registered", Outcome.DONE, Map.of("zone", id, "name", name,
                    "run", runId)));
            return KeyRecords.zone(c, id).orElseThrow();
        });
    }

    /** K components of {@code lengthBytes} each, from the HSM's RNG. The caller prints them and wipes them. */
    public static List<byte[]> drawComponents(Session hsm, int k, int lengthBytes) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            out.add(hsm.random(lengthBytes));
        }
        return out;
    }

    /**
     * Combines K clear components (XOR) into the zone's ZMK, creates it in the HSM as a transient
     * object, stores it wrapped under the LMK with its KCV, and destroys the transient object. The
     * components are in the JVM already (they are being printed or typed), so they are combined here;
     * the caller wipes them. Returns the stored zone key.
     */
    public ZoneKey storeZmkFromComponents(Session hsm, String zone, int version, List<byte[]> components, String runId) {
        requireZone(zone);
        String id = KeyIds.zoneMasterKey(zone, version);
        int length = components.getFirst().length;
        byte[] combined = new byte[length];
        try {
            for (byte[] component : components) {
                if (component.length != length) {
                    throw new KeyException("The components of " + id + " differ in length.");
                }
                for (int i = 0; i < length; i++) {
                    combined[i] ^= component[i];
                }
            }
            Kcv kcv = Kcv.ofClearAesKey(combined);
            ActiveLmk lmk = activeMasterKey(hsm);
            KeyHandle zmk = hsm.createSecretKey(transientZmkTemplate().withLength(length), combined);
            byte[] wrapped;
            try {
                if (!hsm.kcv(zmk).equals(kcv)) {
                    throw new KeyException("The HSM computes another KCV for " + id + " than the console; the ZMK was not stored.");
                }
                wrapped = hsm.wrap(WrapMechanism.AES_KWP, lmk.handle(), zmk);
            } finally {
                hsm.destroy(zmk);
            }
            ZoneKey record = new ZoneKey(id, zone, version, ZoneKey.Kind.ZMK, wrapped, lmk.record().version(), null,
                    kcv.hex(), components.size(), "ACTIVE");
            store.write(c -> {
                if (KeyRecords.zoneKeys(c, zone).stream().anyMatch(z -> z.version() == version)) {
                    throw new KeyException("The zone '" + zone + "' already has a key of version " + version + ".");
                }
                KeyRecords.insertZoneKey(c, record, clock.instant(), runId);
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "zmk.stored", Outcome.DONE, Map.of("key", id, "kcv", kcv.hex(),
                        "components", Integer.toString(components.size()), "lmk", lmk.record().label(), "run", runId)));
                return null;
            });
            return record;
        } finally {
            java.util.Arrays.fill(combined, (byte) 0);
        }
    }

    /** Registers a zone's RSA-3072 transport public key instead of a ZMK. */
    public ZoneKey storeTransportKey(String zone, int version, RSAPublicKey key, String runId) {
        requireZone(zone);
        if (key.getModulus().bitLength() != 3072) {
            throw new KeyException("A zone transport key must be RSA-3072; this one has " + key.getModulus().bitLength() + " bits.");
        }
        String id = KeyIds.transportKey(zone, version);
        String fingerprint = fingerprint(key.getEncoded());
        ZoneKey record = new ZoneKey(id, zone, version, ZoneKey.Kind.TRANSPORT, null, null, key.getEncoded(), fingerprint, null, "ACTIVE");
        store.write(c -> {
            KeyRecords.insertZoneKey(c, record, clock.instant(), runId);
            audit.append(c, new AuditEvent(AuditLog.CONSOLE, "transport_key.stored", Outcome.DONE, Map.of("key", id,
                    "fingerprint", fingerprint, "run", runId)));
            return null;
        });
        return record;
    }

    static String fingerprint(byte[] spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki), 0, 5).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void requireZone(String zone) {
        Zone z = store.read(c -> KeyRecords.zone(c, zone)).orElseThrow(() -> new KeyException("The zone '" + zone
                + "' does not exist. Register it with generate-zone-master-key first."));
        if (!"ACTIVE".equals(z.status())) {
            throw new KeyException("The zone '" + zone + "' is revoked; no keys are made for it.");
        }
    }

    // ------------------------------------------------------------------ working keys

    /** What to make: one working key. */
    public record WorkingKeyRequest(KeyIds.KeyPurposeName purpose, String algorithm, int version, Instant validFrom,
                                    Instant validUntil) {
        int lengthBytes() {
            return switch (algorithm) {
                case "AES-128" -> 16;
                case "AES-192" -> 24;
                case "AES-256" -> 32;
                default -> throw new KeyException("'" + algorithm + "' is not a working key algorithm; use AES-128, AES-192 or AES-256.");
            };
        }
    }

    /**
     * Generates working keys for a zone in the HSM, each as a transient object wrapped under the LMK
     * and destroyed, and stores them (with one audit entry per key) in one transaction. Existing
     * (zone, purpose, version) are refused before anything is made.
     */
    public List<WorkingKey> generateWorkingKeys(Session hsm, String zone, List<WorkingKeyRequest> requests, String runId) {
        requireZone(zone);
        store.read(c -> {
            for (WorkingKeyRequest r : requests) {
                String id = KeyIds.workingKey(zone, r.purpose(), r.version());
                if (KeyRecords.workingKey(c, id).isPresent()) {
                    throw new KeyException("The key " + id + " already exists. Choose a version above "
                            + KeyRecords.maxVersion(c, zone, r.purpose()) + ".");
                }
            }
            return null;
        });
        ActiveLmk lmk = activeMasterKey(hsm);
        Instant now = clock.instant();
        List<WorkingKey> made = new ArrayList<>(requests.size());
        // the LMK as a session object for this batch (as the export does, ADR 7): the same key, never out of the HSM,
        // destroyed below; SoftHSM2 wraps under it faster than under the private token object. Tokens that do not copy: the LMK.
        Optional<KeyHandle> lmkCopy = requests.size() > 1 ? hsm.sessionCopy(lmk.handle(), "") : Optional.empty();
        KeyHandle under = lmkCopy.orElse(lmk.handle());
        try {
            for (WorkingKeyRequest r : requests) {
                KeyHandle k = hsm.generateSecretKey(transientTemplate(r.lengthBytes()));
                try {
                    Kcv kcv = hsm.kcv(k);
                    byte[] wrapped = hsm.wrap(WrapMechanism.AES_KWP, under, k);
                    made.add(new WorkingKey(KeyIds.workingKey(zone, r.purpose(), r.version()), zone, r.purpose(), r.algorithm(),
                            r.version(), r.validFrom(), r.validUntil(), "ACTIVE", kcv.hex(), lmk.record().version(), wrapped, runId,
                            now, null));
                } finally {
                    hsm.destroy(k);
                }
            }
        } finally {
            lmkCopy.ifPresent(hsm::destroy);
        }
        store.write(c -> {
            for (WorkingKey w : made) {
                KeyRecords.insertWorkingKey(c, w);
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "working_key.created", Outcome.DONE, Map.of("key", w.id(),
                        "kcv", w.kcv(), "algorithm", w.algorithm(), "valid_from", w.validFrom().toString(),
                        "valid_until", w.validUntil().toString(), "run", runId)));
            }
            return null;
        });
        return made;
    }

    /**
     * Rotation: for each active, not yet rotated key of the zone(s) whose validity ends within
     * {@code dueWithin}, a new version valid from now (or from the old key's start, if that is later)
     * for {@code validity}; the old version stays valid until the new one's start plus {@code overlap}
     * (never longer than it already was).
     */
    public List<WorkingKey> rotate(Session hsm, String zoneOrAll, java.time.Duration dueWithin, java.time.Duration overlap,
                                   java.time.Duration validity, String runId) {
        Instant now = clock.instant();
        List<WorkingKey> due = store.read(c -> KeyRecords.workingKeys(c, new InventoryFilter("*".equals(zoneOrAll) ? null : zoneOrAll,
                null, "ACTIVE", now.plus(dueWithin)))).stream().filter(w -> w.supersededBy() == null).toList();
        List<WorkingKey> made = new ArrayList<>();
        Map<String, List<WorkingKey>> byZone = new LinkedHashMap<>();
        due.forEach(w -> byZone.computeIfAbsent(w.zone(), z -> new ArrayList<>()).add(w));
        for (Map.Entry<String, List<WorkingKey>> e : byZone.entrySet()) {
            Map<KeyIds.KeyPurposeName, Integer> next = new LinkedHashMap<>();
            List<WorkingKeyRequest> requests = new ArrayList<>();
            List<Instant> oldUntil = new ArrayList<>();
            for (WorkingKey old : e.getValue()) {
                int v = next.computeIfAbsent(old.purpose(), p -> store.read(c -> KeyRecords.maxVersion(c, e.getKey(), p))) + 1;
                next.put(old.purpose(), v);
                Instant start = old.validFrom().isAfter(now) ? old.validFrom() : now;
                requests.add(new WorkingKeyRequest(old.purpose(), old.algorithm(), v, start, start.plus(validity)));
                Instant until = start.plus(overlap);
                if (!until.isAfter(old.validFrom())) {
                    until = old.validFrom().plusSeconds(1);
                }
                oldUntil.add(until.isBefore(old.validUntil()) ? until : old.validUntil());
            }
            List<WorkingKey> fresh = generateWorkingKeys(hsm, e.getKey(), requests, runId);
            store.write(c -> {
                for (int i = 0; i < fresh.size(); i++) {
                    WorkingKey old = e.getValue().get(i);
                    KeyRecords.supersede(c, old.id(), fresh.get(i).id(), oldUntil.get(i));
                    audit.append(c, new AuditEvent(AuditLog.CONSOLE, "working_key.rotated", Outcome.DONE, Map.of("old", old.id(),
                            "new", fresh.get(i).id(), "old_valid_until", oldUntil.get(i).toString(),
                            "new_valid_from", fresh.get(i).validFrom().toString(), "run", runId)));
                }
                return null;
            });
            made.addAll(fresh);
        }
        return made;
    }

    /** Revokes keys of a zone (or, with {@code keyIds} null, the whole zone), with an incident record. */
    public int revoke(String zone, List<String> keyIds, String reason, String incidentReference, String runId) {
        return store.write(c -> {
            if (KeyRecords.zone(c, zone).isEmpty()) {
                throw new KeyException("The zone '" + zone + "' does not exist.");
            }
            String incidentId = java.util.UUID.randomUUID().toString();
            Instant now = clock.instant();
            KeyRecords.insertIncident(c, incidentId, incidentReference, reason, zone, now, runId);
            List<String> ids = keyIds != null ? keyIds
                    : KeyRecords.workingKeys(c, InventoryFilter.ALL.zone(zone)).stream().map(WorkingKey::id).toList();
            int n = 0;
            for (String id : ids) {
                WorkingKey w = KeyRecords.workingKey(c, id).orElseThrow(() -> new KeyException("There is no key " + id + "."));
                if (!w.zone().equals(zone)) {
                    throw new KeyException("The key " + id + " belongs to zone " + w.zone() + ", not " + zone + ".");
                }
                n += KeyRecords.revokeWorkingKey(c, id, reason, incidentId, now);
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "working_key.revoked", Outcome.DONE, Map.of("key", id,
                        "reason", reason, "incident", incidentReference, "run", runId)));
            }
            if (keyIds == null) {
                KeyRecords.revokeZone(c, zone, reason, now);
                audit.append(c, new AuditEvent(AuditLog.CONSOLE, "zone.revoked", Outcome.DONE, Map.of("zone", zone,
                        "reason", reason, "incident", incidentReference, "run", runId)));
            }
            return n;
        });
    }

    // ------------------------------------------------------------------ inventory

    /** The inventory streamed: each key matching {@code f} to {@code each} as it is read, in order; returns how many. */
    public long inventory(InventoryFilter f, java.util.function.Consumer<WorkingKey> each) {
        return store.read(c -> KeyRecords.forEachWorkingKey(c, f, each));
    }

    public List<WorkingKey> inventory(InventoryFilter f) {
        return store.read(c -> KeyRecords.workingKeys(c, f));
    }

    /** Active keys whose validity ends within {@code days}, soonest first. */
    public List<WorkingKey> dueForRotation(int days) {
        Instant limit = clock.instant().plus(java.time.Duration.ofDays(days));
        return inventory(InventoryFilter.ALL.status("ACTIVE").expiringBefore(limit)).stream()
                .filter(w -> w.supersededBy() == null)
                .sorted(java.util.Comparator.comparing(WorkingKey::validUntil)).toList();
    }

    public List<Zone> zones() {
        return store.read(KeyRecords::zones);
    }
}
