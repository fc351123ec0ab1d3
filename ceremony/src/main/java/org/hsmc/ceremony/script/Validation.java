package org.hsmc.ceremony.script;

import org.hsmc.ceremony.custody.Role;

import javax.security.auth.x500.X500Principal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The second half of pass 2, {@code validate()}: checks the values and combinations of a strictly
 * parsed script against docs/ceremony-scripts.md, collecting every problem, and builds the
 * {@link CeremonyScript} when there is none. Only what the file alone tells is checked; whether a
 * zone, key or custodian exists is for the layer that runs the script.
 */
final class Validation {

    static final int MIN_VERSION = 1;
    static final int MAX_VERSION = 99_999;
    static final int MAX_TITLE = 200;
    static final int MAX_NAME = 64;
    static final int MAX_WITNESSES = 32;
    static final int MAX_NOTES = 10_000;
    static final int MAX_CARD_BYTES = 32;
    static final int MIN_CUSTODIANS = 2;
    static final int MAX_CUSTODIANS = 16;
    static final int MAX_ZONE_NAME = 100;
    static final int MIN_COMPONENTS = 2;
    static final int MAX_COMPONENTS = 9;
    static final int MAX_PATH = 4096;
    static final int MAX_SUBJECT = 1024;
    static final int MAX_KEY_ENTRIES = 10_000;
    static final int MAX_COUNT = 99_999;
    /** Keys one generate-working-keys script may make in all: every zone of {@code zones} times every entry's count. */
    static final long MAX_KEYS_PER_SCRIPT = 1_000_000;
    static final int MAX_KEY_ZONES = 1_000;
    static final int MAX_KEY_IDS = 10_000;
    static final int MAX_KEY_ID = 128;
    static final int MAX_REASON = 500;
    static final int MAX_INCIDENT = 64;
    static final int MAX_ZONES = 10_000;
    static final int MAX_EXPIRES_IN_DAYS = 3650;

    static final Pattern ZONE_ID = Pattern.compile("[a-z0-9-]{1,32}");
    static final Pattern KCV = Pattern.compile("[0-9A-Fa-f]{10}");
    /** UTC, to the second: what a reviewer can compare at a glance. */
    static final Pattern INSTANT = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z");

    private final Problems problems;

    Validation(Problems problems) {
        this.problems = problems;
    }

    /** The script, or empty when a problem was found (the problems are in the collector). */
    Optional<CeremonyScript> validate(CeremonyType type, Raw.Script raw) {
        CeremonyScript script = switch (type) {
            case INITIALIZE -> initialize((Raw.Initialize) raw);
            case GENERATE_MASTER_KEY -> generateMasterKey((Raw.GenerateMasterKey) raw);
            case GENERATE_ZONE_MASTER_KEY -> generateZoneMasterKey((Raw.GenerateZoneMasterKey) raw);
            case IMPORT_ZONE_MASTER_KEY -> importZoneMasterKey((Raw.ImportZoneMasterKey) raw);
            case GENERATE_WORKING_KEYS -> generateWorkingKeys((Raw.GenerateWorkingKeys) raw);
            case ROTATE -> rotate((Raw.Rotate) raw);
            case REVOKE -> revoke((Raw.Revoke) raw);
            case EXPORT_BUNDLE -> exportBundle((Raw.ExportBundle) raw);
            case RESTORE_MASTER_KEY -> restoreMasterKey((Raw.RestoreMasterKey) raw);
            case ENROL_CARD -> enrolCard((Raw.EnrolCard) raw);
            case REPLACE_CARD -> replaceCard((Raw.ReplaceCard) raw);
            case REVOKE_CARD -> revokeCard((Raw.RevokeCard) raw);
            case UNBLOCK_CARD -> unblockCard((Raw.UnblockCard) raw);
            case CHANGE_QUORUM -> changeQuorum((Raw.ChangeQuorum) raw);
        };
        return problems.any() ? Optional.empty() : Optional.of(script);
    }

    // ---- the common fields

    private record Common(String title, String operator, List<String> witnesses, Optional<String> notes) {
    }

    private Common common(Raw.Script raw) {
        String title = line("title", required("title", raw.title(), "shown on screens and reports, 1 to "
                + MAX_TITLE + " characters"), MAX_TITLE);
        String operator = line("operator", required("operator", raw.operator(),
                "the security officer who drives the run, by custodian name"), MAX_NAME);
        List<String> witnesses = List.of();
        if (raw.witnesses() != null) {
            witnesses = raw.witnesses();
            size("witnesses", witnesses, 0, MAX_WITNESSES, "witness", "witnesses");
            names("witnesses", witnesses);
        }
        String notes = raw.notes() == null ? null : paragraph("notes", raw.notes(), MAX_NOTES);
        return new Common(title, operator, witnesses, Optional.ofNullable(notes));
    }

    // ---- initialize

