package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The LMK's backup on recovery cards (docs/decisions/0011-lmk-backup-on-recovery-cards.md): the LMK is
 * split M-of-N with Shamir's scheme, one share per recovery card, each encrypted to its card exactly as
 * the HSM credential's shares are (a RECOVERY card set). Recovery custodians are custodians of this
 * console (security officers or key custodians) who hold one active card; the generate-master-key
 * script names them, and that list is the policy for that LMK. Unlike the admin set, several recovery
 * sets are active at once, one per LMK version.
 */
public final class RecoveryCards {

    private RecoveryCards() {
    }

    /** A recovery custodian and the card that will hold their share. */
    public record Holder(Custodian custodian, Card card) {
    }

    /**
     * The recovery holders named in a script, with their cards, or the problems that stop them (unknown
     * name, auditor, no active card or more than one), for the script's preconditions.
     */
    public static Resolution resolve(Connection c, List<String> names) throws SQLException {
        List<Holder> holders = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : names) {
            Optional<Custodian> p = custodianByName(c, name);
            if (p.isEmpty()) {
                problems.add("'" + name + "' is not a custodian of this console; recovery cards are held by custodians"
                        + " enrolled here");
                continue;
            }
            if (p.get().role() == Role.AUDITOR) {
                problems.add("'" + name + "' is an AUDITOR; recovery shares go to security officers and key custodians");
                continue;
            }
            List<Card> cards = activeCards(c, p.get().id());
            if (cards.size() != 1) {
                problems.add("'" + name + "' has " + cards.size() + " active cards" + (cards.isEmpty() ? ""
                        : " (" + String.join(", ", cards.stream().map(Card::serial).toList()) + ")")
                        + "; a recovery share goes to a custodian's one active card (revoke the others first)");
                continue;
            }
            holders.add(new Holder(p.get(), cards.getFirst()));
        }
        return new Resolution(holders, problems);
    }

    /** What {@link #resolve} found. */
    public record Resolution(List<Holder> holders, List<String> problems) {
    }

    /**
     * Splits {@code lmk} M-of-N over the holders' cards and stores the encrypted shares as a pending
     * RECOVERY card set (inert until {@link #activate}, which goes in the same transaction as the LMK's
     * record). The caller wipes {@code lmk}; the shares are wiped here.
     */
    public static CardSet split(Store store, AuditLog audit, Clock clock, SecureRandom random, byte[] lmk, int m,
                                List<Holder> holders, String actor) {
        return ShareDistribution.storePending(store, audit, clock, random, CardSetPurpose.RECOVERY, lmk, m,
                holders.stream().map(Holder::card).toList(), actor);
    }

    /** Activates a pending recovery set in the caller's transaction; other recovery sets stay active. */
    public static void activate(Connection c, AuditLog audit, Instant at, CardSet set, String lmkLabel, String actor)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE card_set SET activated_at = ? WHERE id = ? AND purpose = 'RECOVERY'"
                + " AND activated_at IS NULL")) {
            ps.setString(1, at.toString());
            ps.setString(2, set.id());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("recovery card set " + set.id() + " is not pending");
            }
        }
        audit.append(c, new AuditEvent(actor, "card_set.activated", Outcome.DONE, Map.of("card_set", set.id(),
                "purpose", CardSetPurpose.RECOVERY.name(), "protects", lmkLabel)));
    }

    /** The check pass: the holder presents the card and PIN, and it must open its share of {@code set}. */
    public static void check(Store store, AuditLog audit, Clock clock, CardSet set, Token card, char[] pin, String actor) {
        ShareDistribution.check(store, audit, clock, set, card, pin, actor);
    }

    /** Serials of the cards of {@code set} not checked yet. */
    public static List<String> unchecked(Store store, CardSet set) {
        return ShareDistribution.unchecked(store, set);
    }

    /** The card set with this id. */
    public static Optional<CardSet> cardSet(Connection c, String id) throws SQLException {
        return CustodyRecords.cardSet(c, id);
    }

    /** The holders of a set's shares: custodian name and card token label, by share index. */
    public static List<Holder> holders(Connection c, String cardSetId) throws SQLException {
        List<Holder> out = new ArrayList<>();
        for (CustodyRecords.StoredShare s : CustodyRecords.shares(c, cardSetId)) {
            Card card = CustodyRecords.card(c, s.serial()).orElseThrow();
            out.add(new Holder(CustodyRecords.custodian(c, card.custodianId()).orElseThrow(), card));
        }
        return out;
    }

    /**
     * A quorum of the recovery cards of {@code set} (for restore-master-key): its {@link
     * QuorumSession#rebuildSecret()} gives the LMK back.
     */
    public static QuorumSession quorum(Store store, AuditLog audit, Clock clock, CardSet set, String operation, String actor) {
        if (set.purpose() != CardSetPurpose.RECOVERY) {
            throw new IllegalArgumentException("not a recovery card set: " + set.id());
        }
        return QuorumSession.beginFor(store, audit, clock, set.id(), operation, actor);
    }

    private static Optional<Custodian> custodianByName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM custodian WHERE name = ? AND departed_at IS NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? CustodyRecords.custodian(c, rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static List<Card> activeCards(Connection c, String custodianId) throws SQLException {
        List<Card> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT serial FROM card WHERE custodian_id = ? AND status = 'ACTIVE'"
                + " ORDER BY enrolled_at, serial")) {
            ps.setString(1, custodianId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(CustodyRecords.card(c, rs.getString(1)).orElseThrow());
                }
            }
        }
        return out;
    }
}
