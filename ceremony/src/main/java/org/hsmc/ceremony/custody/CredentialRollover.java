package org.hsmc.ceremony.custody;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.PinLockedException;
import org.hsmc.pkcs11.Token;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;

/**
 * A re-share in flight, made crash-safe. C_SetPIN (on the HSM) and the activation of the new card set (in
 * the store) cannot be one transaction, so before C_SetPIN the new credential is stored encrypted under a
 * key derived from the current one (AES-256-GCM; key = HKDF-SHA256 of the current credential's PIN text,
 * salt "hsmc-rollover-v1", info the new set's id). Activation deletes that row in the same transaction. If
 * the process dies between the two, the HSM refuses the old set's credential at the next quorum; that
 * quorum (M cards of the old set, the only ones that can derive the key) decrypts the new credential, logs
 * the HSM in with it and activates the new set. Once activated, the row is gone and the old shares open
 * nothing. The row is deleted with SQLite's secure_delete, so its bytes are overwritten in the file.
 */
final class CredentialRollover {

    private static final byte[] SALT = "hsmc-rollover-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 12;

    private CredentialRollover() {
    }

    /** Writes the rollover row for {@code pending} (in the caller's transaction). */
    static void write(Connection c, Clock clock, SecureRandom random, String runId, CardSet from, CardSet pending,
                      char[] currentPin, char[] newPin) throws SQLException {
        byte[] key = key(currentPin, pending.id());
        byte[] nonce = new byte[NONCE];
        random.nextBytes(nonce);
        byte[] plain = utf8(newPin);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            gcm.updateAAD(aad(from.id(), pending.id()));
            byte[] ct = gcm.doFinal(plain);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO credential_rollover (card_set_id, from_card_set_id,"
                    + " run_id, nonce, ciphertext, created_at) VALUES (?,?,?,?,?,?)")) {
                ps.setString(1, pending.id());
                ps.setString(2, from.id());
                ps.setString(3, runId);
                ps.setBytes(4, nonce);
                ps.setBytes(5, ct);
                ps.setString(6, clock.instant().toString());
                ps.executeUpdate();
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        } finally {
            Secrets.wipe(key);
            Secrets.wipe(plain);
        }
    }

    /** Activates {@code pending} (retiring the active set) and deletes its rollover row, in the caller's transaction. */
    static void activate(Connection c, AuditLog audit, Clock clock, CardSet pending, String actor) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute("PRAGMA secure_delete = ON");
        }
        CustodyRecords.activateCardSet(c, pending.purpose(), pending.id(), clock.instant());
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM credential_rollover WHERE card_set_id = ?")) {
            ps.setString(1, pending.id());
            ps.executeUpdate();
        }
        audit.append(c, new AuditEvent(actor, "card_set.activated", Outcome.DONE, Map.of("card_set", pending.id(),
                "purpose", pending.purpose().name())));
    }

    /** Discards what an earlier attempt of {@code runId} left before its C_SetPIN: its pending sets and rollover rows. */
    static int discard(Connection c, Clock clock, String runId) throws SQLException {
        try (var st = c.createStatement()) {
            st.execute("PRAGMA secure_delete = ON");
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM credential_rollover WHERE run_id = ?")) {
            ps.setString(1, runId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE card_set SET retired_at = ? WHERE run_id = ?"
                + " AND activated_at IS NULL AND retired_at IS NULL")) {
            ps.setString(1, clock.instant().toString());
            ps.setString(2, runId);
            return ps.executeUpdate();
        }
    }

    /**
     * The HSM refused the credential of {@code from}: if a re-share of {@code from} died after its C_SetPIN,
     * logs the HSM in with the new credential, activates the new set and returns the new PIN text (the
     * caller wipes it); null when there is no such re-share or the HSM refuses that one too.
     */
    static char[] finish(Store store, AuditLog audit, Clock clock, CardSet from, char[] currentPin, Token hsm, String actor) {
        record Row(String setId, String runId, byte[] nonce, byte[] ct) {
        }
        Row row = store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT card_set_id, run_id, nonce, ciphertext FROM"
                    + " credential_rollover WHERE from_card_set_id = ?")) {
                ps.setString(1, from.id());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new Row(rs.getString(1), rs.getString(2), rs.getBytes(3), rs.getBytes(4)) : null;
                }
            }
        });
        if (row == null) {
            return null;
        }
        byte[] key = key(currentPin, row.setId());
        byte[] plain = null;
        char[] pin = null;
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, row.nonce()));
            gcm.updateAAD(aad(from.id(), row.setId()));
            plain = gcm.doFinal(row.ct());
            pin = new char[plain.length];
            for (int i = 0; i < plain.length; i++) {
                pin[i] = (char) (plain[i] & 0xFF); // the PIN text is hex or base32: ASCII
            }
            hsm.login(pin);
        } catch (GeneralSecurityException | PinIncorrectException | PinLockedException e) {
            Secrets.wipe(pin);
            return null;
        } finally {
            Secrets.wipe(key);
            Secrets.wipe(plain);
        }
        CardSet pending = store.read(c -> CustodyRecords.cardSet(c, row.setId())).orElseThrow();
        store.write(c -> {
            activate(c, audit, clock, pending, actor);
            audit.append(c, new AuditEvent(actor, "hsm.credential_rollover_finished", Outcome.DONE, Map.of("card_set",
                    pending.id(), "retired_card_set", from.id(), "run", row.runId(), "why", "the process stopped between"
                            + " C_SetPIN and the activation of the new card set; the old quorum finished the change")));
            return null;
        });
        return pin;
    }

    private static byte[] key(char[] pin, String setId) {
        byte[] ikm = utf8(pin);
        try {
            HKDFBytesGenerator h = new HKDFBytesGenerator(new SHA256Digest());
            h.init(new HKDFParameters(ikm, SALT, setId.getBytes(StandardCharsets.UTF_8)));
            byte[] out = new byte[32];
            h.generateBytes(out, 0, 32);
            return out;
        } finally {
            Secrets.wipe(ikm);
        }
    }

    private static byte[] aad(String from, String to) {
        return ("hsmc-rollover-v1|" + from + "|" + to).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(char[] text) {
        ByteBuffer b = StandardCharsets.UTF_8.encode(CharBuffer.wrap(text));
        byte[] out = Arrays.copyOfRange(b.array(), b.position(), b.limit());
        Arrays.fill(b.array(), (byte) 0);
        return out;
    }
}