    private InitializeScript initialize(Raw.Initialize raw) {
        Common c = common(raw);
        Integer threshold = required("threshold", raw.threshold(), "M, the cards needed to open the HSM");
        List<Raw.Custodian> rawCustodians = required("custodians", raw.custodians(), "a list of "
                + MIN_CUSTODIANS + " to " + MAX_CUSTODIANS + " people, each {name, role, card}");
        List<CustodianSpec> custodians = new ArrayList<>();
        boolean custodiansComplete = rawCustodians != null;
        if (rawCustodians != null) {
            if (rawCustodians.size() < MIN_CUSTODIANS || rawCustodians.size() > MAX_CUSTODIANS) {
                size("custodians", rawCustodians, MIN_CUSTODIANS, MAX_CUSTODIANS, "custodian", "custodians");
                custodiansComplete = false; // then the threshold and the operator are not weighed against them
            }
            Map<String, Map.Entry<String, String>> names = new HashMap<>();
            Map<String, Map.Entry<String, String>> cards = new HashMap<>();
            for (int i = 0; i < rawCustodians.size(); i++) {
                String at = Positions.item("custodians", i);
                Raw.Custodian rc = rawCustodians.get(i);
                String name = line(at + ".name", required(at + ".name", rc.name(), "the person's name"), MAX_NAME);
                Role role = oneOf(at + ".role", required(at + ".role", rc.role(),
                        "SECURITY_OFFICER, KEY_CUSTODIAN or AUDITOR"), Role.class, Role::name);
                String card = card(at + ".card", required(at + ".card", rc.card(),
                        "the label of the person's admin card token at this site"));
                unique(at + ".name", name, names, "custodians", "name");
                unique(at + ".card", card, cards, "custodians", "card");
                if (name == null || role == null || card == null) {
                    custodiansComplete = false;
                } else {
                    custodians.add(new CustodianSpec(name, role, card));
                }
            }
        }
        if (threshold != null) {
            if (threshold < 2) {
                problems.add("threshold", threshold + " is too small; at least 2 cards must be needed to open the HSM");
            } else if (custodiansComplete) {
                long holders = custodians.stream().filter(CustodianSpec::holdsShare).count();
                if (threshold > holders) {
                    problems.add("threshold", threshold + " is more than the " + holders
                            + (holders == 1 ? " custodian who" : " custodians who")
                            + " can hold a share (security officers and key custodians)");
                }
            }
        }
        if (c.operator() != null && custodiansComplete) {
            Optional<CustodianSpec> op = custodians.stream()
                    .filter(s -> Names.identity(s.name()).equals(Names.identity(c.operator()))).findFirst();
            if (op.isEmpty()) {
                problems.add("operator", Names.quote(c.operator()) + " is not among the custodians; the operator of"
                        + " initialize is one of them, a SECURITY_OFFICER");
            } else if (!op.get().name().equals(c.operator())) {
                problems.add("operator", Names.quote(c.operator()) + " is written " + Names.quote(op.get().name())
                        + " in custodians; write it the same way");
            } else if (op.get().role() != Role.SECURITY_OFFICER) {
                problems.add("operator", Names.quote(c.operator()) + " is a " + op.get().role()
                        + "; the operator must be a SECURITY_OFFICER");
            }
        }
        BundleSignerSpec signer = bundleSigner(raw.bundleSigner());
        if (problems.any()) {
            return null;
        }
        return new InitializeScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(),
                threshold, custodians, signer);
    }

    // ---- generate-master-key

    private GenerateMasterKeyScript generateMasterKey(Raw.GenerateMasterKey raw) {
        Common c = common(raw);
        Integer version = version("version", required("version", raw.version(),
                "the new LMK version, " + MIN_VERSION + " to " + MAX_VERSION));
        LmkBackupSpec backup = raw.recovery() == null ? null : recovery(raw.recovery());
        if (problems.any()) {
            return null;
        }
        return new GenerateMasterKeyScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(),
                version, raw.rotate() != null && raw.rotate(), Optional.ofNullable(backup));
    }

    private LmkBackupSpec recovery(Raw.Recovery r) {
        if (r.vendorBackup() != null) {
            if (r.threshold() != null || r.holders() != null) {
                problems.add("recovery.vendor_backup", "give either threshold and holders (recovery cards) or vendor_backup,"
                        + " not both");
                return null;
            }
            String procedure = line("recovery.vendor_backup", r.vendorBackup(), MAX_TITLE);
            return procedure == null ? null : new LmkBackupSpec.Vendor(procedure);
        }
        Integer threshold = required("recovery.threshold", r.threshold(), "M, the recovery cards a restore needs");
        List<String> holders = required("recovery.holders", r.holders(), "the recovery custodians by name, 2 to "
                + MAX_CUSTODIANS + "; or give vendor_backup instead");
        if (holders != null) {
            size("recovery.holders", holders, 2, MAX_CUSTODIANS, "holder", "holders");
            names("recovery.holders", holders);
        }
        if (threshold != null) {
            if (threshold < 2) {
                problems.add("recovery.threshold", threshold + " is too small; at least 2 recovery cards must be needed");
            } else if (holders != null && threshold > holders.size()) {
                problems.add("recovery.threshold", threshold + " is more than the " + holders.size() + " holders");
            }
        }
        return threshold == null || holders == null ? null : new LmkBackupSpec.RecoveryCards(threshold, holders);
    }

    // ---- restore-master-key

    private RestoreMasterKeyScript restoreMasterKey(Raw.RestoreMasterKey raw) {
        Common c = common(raw);
        Integer version = version("version", required("version", raw.version(),
                "the LMK version to restore, " + MIN_VERSION + " to " + MAX_VERSION));
        BundleSignerSpec signer = bundleSigner(raw.bundleSigner());
        if (problems.any()) {
            return null;
        }
        return new RestoreMasterKeyScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(),
                version, signer);
    }

    private BundleSignerSpec bundleSigner(Raw.BundleSigner bundleSignerRaw) {
        BundleSignerSpec signer = null;
        Raw.BundleSigner rawSigner = required("bundle_signer", bundleSignerRaw,
                "{subject}, the X.500 subject of the console certificate");
        if (rawSigner != null) {
            String subject = line("bundle_signer.subject", required("bundle_signer.subject", rawSigner.subject(),
                    "the X.500 subject, e.g. CN=Key console, O=Example"), MAX_SUBJECT);
            if (subject != null) {
                try {
                    new X500Principal(subject);
                    signer = new BundleSignerSpec(subject);
                } catch (IllegalArgumentException e) {
                    problems.add("bundle_signer.subject", Names.quote(subject) + " is not an X.500 name; write it"
                            + " as attribute=value pairs separated by commas, e.g. CN=Key console, O=Example");
                }
            }
        }
        return signer;
    }

    // ---- generate-zone-master-key

    private GenerateZoneMasterKeyScript generateZoneMasterKey(Raw.GenerateZoneMasterKey raw) {
        Common c = common(raw);
        ZoneRef zone = newZone(raw.zone());
        Integer version = version("version", required("version", raw.version(),
                "the ZMK version, " + MIN_VERSION + " to " + MAX_VERSION));
        ZmkDelivery delivery = null;
        if (raw.components() != null && raw.transportKey() != null) {
            problems.add("transport_key", "give either components (with component_holders) or transport_key, not both");
        } else if (raw.components() == null && raw.transportKey() == null) {
            problems.add("components", "missing field 'components' (K, " + MIN_COMPONENTS + " to " + MAX_COMPONENTS
                    + ", with component_holders); or give transport_key instead");
        } else if (raw.components() != null) {
            Integer k = range("components", raw.components(), MIN_COMPONENTS, MAX_COMPONENTS);
            List<String> holders = required("component_holders", raw.componentHolders(),
                    "the custodian who receives each component, one name per component");
            if (holders != null) {
                names("component_holders", holders);
                if (k != null && holders.size() != k) {
                    problems.add("component_holders", holders.size() + (holders.size() == 1 ? " name" : " names")
                            + " for " + k + " components; name one holder per component");
                }
                if (k != null) {
                    delivery = new ZmkDelivery.Components(holders);
                }
            }
        } else {
            if (raw.componentHolders() != null) {
                problems.add("component_holders", "component_holders goes with components; with transport_key the ZMK"
                        + " is not split, so leave it out");
            }
            String path = line("transport_key", raw.transportKey(), MAX_PATH);
            if (path != null) {
                delivery = new ZmkDelivery.TransportKey(path);
            }
        }
        if (problems.any()) {
            return null;
        }
        return new GenerateZoneMasterKeyScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(),
                c.notes(), zone, version, delivery);
    }

    // ---- import-zone-master-key

    private ImportZoneMasterKeyScript importZoneMasterKey(Raw.ImportZoneMasterKey raw) {
        Common c = common(raw);
        ZoneRef zone = newZone(raw.zone());
        Integer version = version("version", required("version", raw.version(),
                "the ZMK version, " + MIN_VERSION + " to " + MAX_VERSION));
        Integer k = range("components", required("components", raw.components(),
                "K, the number of components, " + MIN_COMPONENTS + " to " + MAX_COMPONENTS),
                MIN_COMPONENTS, MAX_COMPONENTS);
        List<String> rawKcvs = required("component_kcvs", raw.componentKcvs(),
                "the KCV of each component, 10 hex digits, one per component");
        List<String> kcvs = new ArrayList<>();
        if (rawKcvs != null) {
            if (k != null && rawKcvs.size() != k) {
                problems.add("component_kcvs", rawKcvs.size() + (rawKcvs.size() == 1 ? " KCV" : " KCVs") + " for "
                        + k + " components; give one KCV per component");
            }
            Map<String, String> seen = new HashMap<>();
            for (int i = 0; i < rawKcvs.size(); i++) {
                String at = Positions.item("component_kcvs", i);
                String kcv = kcv(at, rawKcvs.get(i));
                if (kcv != null) {
                    String first = seen.putIfAbsent(kcv, at);
                    if (first != null) {
                        problems.add(at, kcv + " is also the KCV of " + first + "; two components are never equal");
                    }
                    kcvs.add(kcv);
                }
            }
        }
        String kcv = kcv("kcv", required("kcv", raw.kcv(), "the KCV of the combined ZMK, 10 hex digits"));
        if (problems.any()) {
            return null;
        }
        return new ImportZoneMasterKeyScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(),
                zone, version, kcvs, kcv);
    }

    // ---- generate-working-keys

    private GenerateWorkingKeysScript generateWorkingKeys(Raw.GenerateWorkingKeys raw) {
        Common c = common(raw);
        List<String> zones = workingKeyZones(raw);
        List<Raw.WorkingKey> rawKeys = required("keys", raw.keys(), "a list of 1 to " + MAX_KEY_ENTRIES
                + " entries, each {purpose, algorithm, version, valid_from, valid_until, count}");
        List<WorkingKeySpec> keys = new ArrayList<>();
        if (rawKeys != null) {
            size("keys", rawKeys, 1, MAX_KEY_ENTRIES, "entry", "entries");
            List<String> pathOf = new ArrayList<>();
            for (int i = 0; i < rawKeys.size(); i++) {
                String at = Positions.item("keys", i);
                WorkingKeySpec spec = workingKey(at, rawKeys.get(i));
                if (spec != null) {
                    String clash = firstClash(spec, keys, pathOf);
                    if (clash != null) {
                        problems.add(at + ".version", clash);
                    }
                    keys.add(spec);
                    pathOf.add(at);
                }
            }
        }
        if (zones != null && !problems.any()) {
            long perZone = keys.stream().mapToLong(WorkingKeySpec::count).sum();
            long total = perZone * zones.size();
            if (total > MAX_KEYS_PER_SCRIPT) {
                String how = zones.size() == 1 ? perZone + " keys" : zones.size() + " zones × " + perZone + " keys = " + total + " keys";
                problems.add("keys", how + " are too many for one ceremony; one script makes at most " + MAX_KEYS_PER_SCRIPT
                        + " keys: split it into several scripts");
            }
        }
        if (problems.any()) {
            return null;
        }
        return new GenerateWorkingKeysScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(),
                zones, keys);
    }

    /** {@code zone} (one zone) or {@code zones} (a list of 1 to 1,000 distinct zones), never both. */
    private List<String> workingKeyZones(Raw.GenerateWorkingKeys raw) {
        if (raw.zone() != null && raw.zones() != null) {
            problems.add("zones", "give either zone (one zone) or zones (a list), not both");
            zoneId("zone", raw.zone());
            return null;
        }
        if (raw.zones() == null) {
            String zone = zoneId("zone", required("zone", raw.zone(), "the id of an existing zone, or give zones:"
                    + " a list of zone ids"));
            return zone == null ? null : List.of(zone);
        }
        List<String> ids = raw.zones();
        if (ids.isEmpty() || ids.size() > MAX_KEY_ZONES) {
            size("zones", ids, 1, MAX_KEY_ZONES, "zone id", "zone ids");
            return null;
        }
        Map<String, String> seen = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < ids.size(); i++) {
            String at = Positions.item("zones", i);
            String id = zoneId(at, ids.get(i));
            if (id == null) {
                ok = false;
                continue;
            }
            String first = seen.putIfAbsent(id, at);
            if (first != null) {
                problems.add(at, Names.quote(id) + " is also " + first + "; name each zone once");
                ok = false;
            }
        }
        return ok ? List.copyOf(ids) : null;
    }

    private WorkingKeySpec workingKey(String at, Raw.WorkingKey k) {
        KeyPurpose purpose = oneOf(at + ".purpose", required(at + ".purpose", k.purpose(), "DEK, KEK or MAC"),
                KeyPurpose.class, KeyPurpose::name);
        KeyAlgorithm algorithm = oneOf(at + ".algorithm", required(at + ".algorithm", k.algorithm(),
                "AES-128, AES-192 or AES-256"), KeyAlgorithm.class, KeyAlgorithm::yamlName);
        Integer version = version(at + ".version", required(at + ".version", k.version(),
                "the first version, " + MIN_VERSION + " to " + MAX_VERSION));
        Instant from = instant(at + ".valid_from", required(at + ".valid_from", k.validFrom(),
                "start of validity, e.g. 2027-01-01T00:00:00Z"));
        Instant until = instant(at + ".valid_until", required(at + ".valid_until", k.validUntil(),
                "end of validity, e.g. 2028-01-01T00:00:00Z"));
        if (from != null && until != null && !until.isAfter(from)) {
            problems.add(at + ".valid_until", k.validUntil() + " is not after valid_from " + k.validFrom()
                    + "; a key must be valid for some time");
        }
        int count = 1;
        if (k.count() != null) {
            Integer n = range(at + ".count", k.count(), 1, MAX_COUNT);
            if (n == null) {
                return null;
            }
            count = n;
            if (version != null && (long) version + count - 1 > MAX_VERSION) {
                problems.add(at + ".count", count + " keys from version " + version + " would reach version "
                        + ((long) version + count - 1) + "; versions go up to " + MAX_VERSION);
                return null;
            }
        }
        if (purpose == null || algorithm == null || version == null || from == null || until == null
                || !until.isAfter(from)) {
            return null;
        }
        return new WorkingKeySpec(purpose, algorithm, version, from, until, count);
    }

    /** The first earlier entry that makes one of the same (purpose, version), as a message; null if none. */
    private static String firstClash(WorkingKeySpec spec, List<WorkingKeySpec> earlier, List<String> pathOf) {
        for (int j = 0; j < earlier.size(); j++) {
            WorkingKeySpec e = earlier.get(j);
            if (e.purpose() == spec.purpose() && e.version() <= spec.lastVersion() && spec.version() <= e.lastVersion()) {
                int v = Math.max(e.version(), spec.version());
                String theirs = e.count() == 1 ? "" : " (versions " + e.version() + " to " + e.lastVersion() + ")";
                return spec.purpose() + " version " + v + " is also made by " + pathOf.get(j) + theirs
                        + "; each (purpose, version) is made once";
            }
        }
        return null;
    }

    // ---- rotate

    private RotateScript rotate(Raw.Rotate raw) {
        Common c = common(raw);
        String zone = required("zone", raw.zone(), "the id of an existing zone, or * for every zone");
        if (zone != null && !zone.equals(RotateScript.ALL_ZONES)) {
            zone = zoneId("zone", zone);
        }
        Integer due = range("due_within_days", required("due_within_days", raw.dueWithinDays(),
                "rotate keys whose validity ends within this many days, 0 to 3650"), 0, 3650);
        Integer overlap = range("overlap_days", required("overlap_days", raw.overlapDays(),
                "how long the old version stays valid after the new one starts, 0 to 365"), 0, 365);
        Integer validity = range("validity_days", required("validity_days", raw.validityDays(),
                "validity of the new versions, 1 to 3650"), 1, 3650);
        if (problems.any()) {
            return null;
        }
        return new RotateScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), zone, due,
                overlap, validity);
    }

    // ---- revoke

    private RevokeScript revoke(Raw.Revoke raw) {
        Common c = common(raw);
        String zone = zoneId("zone", required("zone", raw.zone(), "the id of an existing zone"));
        KeySelection keys = null;
        Raw.KeyList rawKeys = required("keys", raw.keys(), "a list of key ids, or all");
        if (rawKeys != null && rawKeys.text() != null) {
            if (rawKeys.text().equals("all")) {
                keys = new KeySelection.All();
            } else {
                problems.add("keys", Names.quote(rawKeys.text()) + " is not allowed; write all (every key of the zone)"
                        + " or a list of key ids, e.g. [wk/" + (zone == null ? "sh-01" : zone) + "/dek/v1]");
            }
        } else if (rawKeys != null) {
            List<String> ids = rawKeys.ids();
            if (ids.isEmpty()) {
                problems.add("keys", "the list is empty; name at least one key id, or write all");
            }
            size("keys", ids, 0, MAX_KEY_IDS, "key id", "key ids");
            Map<String, String> seen = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                String at = Positions.item("keys", i);
                String id = keyId(at, ids.get(i));
                if (id != null) {
                    String first = seen.putIfAbsent(id, at);
                    if (first != null) {
                        problems.add(at, Names.quote(id) + " is also " + first + "; name each key once");
                    }
                }
            }
            keys = new KeySelection.Listed(ids);
        }
        String reason = paragraph("reason", required("reason", raw.reason(), "why, 1 to " + MAX_REASON
                + " characters"), MAX_REASON);
        String incident = line("incident", required("incident", raw.incident(), "the incident reference, 1 to "
                + MAX_INCIDENT + " characters"), MAX_INCIDENT);
        if (problems.any()) {
            return null;
        }
        return new RevokeScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), zone, keys,
                reason, incident);
    }

    // ---- export-bundle

    private ExportBundleScript exportBundle(Raw.ExportBundle raw) {
        Common c = common(raw);
        ZoneSelection zones = null;
        Raw.ZoneList rawZones = required("zones", raw.zones(), "the zone ids to export, or '*' for every zone");
        if (rawZones != null && rawZones.text() != null) {
            if (rawZones.text().equals(ExportBundleScript.ALL_ZONES)) {
                zones = new ZoneSelection.All();
            } else {
                problems.add("zones", Names.quote(rawZones.text()) + " is not allowed; write '*' (every zone, in quotes)"
                        + " or a list of zone ids, e.g. [sh-01, bj-01]");
            }
        } else if (rawZones != null) {
            List<String> ids = rawZones.ids();
            if (ids.isEmpty()) {
                problems.add("zones", "the list is empty; name at least one zone id, or write '*'");
            }
            size("zones", ids, 0, MAX_ZONES, "zone id", "zone ids");
            Map<String, String> seen = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                String at = Positions.item("zones", i);
                String id = ids.get(i);
                if (ExportBundleScript.ALL_ZONES.equals(id)) {
                    problems.add(at, "'*' is not a zone id; to export every zone write zones: '*', without a list");
                    continue;
                }
                id = zoneId(at, id);
                if (id != null) {
                    String first = seen.putIfAbsent(id, at);
                    if (first != null) {
                        problems.add(at, Names.quote(id) + " is also " + first + "; name each zone once");
                    }
                }
            }
            zones = new ZoneSelection.Listed(ids);
        }
        Integer expires = range("expires_in_days", required("expires_in_days", raw.expiresInDays(),
                "how many days a node accepts the bundle, 1 to " + MAX_EXPIRES_IN_DAYS), 1, MAX_EXPIRES_IN_DAYS);
        String output = line("output_directory", required("output_directory", raw.outputDirectory(),
                "where the bundles are written, e.g. /media/bundles; a relative path is taken from the script's folder"),
                MAX_PATH);
        if (problems.any()) {
            return null;
        }
        return new ExportBundleScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), zones,
                expires, output);
    }

    // ---- field checks; each returns the valid value, or null after reporting (or when given null)

    private <T> T required(String path, T value, String what) {
        if (value == null) {
            String name = path.substring(Math.max(path.lastIndexOf('.'), path.lastIndexOf(']')) + 1);
            problems.add(path, "missing field '" + name + "' (" + what + ")");
        }
        return value;
    }

    private Integer range(String path, Integer value, int min, int max) {
        if (value == null) {
            return null;
        }
        if (value < min || value > max) {
            problems.add(path, value + " is out of range; use " + min + " to " + max);
            return null;
        }
        return value;
    }

    private Integer version(String path, Integer value) {
        return range(path, value, MIN_VERSION, MAX_VERSION);
    }

    /** One line of text: not blank, no line breaks or tabs, no spaces at the ends, at most {@code max} characters. */
    private String line(String path, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            problems.add(path, "is empty; write 1 to " + max + " characters");
            return null;
        }
        if (value.contains("\n") || value.contains("\r") || value.contains("\t")) {
            problems.add(path, Names.quote(value) + " must be one line, without line breaks or tabs");
            return null;
        }
        if (!value.equals(value.strip())) {
            problems.add(path, Names.quote(value) + " has spaces at the start or end; remove them");
            return null;
        }
        return length(path, value, max);
    }

    /** Free text: not blank, at most {@code max} characters; line breaks allowed. */
    private String paragraph(String path, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            problems.add(path, "is empty; write 1 to " + max + " characters, or leave the field out if it is optional");
            return null;
        }
        return length(path, value, max);
    }

    private String length(String path, String value, int max) {
        int n = value.codePointCount(0, value.length());
        if (n > max) {
            problems.add(path, "is " + n + " characters long; at most " + max + " are allowed");
            return null;
        }
        return value;
    }

    private <T> void size(String path, List<T> list, int min, int max, String one, String many) {
        if (list.size() < min) {
            problems.add(path, (list.isEmpty() ? "the list is empty" : "only " + list.size() + " "
                    + (list.size() == 1 ? one : many)) + "; give " + min + " to " + max + " " + many);
        } else if (list.size() > max) {
            problems.add(path, list.size() + " " + many + " are too many; give at most " + max);
        }
    }

    /** Distinct one-line names (compared as people would: case and width ignored). */
    private void names(String path, List<String> values) {
        Map<String, Map.Entry<String, String>> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            String at = Positions.item(path, i);
            unique(at, line(at, values.get(i), MAX_NAME), seen, path, null);
        }
    }

    /** Reports {@code value} if an earlier item has the same name as people read it; remembers it otherwise. */
    private void unique(String at, String value, Map<String, Map.Entry<String, String>> seen, String listPath,
                        String field) {
        if (value == null) {
            return;
        }
        Map.Entry<String, String> first = seen.putIfAbsent(Names.identity(value), Map.entry(at, value));
        if (first != null) {
            String each = field == null ? "the items of " + listPath + " must all differ"
                    : "each of the " + listPath + " needs a different " + field;
            String caseNote = first.getValue().equals(value) ? "" : " (" + Names.quote(first.getValue())
                    + "; case is ignored)";
            problems.add(at, Names.quote(value) + " is the same as " + first.getKey() + caseNote + "; " + each);
        }
    }

    private <E extends Enum<E>> E oneOf(String path, String value, Class<E> type, Function<E, String> spelling) {
        if (value == null) {
            return null;
        }
        List<String> allowed = Arrays.stream(type.getEnumConstants()).map(spelling).toList();
        for (E e : type.getEnumConstants()) {
            if (spelling.apply(e).equals(value)) {
                return e;
            }
        }
        problems.add(path, Names.quote(value) + " is not allowed; use " + Names.orList(allowed));
        return null;
    }

    private String card(String path, String value) {
        String card = line(path, value, MAX_CARD_BYTES);
        if (card != null) {
            int bytes = card.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_CARD_BYTES) {
                problems.add(path, Names.quote(card) + " is " + bytes + " bytes in UTF-8; a PKCS#11 token label holds"
                        + " at most " + MAX_CARD_BYTES);
                return null;
            }
        }
        return card;
    }

    private String zoneId(String path, String value) {
        if (value == null) {
            return null;
        }
        if (!ZONE_ID.matcher(value).matches()) {
            problems.add(path, Names.quote(value) + " is not a zone id; use 1 to 32 characters of a-z, 0-9 and -");
            return null;
        }
        return value;
    }

    private ZoneRef newZone(Raw.Zone raw) {
        Raw.Zone zone = required("zone", raw, "the new zone, {id, name}");
        if (zone == null) {
            return null;
        }
        String id = zoneId("zone.id", required("zone.id", zone.id(),
                "1 to 32 characters of a-z, 0-9 and -, e.g. sh-01"));
        String name = line("zone.name", required("zone.name", zone.name(),
                "what people call the zone, e.g. Shanghai online nodes"), MAX_ZONE_NAME);
        return id == null || name == null ? null : new ZoneRef(id, name);
    }

    private String kcv(String path, String value) {
        if (value == null) {
            return null;
        }
        if (!KCV.matcher(value).matches()) {
            problems.add(path, Names.quote(value) + " is not a KCV; a KCV is 10 hex digits (0-9, A-F), e.g. 8F2A11C0D3");
            return null;
        }
        return value.toUpperCase(Locale.ROOT);
    }

    private Instant instant(String path, String value) {
        if (value == null) {
            return null;
        }
        if (INSTANT.matcher(value).matches()) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                // a well-formed but impossible date, e.g. 2027-02-30; reported below
            }
        }
        problems.add(path, Names.quote(value) + " is not a time in UTC; write it as 2027-01-01T00:00:00Z"
                + " (date, T, time to the second, Z)");
        return null;
    }

    private String keyId(String path, String value) {
        String id = line(path, value, MAX_KEY_ID);
        if (id == null) {
            return null;
        }
        if (id.equals("all")) {
            problems.add(path, "all is not a key id; to revoke every key of the zone write keys: all, without a list");
            return null;
        }
        if (id.chars().anyMatch(Character::isWhitespace)) {
            problems.add(path, Names.quote(id) + " is not a key id: key ids have no spaces, e.g. wk/sh-01/dek/v1");
            return null;
        }
        return id;
    }

    // ---- custody changes: enrol-card, replace-card, revoke-card, unblock-card, change-quorum

    static final int MAX_THRESHOLD = MAX_CUSTODIANS;

    private EnrolCardScript enrolCard(Raw.EnrolCard raw) {
        Common c = common(raw);
        String holder = line("holder", required("holder", raw.holder(),
                "the custodian who receives the card, by name (a new name with role, or an existing custodian)"), MAX_NAME);
        Role role = oneOf("role", raw.role(), Role.class, Role::name);
        if (role == Role.AUDITOR) {
            problems.add("role", "an AUDITOR holds no share of the HSM credential; enrol a card for a SECURITY_OFFICER"
                    + " or a KEY_CUSTODIAN");
        }
        String card = card("card", required("card", raw.card(), "the new card's token label at this site"));
        if (problems.any()) {
            return null;
        }
        return new EnrolCardScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), holder,
                Optional.ofNullable(role), card);
    }

    private ReplaceCardScript replaceCard(Raw.ReplaceCard raw) {
        Common c = common(raw);
        String card = card("card", required("card", raw.card(), "the token label of the card that is replaced"));
        String newCard = card("new_card", required("new_card", raw.newCard(), "the token label of the new card"));
        if (card != null && newCard != null && Names.identity(card).equals(Names.identity(newCard))) {
            problems.add("new_card", Names.quote(newCard) + " is the card being replaced; name the new card");
        }
        String holder = raw.holder() == null ? null : line("holder", raw.holder(), MAX_NAME);
        String reason = paragraph("reason", required("reason", raw.reason(), "why the card is replaced, 1 to "
                + MAX_REASON + " characters"), MAX_REASON);
        if (problems.any()) {
            return null;
        }
        return new ReplaceCardScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), card,
                newCard, Optional.ofNullable(holder), reason);
    }

    private RevokeCardScript revokeCard(Raw.RevokeCard raw) {
        Common c = common(raw);
        String card = card("card", required("card", raw.card(), "the token label of the card that is revoked"));
        String reason = paragraph("reason", required("reason", raw.reason(), "why the card is revoked, 1 to "
                + MAX_REASON + " characters"), MAX_REASON);
        if (problems.any()) {
            return null;
        }
        return new RevokeCardScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), card, reason);
    }

    private UnblockCardScript unblockCard(Raw.UnblockCard raw) {
        Common c = common(raw);
        String card = card("card", required("card", raw.card(), "the token label of the card that is unblocked"));
        String reason = paragraph("reason", required("reason", raw.reason(), "why, 1 to " + MAX_REASON + " characters"),
                MAX_REASON);
        if (problems.any()) {
            return null;
        }
        return new UnblockCardScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), card, reason);
    }

    private ChangeQuorumScript changeQuorum(Raw.ChangeQuorum raw) {
        Common c = common(raw);
        Integer threshold = range("threshold", required("threshold", raw.threshold(),
                "M, the cards needed to open the HSM, 2 to " + MAX_THRESHOLD), 2, MAX_THRESHOLD);
        List<String> cards = null;
        if (raw.cards() != null) {
            size("cards", raw.cards(), 2, MAX_CUSTODIANS, "card", "cards");
            Map<String, Map.Entry<String, String>> seen = new HashMap<>();
            List<String> ok = new ArrayList<>();
            for (int i = 0; i < raw.cards().size(); i++) {
                String at = Positions.item("cards", i);
                String card = card(at, raw.cards().get(i));
                unique(at, card, seen, "cards", null);
                if (card != null) {
                    ok.add(card);
                }
            }
            cards = ok;
            if (threshold != null && ok.size() == raw.cards().size() && threshold > ok.size()) {
                problems.add("threshold", "M = " + threshold + " is more than N = " + ok.size() + ", the cards listed;"
                        + " M cards out of N must be able to open the HSM");
            }
        }
        RoleRule rule = null;
        if (raw.rule() != null) {
            rule = rule(raw.rule(), threshold);
        }
        if (problems.any()) {
            return null;
        }
        return new ChangeQuorumScript(CeremonyScript.FORMAT, c.title(), c.operator(), c.witnesses(), c.notes(), threshold,
                Optional.ofNullable(cards), Optional.ofNullable(rule));
    }

    private RoleRule rule(Raw.Rule raw, Integer threshold) {
        List<String> rawRoles = required("rule.roles", raw.roles(), "the roles whose cards may approve, e.g."
                + " [SECURITY_OFFICER, KEY_CUSTODIAN]");
        java.util.Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
        if (rawRoles != null) {
            size("rule.roles", rawRoles, 1, Role.values().length, "role", "roles");
            for (int i = 0; i < rawRoles.size(); i++) {
                String at = Positions.item("rule.roles", i);
                Role r = oneOf(at, rawRoles.get(i), Role.class, Role::name);
                if (r != null && !roles.add(r)) {
                    problems.add(at, r + " is listed twice; list each role once");
                }
            }
        }
        Map<Role, Integer> minimum = new java.util.EnumMap<>(Role.class);
        if (raw.minimum() != null) {
            for (int i = 0; i < raw.minimum().size(); i++) {
                String at = Positions.item("rule.minimum", i);
                Raw.RoleMinimum m = raw.minimum().get(i);
                Role r = oneOf(at + ".role", required(at + ".role", m.role(), "the role"), Role.class, Role::name);
                Integer n = range(at + ".count", required(at + ".count", m.count(), "the fewest approvals of that role"),
                        1, MAX_THRESHOLD);
                if (r == null || n == null) {
                    continue;
                }
                if (rawRoles != null && !roles.contains(r)) {
                    problems.add(at + ".role", r + " is not among rule.roles, so it cannot give any approval; add it"
                            + " there or drop this minimum");
                } else if (minimum.putIfAbsent(r, n) != null) {
                    problems.add(at + ".role", r + " has a minimum already; give each role one minimum");
                }
            }
            int sum = minimum.values().stream().mapToInt(Integer::intValue).sum();
            if (threshold != null && sum > threshold) {
                problems.add("rule.minimum", "the minimums add up to " + sum + ", more than the " + threshold
                        + " approvals a quorum has (threshold); no quorum could satisfy this rule");
            }
        }
        return roles.isEmpty() ? null : new RoleRule(roles, minimum);
    }
}
