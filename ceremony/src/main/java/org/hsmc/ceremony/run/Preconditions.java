package org.hsmc.ceremony.run;

import org.hsmc.ceremony.bundle.BundleRecords;
import org.hsmc.ceremony.custody.RecoveryCards;
import org.hsmc.ceremony.keys.MasterKey;
import org.hsmc.ceremony.script.LmkBackupSpec;
import org.hsmc.ceremony.script.RestoreMasterKeyScript;
import org.hsmc.ceremony.keys.KeyIds;
import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.keys.WorkingKey;
import org.hsmc.ceremony.keys.Zone;
import org.hsmc.ceremony.script.CeremonyScript;
import org.hsmc.ceremony.script.ExportBundleScript;
import org.hsmc.ceremony.script.GenerateMasterKeyScript;
import org.hsmc.ceremony.script.GenerateWorkingKeysScript;
import org.hsmc.ceremony.script.WorkingKeySpec;
import org.hsmc.ceremony.script.GenerateZoneMasterKeyScript;
import org.hsmc.ceremony.script.ImportZoneMasterKeyScript;
import org.hsmc.ceremony.script.InitializeScript;
import org.hsmc.ceremony.script.KeySelection;
import org.hsmc.ceremony.script.RevokeScript;
import org.hsmc.ceremony.script.RotateScript;
import org.hsmc.ceremony.script.ZmkDelivery;
import org.hsmc.ceremony.script.ZoneSelection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks of a valid script against this console's store, before anything touches the HSM: zones
 * that must (or must not) exist, versions and labels already in use, holders that are not known.
 */
final class Preconditions {

    private Preconditions() {
    }

