package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What changes custody after initialisation, each only under a complete quorum: naming custodians,
 * enrolling cards, revoking and unblocking cards, changing policies, and re-sharing the credential
 * (which always rotates it, so old shares no longer open the HSM).
 */
public final class CardAdministration {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public CardAdministration(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public Custodian addCustodian(QuorumSession quorum, String name, Role role) {
        quorum.requireComplete();
        Custodian p = new Custodian(UUID.randomUUID().toString(), name, role);
        store.write(c -> {
            CustodyRecords.insertCustodian(c, p, clock.instant());
            audit.append(c, new AuditEvent(quorum.actor(), "custodian.added", Outcome.DONE, Map.of("custodian", p.id(),
                    "name", name, "role", role.name(), "quorum", quorum.operation())));
            return null;
        });
        return p;
    }

    public Card enrol(QuorumSession quorum, Custodian holder, Token card, char[] transportPin, char[] newPin) {
        quorum.requireComplete();
        return enrolCard(store, audit, clock, quorum.actor(), holder, card, transportPin, newPin);
    }

    /**
     * Enrols a card provisioned elsewhere, which already holds its EC P-256 key pair ({@code choice}: by label or id);
     * possession is proven by a fresh ECDH. The custodian's PIN is the card's own; the caller wipes it.
     */
    public Card enrolProvisioned(QuorumSession quorum, Custodian holder, Token card, char[] pin, CardKeyChoice choice) {
        quorum.requireComplete();
        return enrolProvisionedCard(store, audit, clock, quorum.actor(), holder, card, pin, choice);
    }

    static Card enrolProvisionedCard(Store store, AuditLog audit, Clock clock, String actor, Custodian holder, Token card,
                                     char[] pin, CardKeyChoice choice) {
        return enrolCard(store, audit, clock, actor, holder, card, () -> CardEnrolment.enrolExisting(card, holder, pin, choice));
    }

    static Card enrolCard(Store store, AuditLog audit, Clock clock, String actor, Custodian holder, Token card,
                          char[] transportPin, char[] newPin) {
        return enrolCard(store, audit, clock, actor, holder, card, () -> CardEnrolment.enrol(card, holder, transportPin, newPin));
    }

    private static Card enrolCard(Store store, AuditLog audit, Clock clock, String actor, Custodian holder, Token card,
                                  java.util.function.Supplier<Card> enrolment) {
        String serial = card.description().serialNumber();
        if (store.read(c -> CustodyRecords.card(c, serial)).isPresent()) {
            audit.append(new AuditEvent(actor, "card.enrol", Outcome.REFUSED, Map.of("card", serial, "reason", "already enrolled")));
            throw new CustodyException("The card '" + card.label() + "' (serial " + serial + ") is already enrolled.");
        }
        Card enrolled;
        try {
            enrolled = enrolment.get();
        } catch (RuntimeException e) {
            audit.append(new AuditEvent(actor, "card.enrol", Outcome.REFUSED, Map.of("card", serial, "custodian", holder.id(),
                    "reason", e instanceof CustodyException ? e.getMessage() : e.getClass().getSimpleName())));
            throw e;
        }
        store.write(c -> {
            CustodyRecords.insertCard(c, enrolled, clock.instant());
            audit.append(c, new AuditEvent(actor, "card.enrolled", Outcome.DONE, Map.of("card", serial,
                    "custodian", holder.id(), "key", enrolled.keyLabel())));
            return null;
        });
        return enrolled;
    }

    public void revoke(QuorumSession quorum, String serial, String reason) {
        quorum.requireComplete();
        store.write(c -> {
            CustodyRecords.revokeCard(c, serial, reason, clock.instant());
            audit.append(c, new AuditEvent(quorum.actor(), "card.revoked", Outcome.DONE, Map.of("card", serial, "reason", reason)));
            return null;
        });
    }

    /** Clears the console's wrong-PIN count of a card (after its holder proved who they are). */
    public void unblock(QuorumSession quorum, String serial) {
        quorum.requireComplete();
        store.write(c -> {
            CustodyRecords.card(c, serial).orElseThrow(() -> new CustodyException("No card " + serial + " is enrolled."));
            CustodyRecords.setFailedPins(c, serial, 0);
            audit.append(c, new AuditEvent(quorum.actor(), "card.unblocked", Outcome.DONE, Map.of("card", serial)));
            return null;
        });
    }

    /** Changes who must approve {@code operation} ("default" for every operation without its own rule). */
    public void setPolicy(QuorumSession quorum, String operation, QuorumPolicy policy) {
        quorum.requireComplete();
        store.write(c -> {
            String before = CustodyRecords.policy(c, operation).map(QuorumPolicy::text).orElse("(none)");
            CustodyRecords.putPolicy(c, operation, policy, clock.instant());
            audit.append(c, new AuditEvent(quorum.actor(), "policy.changed", Outcome.DONE, Map.of("operation", operation,
                    "before", before, "after", policy.text())));
            return null;
        });
    }

    /** The cards of the active set of {@code purpose}. */
    public List<Card> activeCards(CardSetPurpose purpose) {
        return store.read(c -> {
            CardSet set = CustodyRecords.activeCardSet(c, purpose).orElseThrow(() -> new CustodyException("No active card set."));
            List<Card> out = new java.util.ArrayList<>();
            for (CustodyRecords.StoredShare s : CustodyRecords.shares(c, set.id())) {
                out.add(CustodyRecords.card(c, s.serial()).orElseThrow());
            }
            return out;
        });
    }

    /** A card by serial. */
    public Card card(String serial) {
        return store.read(c -> CustodyRecords.card(c, serial)).orElseThrow(() -> new CustodyException("No card " + serial + " is enrolled."));
    }

    /**
     * Re-shares the HSM credential under an open quorum (its HSM must be open): draws a new credential,
     * splits it M-of-N over {@code cards}, stores the new set, sets the new credential with C_SetPIN,
     * and retires the old set. Old shares no longer open the HSM. The new set's cards are then
     * checked one by one with {@link #check}.
     */
    public CardSet reshare(QuorumSession quorum, int m, List<Card> cards, SecureRandom random) {
        quorum.requireComplete();
        Token hsm = quorum.hsm();
        byte[] credential;
        try (Session s = hsm.openSession()) {
            credential = s.random(Credential.BYTES);
        }
        char[] pin = null;
        try {
            CardSet pending = ShareDistribution.storePending(store, audit, clock, random, CardSetPurpose.ADMIN, credential,
                    m, cards, quorum.actor());
            pin = Credential.toPin(credential, hsm.description().maxPinLength());
            quorum.changeCredential(pin);
            audit.append(new AuditEvent(quorum.actor(), "hsm.credential_rotated", Outcome.DONE, Map.of("hsm", hsm.label(),
                    "card_set", pending.id(), "retired_card_set", quorum.cardSet().id())));
            ShareDistribution.activate(store, audit, clock, pending, quorum.actor());
            return new CardSet(pending.id(), pending.purpose(), pending.threshold(), pending.shareCount(), true);
        } finally {
            Secrets.wipe(credential);
            Secrets.wipe(pin);
        }
    }

    /** The check pass of a new card set. */
    public void check(CardSet set, Token card, char[] pin, String actor) {
        ShareDistribution.check(store, audit, clock, set, card, pin, actor);
    }

    /** Cards of {@code set} not yet checked. */
    public List<String> unchecked(CardSet set) {
        return ShareDistribution.unchecked(store, set);
    }
}
