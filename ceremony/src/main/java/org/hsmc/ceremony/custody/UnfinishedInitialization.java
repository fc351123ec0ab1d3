package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an initialize run that never finished left behind, and how it is put back. Before the split is in
 * force the console has no active admin card set, so every custodian and card in the store was named by
 * the one initialize run that is still unresolved; a resume reuses them, an abort withdraws them (and the
 * cards are reset by their holders: the admin key pair destroyed, the transport PIN set back).
 */
public final class UnfinishedInitialization {

    /** A custodian the run named, and the card they enrolled, if they got that far. */
    public record Named(Custodian custodian, Optional<Card> card) {
    }

    private UnfinishedInitialization() {
    }

    /** True once the split is in force: the console then has an active admin card set. */
    public static boolean initialised(Store store) {
        return store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).isPresent();
    }

    /** The active admin card set, once the split is in force. */
    public static Optional<CardSet> activeAdminSet(Store store) {
        return store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN));
    }

    /** Serials of the cards of {@code set} not yet checked (the check pass after a split). */
    public static List<String> unchecked(Store store, CardSet set) {
        return ShareDistribution.unchecked(store, set);
    }

    /** The check pass of one card of {@code set}: it must open its share (the caller wipes the PIN). */
    public static void check(Store store, AuditLog audit, Clock clock, CardSet set, Token card, char[] pin, String actor) {
        ShareDistribution.check(store, audit, clock, set, card, pin, actor);
    }

    /** The custodian named {@code name} (the newest, should an old unresolved run have left one too). */
    public static Optional<Named> named(Store store, String name) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM custodian WHERE name = ? AND departed_at IS NULL"
                    + " ORDER BY created_at DESC")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(load(c, rs.getString(1))) : Optional.<Named>empty();
                }
            }
        });
    }

    /** Every custodian (and card) in the store: before the split, all of them belong to the unfinished run. */
    public static List<Named> all(Store store) {
        return store.read(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM custodian ORDER BY created_at");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            List<Named> out = new ArrayList<>();
            for (String id : ids) {
                out.add(load(c, id));
            }
            return out;
        });
    }

    private static Named load(Connection c, String custodianId) throws SQLException {
        Custodian p = CustodyRecords.custodian(c, custodianId).orElseThrow();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM card WHERE custodian_id = ?")) {
            ps.setString(1, custodianId);
            try (ResultSet rs = ps.executeQuery()) {
                return new Named(p, rs.next() ? CustodyRecords.card(c, rs.getString(1)) : Optional.empty());
            }
        }
    }

    /**
     * The holder resets their card: logs in with their PIN, destroys the admin key pair enrolment made, and
     * sets the card's PIN back to its transport PIN. The caller wipes both PINs. A wrong PIN throws the
     * driver's PIN exception before anything changed.
     */
    public static void resetCard(Token card, Card enrolled, char[] pin, char[] transportPin) {
        card.login(pin);
        try (Session s = card.openSession()) {
            for (KeyHandle.KeyClass kc : List.of(KeyHandle.KeyClass.PRIVATE, KeyHandle.KeyClass.PUBLIC)) {
                for (KeyHandle h : s.findKeys(kc, enrolled.keyLabel())) {
                    s.destroy(h);
                }
            }
        } finally {
            card.logout();
        }
        card.setPin(pin, transportPin);
    }

    /**
     * Removes from the store what the run named: the card sets never activated (and their shares), the
     * cards and the custodians; each removal is audited. Refuses once the split is in force.
     */
    public static void withdraw(Store store, AuditLog audit, Clock clock, String actor, String runId, List<Named> named) {
        store.write(c -> {
            if (CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN).isPresent()) {
                throw new CustodyException("The console's admin card set is in force; an initialize cannot be withdrawn now.");
            }
            List<String> pending = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM card_set WHERE purpose = 'ADMIN' AND activated_at IS NULL");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pending.add(rs.getString(1));
                }
            }
            for (String set : pending) {
                exec(c, "DELETE FROM share WHERE card_set_id = ?", set);
                exec(c, "DELETE FROM card_set WHERE id = ?", set);
                audit.append(c, new AuditEvent(actor, "card_set.withdrawn", Outcome.DONE, Map.of("card_set", set, "run", runId)));
            }
            for (Named n : named) {
                if (n.card().isPresent()) {
                    exec(c, "DELETE FROM card WHERE serial = ?", n.card().get().serial());
                    audit.append(c, new AuditEvent(actor, "card.withdrawn", Outcome.DONE, Map.of("card", n.card().get().serial(),
                            "custodian", n.custodian().id(), "run", runId)));
                }
                exec(c, "DELETE FROM custodian WHERE id = ?", n.custodian().id());
                Map<String, String> d = new LinkedHashMap<>();
                d.put("custodian", n.custodian().id());
                d.put("name", n.custodian().name());
                d.put("run", runId);
                audit.append(c, new AuditEvent(actor, "custodian.withdrawn", Outcome.DONE, d));
            }
            return null;
        });
    }

    private static void exec(Connection c, String sql, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            ps.executeUpdate();
        }
    }
}