    static List<String> check(Connection c, CeremonyScript script) throws SQLException {
        List<String> p = new ArrayList<>();
        boolean initialised = adminSetActive(c);
        if (!(script instanceof InitializeScript) && !initialised) {
            p.add("ceremony: this console has not been initialised; run the initialize ceremony first");
        }
        if (!(script instanceof InitializeScript) && initialised && !securityOfficerNamed(c, script.operator())) {
            p.add("operator: '" + script.operator() + "' is not a security officer of this console; the operator must be one");
        }
        switch (script) {
            case InitializeScript s -> {
                if (initialised) {
                    p.add("ceremony: this console is already initialised; custodians and cards change by a re-share");
                }
            }
            case GenerateMasterKeyScript s -> {
                int highest = KeyRecords.masterKeys(c).stream().mapToInt(m -> m.version()).max().orElse(0);
                if (s.version() <= highest) {
                    p.add("version: LMK version " + s.version() + " exists or is below the highest (" + highest
                            + "); use " + (highest + 1) + " or more");
                }
                if (s.rotate() && KeyRecords.activeMasterKey(c).isEmpty()) {
                    p.add("rotate: there is no LMK yet to rotate from; set rotate: false for the first LMK");
                }
                if (!s.rotate() && KeyRecords.activeMasterKey(c).isPresent()) {
                    p.add("rotate: an LMK is active; a new version must re-wrap the inventory (rotate: true)");
                }
                if (s.backup().orElse(null) instanceof LmkBackupSpec.RecoveryCards rc) {
                    RecoveryCards.Resolution r = RecoveryCards.resolve(c, rc.holders());
                    for (String problem : r.problems()) {
                        p.add("recovery.holders: " + problem);
                    }
                }
            }
            case RestoreMasterKeyScript s -> {
                Optional<MasterKey> k = KeyRecords.masterKey(c, s.version());
                if (k.isEmpty()) {
                    p.add("version: the store has no LMK version " + s.version() + "; restore the store backup that holds it"
                            + " first (hsmc restore)");
                } else {
                    if ("RETIRED".equals(k.get().status())) {
                        p.add("version: " + k.get().label() + " is retired; restore the active LMK");
                    }
                    Optional<KeyRecords.Backup> b = KeyRecords.backup(c, s.version());
                    if (b.isEmpty() || !"RECOVERY_CARDS".equals(b.get().method())) {
                        p.add("version: " + k.get().label() + " has no backup on recovery cards ("
                                + b.map(x -> "VENDOR".equals(x.method()) ? "the site chose the vendor's backup: "
                                + x.vendorProcedure() + "; restore it with that procedure" : "it was made without a backup")
                                .orElse("it was made before LMK backups existed") + ")");
                    }
                }
            }
            case GenerateZoneMasterKeyScript s -> {
                newZone(c, s.zone().id(), p);
                requireLmk(c, p);
                if (s.delivery() instanceof ZmkDelivery.Components comps) {
                    for (int i = 0; i < comps.holders().size(); i++) {
                        if (!custodianNamed(c, comps.holders().get(i))) {
                            p.add("component_holders[" + i + "]: '" + comps.holders().get(i) + "' is not a custodian of this console");
                        }
                    }
                }
            }
            case ImportZoneMasterKeyScript s -> {
                newZone(c, s.zone().id(), p);
                requireLmk(c, p);
            }
            case GenerateWorkingKeysScript s -> {
                requireLmk(c, p);
                List<String> existing = new ArrayList<>();
                long existingCount = 0;
                for (int i = 0; i < s.zones().size(); i++) {
                    String zone = s.zones().get(i);
                    String path = s.zones().size() == 1 ? "zone" : "zones[" + i + "]";
                    if (activeZone(c, zone, path, p).isEmpty()) {
                        continue;
                    }
                    if (KeyRecords.activeZoneKey(c, zone).isEmpty()) {
                        p.add(path + ": the zone '" + zone + "' has no zone master key or transport key yet");
                    }
                    for (WorkingKeySpec k : s.keys()) {
                        KeyIds.KeyPurposeName purpose = KeyIds.KeyPurposeName.valueOf(k.purpose().name());
                        KeyRecords.VersionsInUse used = KeyRecords.versionsInUse(c, zone, purpose, k.version(), k.lastVersion(), 10);
                        existingCount += used.count();
                        for (int v : used.first()) {
                            if (existing.size() < 10) {
                                existing.add(KeyIds.workingKey(zone, purpose, v));
                            }
                        }
                    }
                }
                for (String id : existing) {
                    p.add("keys: the key " + id + " already exists; a key label is never reused");
                }
                if (existingCount > existing.size()) {
                    p.add("keys: " + (existingCount - existing.size()) + " more of the planned keys already exist (" + existingCount
                            + " in all); choose versions above the highest in use");
                }
            }
            case RotateScript s -> {
                if (!"*".equals(s.zone())) {
                    activeZone(c, s.zone(), "zone", p);
                }
                requireLmk(c, p);
            }
            case RevokeScript s -> {
                Optional<Zone> z = KeyRecords.zone(c, s.zone());
                if (z.isEmpty()) {
                    p.add("zone: the zone '" + s.zone() + "' does not exist");
                } else if (s.keys() instanceof KeySelection.Listed listed) {
                    for (int i = 0; i < listed.ids().size(); i++) {
                        Optional<WorkingKey> w = KeyRecords.workingKey(c, listed.ids().get(i));
                        if (w.isEmpty()) {
                            p.add("keys[" + i + "]: there is no key " + listed.ids().get(i));
                        } else if (!w.get().zone().equals(s.zone())) {
                            p.add("keys[" + i + "]: the key " + listed.ids().get(i) + " belongs to zone " + w.get().zone());
                        }
                    }
                }
            }
            case ExportBundleScript s -> {
                requireLmk(c, p);
                if (BundleRecords.consoleCertificate(c).isEmpty()) {
                    p.add("ceremony: this console has no console certificate to sign bundles with (initialize makes it)");
                }
                if (s.zones() instanceof ZoneSelection.Listed listed) {
                    for (int i = 0; i < listed.ids().size(); i++) {
                        String zone = listed.ids().get(i);
                        if (KeyRecords.zone(c, zone).isEmpty()) {
                            p.add("zones[" + i + "]: the zone '" + zone + "' does not exist");
                        } else if (KeyRecords.activeZoneKey(c, zone).isEmpty()) {
                            p.add("zones[" + i + "]: the zone '" + zone + "' has no zone master key or transport key to wrap"
                                    + " its keys under");
                        }
                    }
                } else if (KeyRecords.zones(c).isEmpty()) {
                    p.add("zones: this console has no zone yet; register one with generate-zone-master-key");
                }
            }
            // custody changes (issue 16)
            case org.hsmc.ceremony.script.EnrolCardScript s -> p.addAll(CustodySteps.check(c, s));
            case org.hsmc.ceremony.script.ReplaceCardScript s -> p.addAll(CustodySteps.check(c, s));
            case org.hsmc.ceremony.script.RevokeCardScript s -> p.addAll(CustodySteps.check(c, s));
            case org.hsmc.ceremony.script.UnblockCardScript s -> p.addAll(CustodySteps.check(c, s));
            case org.hsmc.ceremony.script.ChangeQuorumScript s -> p.addAll(CustodySteps.check(c, s));
        }
        return p;
    }

    private static void newZone(Connection c, String zone, List<String> p) throws SQLException {
        if (KeyRecords.zone(c, zone).isPresent()) {
            p.add("zone.id: the zone '" + zone + "' already exists; a zone is registered once");
        }
    }

    private static Optional<Zone> activeZone(Connection c, String zone, String path, List<String> p) throws SQLException {
        Optional<Zone> z = KeyRecords.zone(c, zone);
        if (z.isEmpty()) {
            p.add(path + ": the zone '" + zone + "' does not exist; register it with generate-zone-master-key");
        } else if (!"ACTIVE".equals(z.get().status())) {
            p.add(path + ": the zone '" + zone + "' is revoked");
        }
        return z;
    }

    private static void requireLmk(Connection c, List<String> p) throws SQLException {
        if (KeyRecords.activeMasterKey(c).isEmpty()) {
            p.add("ceremony: there is no master key yet; run generate-master-key first");
        }
    }

    private static boolean adminSetActive(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM card_set WHERE purpose = 'ADMIN' AND activated_at IS NOT NULL"
                + " AND retired_at IS NULL"); ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static boolean securityOfficerNamed(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM custodian WHERE name = ? AND role = 'SECURITY_OFFICER'"
                + " AND departed_at IS NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean custodianNamed(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM custodian WHERE name = ? AND departed_at IS NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
