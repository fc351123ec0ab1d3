package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.AuditSigner;
import org.hsmc.ceremony.audit.HsmAuditSigner;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Adopting an HSM token and putting it under M-of-N control, step by step as the people in the room
 * do it: the officer logs in with the token's current user PIN; custodians are named and enrol their
 * cards (each sets their own PIN); the console creates the audit signing key, draws a 32-byte
 * credential from the HSM, splits it over the cards, stores the encrypted shares, and replaces the
 * user PIN with the credential; then every card is presented once and opens its share; then the
 * audit head is signed and the HSM logged out.
 *
 * <p>Crash safety: the shares are stored (as a pending card set) before C_SetPIN, and the set is
 * activated after it. A crash before C_SetPIN leaves the old PIN in force and an inert pending set;
 * a crash after it leaves the shares that open the HSM in the store.
 */
public final class Initialization {

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random;
    private final Token hsm;
    private final String actor;
    private CardSet cardSet;
    private AuditSigner signer;
    /** Set when adopting a replacement HSM: the admin set whose cards and threshold carry over. */
    private CardSet replacing;

    private Initialization(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm, String actor) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.random = random;
        this.hsm = hsm;
        this.actor = actor;
    }

    /** Starts: refuses an already initialised console or an unfit token, then logs in with the current PIN (the caller wipes it). */
    public static Initialization begin(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm,
                                       char[] currentHsmPin, String actor) {
        if (store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).isPresent()) {
            throw new CustodyException("This console is already initialised: an admin card set is active. To change"
                    + " cards or custodians, run a re-share under a quorum.");
        }
        List<String> missing = hsm.missingForHsm();
        if (!missing.isEmpty()) {
            throw new CustodyException("The token '" + hsm.label() + "' cannot be the console's HSM: it lacks " + missing + ".");
        }
        Credential.textLength(hsm.description().maxPinLength());
        hsm.login(currentHsmPin);
        audit.append(new AuditEvent(actor, "initialize.begin", Outcome.DONE, Map.of("hsm", hsm.label(),
                "hsm_serial", hsm.description().serialNumber())));
        org.hsmc.ceremony.audit.HsmIdentity.record(audit, actor, hsm);
        return new Initialization(store, audit, clock, random, hsm, actor);
    }

    /**
     * Adopts a replacement HSM for a console whose store survived (restore-master-key, after the old HSM
     * was lost): custodians and cards stay; {@link #resplit} draws a fresh credential from the new HSM,
     * splits it over the cards of the active admin set with the same threshold, and retires that set;
     * a new audit signing key (the next version) is made. Logs in with the token's current user PIN
     * (the caller wipes it).
     */
    public static Initialization readopt(Store store, AuditLog audit, Clock clock, SecureRandom random, Token hsm,
                                         char[] currentHsmPin, String actor) {
        CardSet old = store.read(c -> CustodyRecords.activeCardSet(c, CardSetPurpose.ADMIN)).orElseThrow(() ->
                new CustodyException("This console has no active admin card set; a new HSM is adopted by the initialize ceremony."));
        List<String> missing = hsm.missingForHsm();
        if (!missing.isEmpty()) {
            throw new CustodyException("The token '" + hsm.label() + "' cannot be the console's HSM: it lacks " + missing + ".");
        }
        Credential.textLength(hsm.description().maxPinLength());
        hsm.login(currentHsmPin);
        audit.append(new AuditEvent(actor, "hsm.replacement_adopted", Outcome.DONE, Map.of("hsm", hsm.label(),
                "hsm_serial", hsm.description().serialNumber(), "replaces_card_set", old.id())));
        org.hsmc.ceremony.audit.HsmIdentity.record(audit, actor, hsm);
        Initialization init = new Initialization(store, audit, clock, random, hsm, actor);
        init.replacing = old;
        return init;
    }

    /** The cards of the admin set a replacement HSM's credential is split over (see {@link #readopt}). */
    public List<Card> replacedCards() {
        if (replacing == null) {
            throw new IllegalStateException("not adopting a replacement HSM");
        }
        return store.read(c -> {
            List<Card> out = new java.util.ArrayList<>();
            for (CustodyRecords.StoredShare s : CustodyRecords.shares(c, replacing.id())) {
                out.add(CustodyRecords.card(c, s.serial()).orElseThrow());
            }
            return out;
        });
    }

    /** The holder of a card, for the check pass. */
    public Custodian holder(Card card) {
        return store.read(c -> CustodyRecords.custodian(c, card.custodianId())).orElseThrow();
    }

    /**
     * Adopting a replacement HSM: splits a fresh credential over the same cards with the same threshold
     * as the admin set it replaces (revoked cards are left out; the set must still reach its threshold).
     */
    public CardSet resplit(char[] currentHsmPin) {
        List<Card> cards = replacedCards().stream().filter(c -> !c.revoked()).toList();
        if (cards.size() < replacing.threshold()) {
            throw new CustodyException("Only " + cards.size() + " cards of the admin set are not revoked, fewer than its"
                    + " threshold of " + replacing.threshold() + ". Enrol replacement cards first.");
        }
        return split(replacing.threshold(), cards, currentHsmPin);
    }

    /** Names a person. */
    public Custodian addCustodian(String name, Role role) {
        Custodian p = new Custodian(UUID.randomUUID().toString(), name, role);
        store.write(c -> {
            CustodyRecords.insertCustodian(c, p, clock.instant());
            audit.append(c, new AuditEvent(actor, "custodian.added", Outcome.DONE, Map.of("custodian", p.id(),
                    "name", name, "role", role.name())));
            return null;
        });
        return p;
    }

    /** The holder enrols their card and sets their own PIN (the caller wipes both PINs). */
    public Card enrol(Custodian holder, Token card, char[] transportPin, char[] newPin) {
        return CardAdministration.enrolCard(store, audit, clock, actor, holder, card, transportPin, newPin);
    }

    /**
     * Creates the audit signing key, splits a fresh credential M-of-N over {@code cards}, and sets it
     * as the HSM user PIN (the current PIN is needed once more; the caller wipes it).
     */
    public CardSet split(int m, List<Card> cards, char[] currentHsmPin) {
        if (cardSet != null) {
            throw new IllegalStateException("already split");
        }
        KeyPairHandles keys;
        byte[] credential;
        String label = replacing == null ? AuditKeys.LABEL : AuditKeys.nextLabel(audit.signers().keySet());
        try (Session s = hsm.openSession()) {
            keys = replacing == null ? AuditKeys.find(s).orElseGet(() -> AuditKeys.create(s)) : AuditKeys.create(s, label);
            credential = s.random(Credential.BYTES);
        }
        signer = HsmAuditSigner.of(hsm, keys, label);
        audit.registerSigner(signer);
        char[] pin = null;
        try {
            CardSet pending = ShareDistribution.storePending(store, audit, clock, random, CardSetPurpose.ADMIN, credential, m,
                    cards, actor);
            pin = Credential.toPin(credential, hsm.description().maxPinLength());
            hsm.setPin(currentHsmPin, pin);
            audit.append(new AuditEvent(actor, "hsm.credential_set", Outcome.DONE, Map.of("hsm", hsm.label(),
                    "card_set", pending.id())));
            ShareDistribution.activate(store, audit, clock, pending, actor);
            cardSet = new CardSet(pending.id(), pending.purpose(), pending.threshold(), pending.shareCount(), true);
            return cardSet;
        } finally {
            Secrets.wipe(credential);
            Secrets.wipe(pin);
        }
    }

    /** The check pass: the holder presents the card and types the PIN; it must open its share. */
    public void check(Token card, char[] pin) {
        requireSplit();
        ShareDistribution.check(store, audit, clock, cardSet, card, pin, actor);
    }

    /** Cards of the new set not yet checked. */
    public List<String> unchecked() {
        requireSplit();
        return ShareDistribution.unchecked(store, cardSet);
    }

    /** Ends the ceremony: refuses while a card is unchecked; signs the audit head; logs the HSM out. */
    public void finish() {
        finish(() -> { });
    }

    /**
     * As {@link #finish()}, running {@code beforeCheckpoint} (the run's final state) after the closing
     * entry and the audit key's registration and before the checkpoint, so that the run's last entry is
     * signed when the run ends.
     */
    public void finish(Runnable beforeCheckpoint) {
        requireSplit();
        List<String> left = unchecked();
        if (!left.isEmpty()) {
            throw new CustodyException("These cards have not been checked yet: " + left + ". Each holder must present"
                    + " their card and PIN once before the ceremony may end.");
        }
        audit.append(new AuditEvent(actor, replacing == null ? "initialize.done" : "hsm.replacement_done", Outcome.DONE, Map.of("card_set", cardSet.id(),
                "threshold", Integer.toString(cardSet.threshold()), "cards", Integer.toString(cardSet.shareCount()))));
        try {
            audit.registerSigner(signer);
            beforeCheckpoint.run();
            audit.checkpoint(signer);
        } finally {
            hsm.logout();
        }
    }

    /** Gives up before the split is in force: logs the HSM out and records it. */
    public void abort(String reason) {
        audit.append(new AuditEvent(actor, "initialize.aborted", Outcome.FAILED, Map.of("reason", reason)));
        hsm.logout();
    }

    private void requireSplit() {
        if (cardSet == null) {
            throw new IllegalStateException("split the credential first");
        }
    }
}
