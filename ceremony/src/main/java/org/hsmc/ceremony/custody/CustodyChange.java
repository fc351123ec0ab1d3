package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The custody changes after initialisation, as the steps of the enrol-card, replace-card, revoke-card,
 * unblock-card and change-quorum ceremonies use them. Each operation is safe to repeat within one run (a
 * resumed run calls it again): it first looks for what an earlier attempt of the same run did. Every
 * re-share rotates the HSM credential (C_SetPIN) and is crash-safe through {@link CredentialRollover}.
 */
public final class CustodyChange {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;

    public CustodyChange(Store store, AuditLog audit, Clock clock, SecureRandom random) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
    }

    // ------------------------------------------------------------------ what the store knows (in the caller's transaction)

    /** The enrolled card with this token label (the newest, if a label was reused). */
    public static Optional<Card> cardByLabel(Connection c, String label) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM card WHERE token_label = ? ORDER BY enrolled_at DESC")) {
            ps.setString(1, label);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? CustodyRecords.card(c, rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The custodian with this name, written exactly. */
    public static Optional<Custodian> custodianByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM custodian WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? CustodyRecords.custodian(c, rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** A custodian by id. */
    public static Optional<Custodian> custodian(Connection c, String id) throws SQLException {
        return CustodyRecords.custodian(c, id);
    }

    /** The active admin card set. */
    public static Optional<CardSet> adminSet(Connection c) throws SQLException {
        return CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN);
    }

    /** The cards that hold a share of the active admin set, in share order. */
    public static List<Card> adminCards(Connection c) throws SQLException {
        Optional<CardSet> set = adminSet(c);
        List<Card> out = new ArrayList<>();
        if (set.isPresent()) {
            for (CustodyRecords.StoredShare s : CustodyRecords.shares(c, set.get().id())) {
                out.add(CustodyRecords.card(c, s.serial()).orElseThrow());
            }
        }
        return out;
    }

    /** The run that made a card set, if it was made by a run. */
    public static Optional<String> runOf(Connection c, CardSet set) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id FROM card_set WHERE id = ?")) {
            ps.setString(1, set.id());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The role rule of operations without their own ("default"). */
    public static QuorumPolicy defaultPolicy(Connection c) throws SQLException {
        return CustodyRecords.policy(c, "default").orElse(QuorumPolicy.DEFAULT);
    }

    /**
     * Why no quorum of {@code m} cards out of {@code cards} could satisfy {@code policy} (distinct holders,
     * allowed roles, each role's minimum); empty when one can.
     */
    public static Optional<String> unsatisfiable(Connection c, QuorumPolicy policy, int m, List<Card> cards) throws SQLException {
        Map<Role, Set<String>> holders = new EnumMap<>(Role.class);
        for (Card card : cards) {
            if (card.revoked()) {
                continue;
            }
            Custodian h = CustodyRecords.custodian(c, card.custodianId()).orElseThrow();
            holders.computeIfAbsent(h.role(), r -> new HashSet<>()).add(h.id());
        }
        int allowed = policy.allowedRoles().stream().mapToInt(r -> holders.getOrDefault(r, Set.of()).size()).sum();
        for (Map.Entry<Role, Integer> e : policy.minimum().entrySet()) {
            int have = holders.getOrDefault(e.getKey(), Set.of()).size();
            if (have < e.getValue()) {
                return Optional.of("the rule asks for " + e.getValue() + " approval(s) of " + e.getKey() + ", but only "
                        + have + " holder(s) of that role have a card in the set");
            }
        }
        int owed = policy.minimum().values().stream().mapToInt(Integer::intValue).sum();
        if (owed > m) {
            return Optional.of("the rule's minimums add up to " + owed + ", more than the " + m + " approvals a quorum has");
        }
        if (allowed < m) {
            return Optional.of("only " + allowed + " distinct holder(s) of the roles " + policy.allowedRoles()
                    + " have a card in the set, fewer than M = " + m);
        }
        return Optional.empty();
    }

    // ------------------------------------------------------------------ the operations

    /** The custodian {@code name}; made with {@code role} when there is none (once per run: found by name on a repeat). */
    public Custodian custodian(String actor, String name, Role role, String runId) {
        return store.write(c -> {
            Optional<Custodian> found = custodianByName(c, name);
            if (found.isPresent()) {
                return found.get();
            }
            Custodian p = new Custodian(UUID.randomUUID().toString(), name, role);
            CustodyRecords.insertCustodian(c, p, clock.instant());
            audit.append(c, new AuditEvent(actor, "custodian.added", Outcome.DONE, Map.of("custodian", p.id(),
                    "name", name, "role", role.name(), "run", runId)));
            return p;
        });
    }

    /**
     * Enrols {@code card} for {@code holder} (the holder replaces the transport PIN with their own; the card
     * makes its key pair). Safe to repeat within the run. The caller wipes both PINs.
     */
    public Card enrol(String actor, Custodian holder, Token card, char[] transportPin, char[] newPin, String runId) {
        String serial = card.description().serialNumber();
        Optional<String> enrolledBy = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(run_id, '') FROM card WHERE serial = ?")) {
                ps.setString(1, serial);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
        if (enrolledBy.isPresent()) {
            if (enrolledBy.get().equals(runId)) {
                return store.read(c -> CustodyRecords.card(c, serial)).orElseThrow();
            }
            audit.append(new AuditEvent(actor, "card.enrol", Outcome.REFUSED, Map.of("card", serial, "reason", "already enrolled",
                    "run", runId)));
            throw new CustodyException("The card '" + card.label() + "' (serial " + serial + ") is already enrolled.");
        }
        Card enrolled;
        try {
            enrolled = CardEnrolment.enrolForRun(card, holder, transportPin, newPin, runId);
        } catch (RuntimeException e) {
            audit.append(new AuditEvent(actor, "card.enrol", Outcome.REFUSED, Map.of("card", serial, "custodian", holder.id(),
                    "reason", e instanceof CustodyException ? e.getMessage() : e.getClass().getSimpleName(), "run", runId)));
            throw e;
        }
        store.write(c -> {
            CustodyRecords.insertCard(c, enrolled, clock.instant());
            try (PreparedStatement ps = c.prepareStatement("UPDATE card SET run_id = ? WHERE serial = ?")) {
                ps.setString(1, runId);
                ps.setString(2, serial);
                ps.executeUpdate();
            }
            audit.append(c, new AuditEvent(actor, "card.enrolled", Outcome.DONE, Map.of("card", serial,
                    "custodian", holder.id(), "key", enrolled.keyLabel(), "run", runId)));
            return null;
        });
        return enrolled;
    }

    /** Revokes a card: it never approves again. True when this call revoked it, false when it already was. */
    public boolean revoke(String actor, String serial, String reason, String runId) {
        return store.write(c -> {
            Card card = CustodyRecords.card(c, serial).orElseThrow(() -> new CustodyException("No card " + serial + " is enrolled."));
            if (card.revoked()) {
                return false;
            }
            CustodyRecords.revokeCard(c, serial, reason, clock.instant());
            audit.append(c, new AuditEvent(actor, "card.revoked", Outcome.DONE, Map.of("card", serial,
                    "custodian", card.custodianId(), "reason", reason, "run", runId)));
            return true;
        });
    }

    /**
     * Re-shares the HSM credential under {@code quorum} (its HSM open) over {@code cards}, M = {@code m}, and
     * rotates it with C_SetPIN: the old shares open nothing afterwards. Safe to repeat within the run: when the
     * active set is this run's, it is returned; a set an earlier attempt stored but never put in force is
     * discarded. Returns the new, active set; its cards are still to be checked.
     */
    public CardSet reshare(QuorumSession quorum, int m, List<Card> cards, String runId) {
        quorum.requireComplete();
        Optional<CardSet> done = store.read(c -> {
            Optional<CardSet> active = adminSet(c);
            return active.isPresent() && runOf(c, active.get()).filter(runId::equals).isPresent() ? active : Optional.empty();
        });
        if (done.isPresent()) {
            return done.get();
        }
        store.write(c -> CredentialRollover.discard(c, clock, runId));
        CardSet from = store.read(c -> adminSet(c)).orElseThrow();
        Token hsm = quorum.hsm();
        byte[] credential;
        try (Session s = hsm.openSession()) {
            credential = s.random(Credential.BYTES);
        }
        char[] pin = null;
        try {
            char[] newPin = Credential.toPin(credential, hsm.description().maxPinLength());
            pin = newPin;
            CardSet pending = ShareDistribution.storePending(store, audit, clock, random, CardSetPurpose.ADMIN, credential,
                    m, cards, quorum.actor(), (c, set) -> {
                        try (PreparedStatement ps = c.prepareStatement("UPDATE card_set SET run_id = ? WHERE id = ?")) {
                            ps.setString(1, runId);
                            ps.setString(2, set.id());
                            ps.executeUpdate();
                        }
                        CredentialRollover.write(c, clock, random, runId, from, set, quorum.credentialPin(), newPin);
                    });
            quorum.changeCredential(pin);
            store.write(c -> {
                audit.append(c, new AuditEvent(quorum.actor(), "hsm.credential_rotated", Outcome.DONE, Map.of("hsm", hsm.label(),
                        "card_set", pending.id(), "retired_card_set", from.id(), "run", runId)));
                CredentialRollover.activate(c, audit, clock, pending, quorum.actor());
                return null;
            });
            return new CardSet(pending.id(), pending.purpose(), pending.threshold(), pending.shareCount(), true);
        } finally {
            Secrets.wipe(credential);
            Secrets.wipe(pin);
        }
    }

    /**
     * For an aborted run: discards the card sets it stored but never put in force (an interrupted re-share
     * before its C_SetPIN), in the caller's transaction. A re-share that passed C_SetPIN was finished by the
     * quorum that opened the HSM for the abort. Returns how many were discarded.
     */
    public static int discardUnfinished(Connection c, Clock clock, String runId) throws SQLException {
        return CredentialRollover.discard(c, clock, runId);
    }

    /** The check pass of one card of {@code set}: the holder presents it and types the PIN; it must open its share. */
    public void check(CardSet set, Token card, char[] pin, String actor) {
        ShareDistribution.check(store, audit, clock, set, card, pin, actor);
    }

    /** Serials of the cards of {@code set} not yet checked. */
    public List<String> unchecked(CardSet set) {
        return ShareDistribution.unchecked(store, set);
    }

    /**
     * Unblocks a card through its own security officer path: C_InitPIN with the card's SO PIN sets the PIN
     * its holder chose; the card must then open its share of the active admin set; the console's count of
     * wrong PINs is cleared. Safe to repeat. The caller wipes both PINs.
     */
    public void unblock(String actor, Card enrolled, Token card, char[] soPin, char[] newPin, String runId) {
        try {
            card.initUserPin(soPin, newPin);
        } catch (PinIncorrectException e) {
            audit.append(new AuditEvent(actor, "card.unblock", Outcome.REFUSED, Map.of("card", enrolled.serial(),
                    "reason", "the card's security officer PIN was not accepted", "run", runId)));
            throw new CustodyException("The card '" + card.label() + "' did not accept its security officer PIN. Type the"
                    + " card's SO PIN (from the card issuer's sealed sheet) again.", e);
        }
        CardSet set = store.read(c -> adminSet(c)).orElseThrow();
        if (store.read(c -> CustodyRecords.share(c, set.id(), enrolled.serial())).isPresent()) {
            ShareDistribution.check(store, audit, clock, set, card, newPin, actor);
        }
        store.write(c -> {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("card", enrolled.serial());
            details.put("custodian", enrolled.custodianId());
            details.put("wrong_pins_before", Integer.toString(CustodyRecords.card(c, enrolled.serial()).orElseThrow().failedPins()));
            details.put("run", runId);
            CustodyRecords.setFailedPins(c, enrolled.serial(), 0);
            audit.append(c, new AuditEvent(actor, "card.unblocked", Outcome.DONE, details));
            return null;
        });
    }

    /** Sets the role rule of every operation without its own. */
    public void setDefaultPolicy(String actor, QuorumPolicy policy, String runId) {
        store.write(c -> {
            String before = CustodyRecords.policy(c, "default").map(QuorumPolicy::text).orElse("(none)");
            if (before.equals(policy.text())) {
                return null;
            }
            CustodyRecords.putPolicy(c, "default", policy, clock.instant());
            audit.append(c, new AuditEvent(actor, "policy.changed", Outcome.DONE, Map.of("operation", "default",
                    "before", before, "after", policy.text(), "run", runId)));
            return null;
        });
    }
}
