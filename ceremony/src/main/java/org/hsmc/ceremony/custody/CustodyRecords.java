package org.hsmc.ceremony.custody;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The custody tables of the store: custodians, cards, card sets, shares, policies. Runs inside the caller's transaction. */
final class CustodyRecords {

    /** A share as stored: encrypted to its card. */
    record StoredShare(String cardSetId, String serial, int index, ShareCipher.EncryptedShare encrypted, String checkedAt) {
    }

    private CustodyRecords() {
    }

    static void insertCustodian(Connection c, Custodian p, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO custodian (id, name, role, created_at) VALUES (?,?,?,?)")) {
            ps.setString(1, p.id());
            ps.setString(2, p.name());
            ps.setString(3, p.role().name());
            ps.setString(4, at.toString());
            ps.executeUpdate();
        }
    }

    static Optional<Custodian> custodian(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, role FROM custodian WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Custodian(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3))))
                        : Optional.empty();
            }
        }
    }

    static void insertCard(Connection c, Card card, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO card (serial, token_label, custodian_id, key_label,"
                + " public_key, status, enrolled_at) VALUES (?,?,?,?,?,'ACTIVE',?)")) {
            ps.setString(1, card.serial());
            ps.setString(2, card.tokenLabel());
            ps.setString(3, card.custodianId());
            ps.setString(4, card.keyLabel());
            ps.setBytes(5, card.publicKey().getEncoded());
            ps.setString(6, at.toString());
            ps.executeUpdate();
        }
    }

    static Optional<Card> card(Connection c, String serial) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT serial, token_label, custodian_id, key_label, public_key,"
                + " status, failed_pins FROM card WHERE serial = ?")) {
            ps.setString(1, serial);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Card(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        publicKey(rs.getBytes(5)), "REVOKED".equals(rs.getString(6)), rs.getInt(7)));
            }
        }
    }

    static void setFailedPins(Connection c, String serial, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE card SET failed_pins = ? WHERE serial = ?")) {
            ps.setInt(1, n);
            ps.setString(2, serial);
            ps.executeUpdate();
        }
    }

    static void revokeCard(Connection c, String serial, String reason, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE card SET status = 'REVOKED', revoked_at = ?, revoke_reason = ?"
                + " WHERE serial = ? AND status = 'ACTIVE'")) {
            ps.setString(1, at.toString());
            ps.setString(2, reason);
            ps.setString(3, serial);
            if (ps.executeUpdate() != 1) {
                throw new CustodyException("Card " + serial + " is not an active enrolled card; nothing was revoked.");
            }
        }
    }

    static void insertCardSet(Connection c, CardSet s, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO card_set (id, purpose, threshold, share_count, created_at)"
                + " VALUES (?,?,?,?,?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.purpose().name());
            ps.setInt(3, s.threshold());
            ps.setInt(4, s.shareCount());
            ps.setString(5, at.toString());
            ps.executeUpdate();
        }
    }

    /** Retires the active set of this purpose (if any) and activates {@code id}, in the caller's transaction. */
    static void activateCardSet(Connection c, CardSetPurpose purpose, String id, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE card_set SET retired_at = ? WHERE purpose = ?"
                + " AND activated_at IS NOT NULL AND retired_at IS NULL")) {
            ps.setString(1, at.toString());
            ps.setString(2, purpose.name());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE card_set SET activated_at = ? WHERE id = ? AND activated_at IS NULL")) {
            ps.setString(1, at.toString());
            ps.setString(2, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("card set " + id + " is not pending");
            }
        }
    }

    static Optional<CardSet> activeCardSet(Connection c, CardSetPurpose purpose) throws SQLException {
        return cardSetWhere(c, "purpose = ? AND activated_at IS NOT NULL AND retired_at IS NULL", purpose.name());
    }

    static Optional<CardSet> cardSet(Connection c, String id) throws SQLException {
        return cardSetWhere(c, "id = ?", id);
    }

    private static Optional<CardSet> cardSetWhere(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, threshold, share_count,"
                + " activated_at IS NOT NULL AND retired_at IS NULL FROM card_set WHERE " + where)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new CardSet(rs.getString(1), CardSetPurpose.valueOf(rs.getString(2)),
                        rs.getInt(3), rs.getInt(4), rs.getBoolean(5))) : Optional.empty();
            }
        }
    }

    static void insertShare(Connection c, String setId, String serial, int index, ShareCipher.EncryptedShare e) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO share (card_set_id, card_serial, share_index,"
                + " ephemeral_public, nonce, ciphertext) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, setId);
            ps.setString(2, serial);
            ps.setInt(3, index);
            ps.setBytes(4, e.ephemeralPublic());
            ps.setBytes(5, e.nonce());
            ps.setBytes(6, e.ciphertext());
            ps.executeUpdate();
        }
    }

    static Optional<StoredShare> share(Connection c, String setId, String serial) throws SQLException {
        List<StoredShare> l = shares(c, setId, serial);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst());
    }

    static List<StoredShare> shares(Connection c, String setId) throws SQLException {
        return shares(c, setId, null);
    }

    private static List<StoredShare> shares(Connection c, String setId, String serial) throws SQLException {
        String sql = "SELECT card_set_id, card_serial, share_index, ephemeral_public, nonce, ciphertext, checked_at"
                + " FROM share WHERE card_set_id = ?" + (serial == null ? "" : " AND card_serial = ?") + " ORDER BY share_index";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, setId);
            if (serial != null) {
                ps.setString(2, serial);
            }
            List<StoredShare> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredShare(rs.getString(1), rs.getString(2), rs.getInt(3),
                            new ShareCipher.EncryptedShare(rs.getBytes(4), rs.getBytes(5), rs.getBytes(6)), rs.getString(7)));
                }
            }
            return out;
        }
    }

    static void markShareChecked(Connection c, String setId, String serial, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE share SET checked_at = ? WHERE card_set_id = ? AND card_serial = ?")) {
            ps.setString(1, at.toString());
            ps.setString(2, setId);
            ps.setString(3, serial);
            ps.executeUpdate();
        }
    }

    static Optional<QuorumPolicy> policy(Connection c, String operation) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT rule FROM policy WHERE operation = ?")) {
            ps.setString(1, operation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(QuorumPolicy.parse(rs.getString(1))) : Optional.empty();
            }
        }
    }

    static void putPolicy(Connection c, String operation, QuorumPolicy p, Instant at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policy (operation, rule, changed_at) VALUES (?,?,?)"
                + " ON CONFLICT (operation) DO UPDATE SET rule = excluded.rule, changed_at = excluded.changed_at")) {
            ps.setString(1, operation);
            ps.setString(2, p.text());
            ps.setString(3, at.toString());
            ps.executeUpdate();
        }
    }

    static ECPublicKey publicKey(byte[] spki) {
        try {
            return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a stored card public key is unreadable", e);
        }
    }
}
