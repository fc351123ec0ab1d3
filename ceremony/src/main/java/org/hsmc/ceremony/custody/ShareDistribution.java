package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Splitting a secret M-of-N onto cards, and the check pass that follows: every card of the new set
 * is presented once and opens its share, so a bad card is named while its holder is still in the room.
 */
final class ShareDistribution {

    private ShareDistribution() {
    }

    /**
     * Stores a new, not yet active card set whose shares split {@code secret}. The caller activates it
     * once the secret is in force (for the admin set: after C_SetPIN).
     */
    static CardSet storePending(Store store, AuditLog audit, Clock clock, SecureRandom random, CardSetPurpose purpose,
                                byte[] secret, int m, List<Card> cards, String actor) {
        return storePending(store, audit, clock, random, purpose, secret, m, cards, actor, (c, set) -> {
        });
    }

    /** What else is written in the same transaction as a new card set (its run, a credential rollover). */
    @FunctionalInterface
    interface WithSet {
        void write(java.sql.Connection c, CardSet set) throws java.sql.SQLException;
    }

    static CardSet storePending(Store store, AuditLog audit, Clock clock, SecureRandom random, CardSetPurpose purpose,
                                byte[] secret, int m, List<Card> cards, String actor, WithSet withSet) {
        if (cards.size() < 2 || m < 2 || m > cards.size()) {
            throw new CustodyException("A card set needs 2 ≤ M ≤ N cards; asked for M=" + m + " with N=" + cards.size() + ".");
        }
        Set<String> serials = new HashSet<>();
        for (Card c : cards) {
            if (!serials.add(c.serial())) {
                throw new CustodyException("The card " + c.serial() + " is listed twice; each card holds one share.");
            }
            if (c.revoked()) {
                throw new CustodyException("The card " + c.serial() + " is revoked and cannot receive a share.");
            }
        }
        CardSet set = new CardSet(UUID.randomUUID().toString(), purpose, m, cards.size(), false);
        List<SecretSharing.Share> shares = SecretSharing.split(secret, m, cards.size(), random);
        try {
            ShareCipher cipher = new ShareCipher(random);
            List<ShareCipher.EncryptedShare> encrypted = new ArrayList<>();
            for (int i = 0; i < cards.size(); i++) {
                encrypted.add(cipher.encrypt(shares.get(i).value(), cards.get(i).publicKey(), set.id(),
                        cards.get(i).serial(), shares.get(i).index()));
            }
            store.write(c -> {
                CustodyRecords.insertCardSet(c, set, clock.instant());
                for (int i = 0; i < cards.size(); i++) {
                    CustodyRecords.insertShare(c, set.id(), cards.get(i).serial(), shares.get(i).index(), encrypted.get(i));
                }
                audit.append(c, new AuditEvent(actor, "card_set.split", Outcome.DONE, Map.of("card_set", set.id(),
                        "purpose", purpose.name(), "threshold", Integer.toString(m), "cards",
                        String.join(",", cards.stream().map(Card::serial).toList()))));
                withSet.write(c, set);
                return null;
            });
        } finally {
            Secrets.wipeAll(shares.stream().map(SecretSharing.Share::value).toList());
        }
        return set;
    }

    static void activate(Store store, AuditLog audit, Clock clock, CardSet set, String actor) {
        store.write(c -> {
            CustodyRecords.activateCardSet(c, set.purpose(), set.id(), clock.instant());
            audit.append(c, new AuditEvent(actor, "card_set.activated", Outcome.DONE, Map.of("card_set", set.id(),
                    "purpose", set.purpose().name())));
            return null;
        });
    }

    /**
     * The check pass: the holder presents {@code card} and types the PIN; the card must open its
     * share of {@code set}. Marks the share checked; refuses, naming the card, otherwise.
     */
    static void check(Store store, AuditLog audit, Clock clock, CardSet set, Token card, char[] pin, String actor) {
        String serial = card.description().serialNumber();
        Card enrolled = store.read(c -> CustodyRecords.card(c, serial)).orElseThrow(() -> new CustodyException(
                "The card '" + card.label() + "' (serial " + serial + ") is not enrolled; it holds no share of this set."));
        CustodyRecords.StoredShare share = store.read(c -> CustodyRecords.share(c, set.id(), serial)).orElseThrow(() ->
                new CustodyException("The card " + serial + " holds no share of the new card set; present one of its cards."));
        try {
            card.login(pin);
        } catch (PinIncorrectException e) {
            audit.append(new AuditEvent(actor, "card_set.check", Outcome.REFUSED, Map.of("card_set", set.id(),
                    "card", serial, "refusal", "WRONG_PIN")));
            throw new CustodyException("The PIN for card " + serial + " was not accepted. Type it again.", e);
        }
        byte[] value = null;
        try (Session s = card.openSession()) {
            value = ShareCipher.decryptOnCard(s, CardEnrolment.privateKey(s, enrolled), share.encrypted(), set.id(), serial,
                    share.index());
        } catch (CustodyException e) {
            audit.append(new AuditEvent(actor, "card_set.check", Outcome.FAILED, Map.of("card_set", set.id(),
                    "card", serial, "refusal", "DAMAGED_SHARE")));
            throw new CustodyException("Card " + serial + " FAILED its check: " + e.getMessage()
                    + " Replace this card before the ceremony ends.", e);
        } finally {
            Secrets.wipe(value);
            card.logout();
        }
        store.write(c -> {
            CustodyRecords.markShareChecked(c, set.id(), serial, clock.instant());
            audit.append(c, new AuditEvent(actor, "card_set.check", Outcome.DONE, Map.of("card_set", set.id(), "card", serial)));
            return null;
        });
    }

    /** Serials of the cards of {@code set} not yet checked. */
    static List<String> unchecked(Store store, CardSet set) {
        return store.read(c -> CustodyRecords.shares(c, set.id()).stream()
                .filter(s -> s.checkedAt() == null).map(CustodyRecords.StoredShare::serial).toList());
    }
}
