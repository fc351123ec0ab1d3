package org.hsmc.ceremony.custody;

import org.hsmc.ceremony.audit.AuditEvent;
import org.hsmc.ceremony.audit.AuditLog;
import org.hsmc.ceremony.audit.HsmAuditSigner;
import org.hsmc.ceremony.audit.Outcome;
import org.hsmc.ceremony.store.Store;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.PinIncorrectException;
import org.hsmc.pkcs11.PinLockedException;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.TokenDescription;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * Forming a quorum for one operation: cards are presented one at a time, each with its PIN; after
 * M distinct cards of distinct holders (and the operation's role rules), the secret is rebuilt. For
 * the admin card set that secret is the HSM credential: {@link #openHsm} logs the HSM in with it.
 * {@link #close} logs the HSM out and wipes the credential and every share. A quorum serves one
 * operation.
 *
 * <p>Every approval and every refusal is an audit entry; refusals each have their own kind and
 * message ({@link QuorumRefusal}). Not thread-safe: one quorum, one background task.
 */
public final class QuorumSession implements AutoCloseable {

    /** Consecutive wrong PINs after which the console treats a card as locked, whatever the card itself does. */
    public static final int MAX_PIN_TRIES = 3;

    /**
     * An accepted card. {@code signature} is the card's ECDSA P-256 signature (SHA-256, r‖s) over the
     * plan it approved (the script's SHA-256), verified against the enrolled public key; empty when
     * the quorum binds no plan.
     */
    public record Approval(String serial, Custodian holder, byte[] signature) {
        public Approval {
            signature = signature == null ? new byte[0] : signature.clone();
        }

        @Override
        public byte[] signature() {
            return signature.clone();
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final CardSet cardSet;
    private final String operation;
    private final QuorumPolicy policy;
    private final String actor;
    private final List<Approval> approvals = new ArrayList<>();
    private final List<SecretSharing.Share> shares = new ArrayList<>();
    private char[] credentialPin;
    private Token loggedInHsm;
    private boolean closed;

    private QuorumSession(Store store, AuditLog audit, Clock clock, CardSet cardSet, String operation, QuorumPolicy policy, String actor) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.cardSet = cardSet;
        this.operation = operation;
        this.policy = policy;
        this.actor = actor;
    }

    /** Starts a quorum for {@code operation} over the active card set of {@code purpose}. */
    public static QuorumSession begin(Store store, AuditLog audit, Clock clock, CardSetPurpose purpose, String operation, String actor) {
        return store.write(c -> {
            CardSet set = CustodyRecords.activeCardSet(c, purpose).orElseThrow(() -> new CustodyException(
                    "There is no active " + purpose.name().toLowerCase(java.util.Locale.ROOT) + " card set: the console has"
                            + " not been initialised. Run the initialize ceremony first."));
            return start(c, store, audit, clock, set, operation, actor);
        });
    }

    /** Starts a quorum over a given card set, active or not (tests prove retired shares open nothing). */
    static QuorumSession beginFor(Store store, AuditLog audit, Clock clock, String cardSetId, String operation, String actor) {
        return store.write(c -> start(c, store, audit, clock, CustodyRecords.cardSet(c, cardSetId).orElseThrow(),
                operation, actor));
    }

    private static QuorumSession start(Connection c, Store store, AuditLog audit, Clock clock, CardSet set, String operation,
                                       String actor) throws SQLException {
        QuorumPolicy policy = CustodyRecords.policy(c, operation)
                .or(() -> policyOrEmpty(c, "default")).orElse(QuorumPolicy.DEFAULT);
        audit.append(c, new AuditEvent(actor, "quorum.begin", Outcome.DONE, Map.of("operation", operation,
                "card_set", set.id(), "threshold", Integer.toString(set.threshold()), "policy", policy.text())));
        return new QuorumSession(store, audit, clock, set, operation, policy, actor);
    }

    private static java.util.Optional<QuorumPolicy> policyOrEmpty(Connection c, String op) {
        try {
            return CustodyRecords.policy(c, op);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public String operation() {
        return operation;
    }

    public CardSet cardSet() {
        return cardSet;
    }

    public QuorumPolicy policy() {
        return policy;
    }

    /** M. */
    public int required() {
        return cardSet.threshold();
    }

    public List<Approval> approvals() {
        return List.copyOf(approvals);
    }

    public boolean isComplete() {
        return approvals.size() >= cardSet.threshold();
    }

    /**
     * A custodian presents {@code card} and types {@code pin} (the caller wipes it). Returns the
     * approval, or throws {@link QuorumRefusal} (after writing its audit entry).
     */
    public Approval present(Token card, char[] pin) {
        return present(card, pin, null);
    }

    /**
     * As {@link #present(Token, char[])}, and the card signs {@code plan} (the script's SHA-256) while
     * it is logged in, so that the approval is bound to exactly the plan that runs.
     */
    public Approval present(Token card, char[] pin, byte[] plan) {
        ensureOpen();
        if (isComplete()) {
            throw new CustodyException("The quorum already has its " + required() + " cards; no more are needed.");
        }
        TokenDescription d = card.description();
        String serial = d.serialNumber();
        Card enrolled = store.read(c -> CustodyRecords.card(c, serial)).orElse(null);
        if (enrolled == null) {
            throw refuse(QuorumRefusal.Kind.UNKNOWN_CARD, serial, null, OptionalInt.empty(), "The card '" + d.label()
                    + "' (serial " + serial + ") is not enrolled at this console. Use your enrolled admin card.");
        }
        Custodian holder = store.read(c -> CustodyRecords.custodian(c, enrolled.custodianId())).orElseThrow();
        if (enrolled.revoked()) {
            throw refuse(QuorumRefusal.Kind.REVOKED_CARD, serial, holder, OptionalInt.empty(), "The card " + serial
                    + " of " + holder.name() + " has been revoked and can no longer approve anything.");
        }
        CustodyRecords.StoredShare share = store.read(c -> CustodyRecords.share(c, cardSet.id(), serial)).orElse(null);
        if (share == null) {
            throw refuse(QuorumRefusal.Kind.OTHER_CARD_SET, serial, holder, OptionalInt.empty(), "The card " + serial
                    + " of " + holder.name() + " holds no share of this card set (" + cardSet.purpose().name().toLowerCase(java.util.Locale.ROOT)
                    + " cards, " + cardSet.id() + "): it belongs to another card set. Present a card of this set.");
        }
        if (approvals.stream().anyMatch(a -> a.serial().equals(serial))) {
            throw refuse(QuorumRefusal.Kind.SAME_CARD_TWICE, serial, holder, OptionalInt.empty(), "The card " + serial
                    + " has already been presented for this quorum. The next card must be another custodian's.");
        }
        if (approvals.stream().anyMatch(a -> a.holder().id().equals(holder.id()))) {
            throw refuse(QuorumRefusal.Kind.SAME_HOLDER_TWICE, serial, holder, OptionalInt.empty(), holder.name()
                    + " has already approved this quorum with another card. Each custodian approves once.");
        }
        String roleProblem = roleProblem(holder);
        if (roleProblem != null) {
            throw refuse(QuorumRefusal.Kind.ROLE_NOT_ALLOWED, serial, holder, OptionalInt.empty(), roleProblem);
        }
        if (enrolled.failedPins() >= MAX_PIN_TRIES) {
            throw refuse(QuorumRefusal.Kind.LOCKED_CARD, serial, holder, OptionalInt.of(0), lockedMessage(serial, holder));
        }
        byte[] value;
        byte[] signature = null;
        try {
            card.login(pin);
        } catch (PinIncorrectException wrong) {
            int failed = enrolled.failedPins() + 1;
            int left = Math.max(0, MAX_PIN_TRIES - failed);
            if (wrong.triesLeft().isPresent()) {
                left = Math.min(left, wrong.triesLeft().getAsInt()); // the card says this is its final try
            }
            String message = left == 0 ? lockedMessage(serial, holder)
                    : "The PIN for card " + serial + " of " + holder.name() + " was not accepted. " + left
                    + (left == 1 ? " try is" : " tries are") + " left before the card is locked.";
            throw refuse(left == 0 ? QuorumRefusal.Kind.LOCKED_CARD : QuorumRefusal.Kind.WRONG_PIN, serial, holder,
                    OptionalInt.of(left), message, failed);
        } catch (PinLockedException locked) {
            throw refuse(QuorumRefusal.Kind.LOCKED_CARD, serial, holder, OptionalInt.of(0), lockedMessage(serial, holder));
        }
        try (Session s = card.openSession()) {
            KeyHandle key = s.findKeys(KeyHandle.KeyClass.PRIVATE, enrolled.keyLabel()).stream().findFirst()
                    .orElseThrow(() -> refuse(QuorumRefusal.Kind.DAMAGED_SHARE, serial, holder, OptionalInt.empty(),
                            "The card " + serial + " no longer holds its admin key '" + enrolled.keyLabel()
                                    + "'. It cannot approve; ask a security officer to replace it."));
            value = ShareCipher.decryptOnCard(s, key, share.encrypted(), cardSet.id(), serial, share.index());
            if (plan != null) {
                signature = s.sign(org.hsmc.pkcs11.EcdsaHash.SHA256, key, plan);
                if (!verifies(enrolled.publicKey(), plan, signature)) {
                    Secrets.wipe(value);
                    throw refuse(QuorumRefusal.Kind.DAMAGED_SHARE, serial, holder, OptionalInt.empty(), "The card " + serial
                            + " signed the plan with a key that is not the one enrolled. It cannot approve.");
                }
            }
        } catch (QuorumRefusal r) {
            throw r;
        } catch (CustodyException damaged) {
            throw refuse(QuorumRefusal.Kind.DAMAGED_SHARE, serial, holder, OptionalInt.empty(), damaged.getMessage());
        } finally {
            card.logout();
        }
        shares.add(new SecretSharing.Share(share.index(), value));
        Approval approval = new Approval(serial, holder, signature);
        approvals.add(approval);
        store.write(c -> {
            if (enrolled.failedPins() != 0) {
                CustodyRecords.setFailedPins(c, serial, 0);
            }
            audit.append(c, new AuditEvent(holder.name(), "quorum.approved", Outcome.DONE, Map.of(
                    "operation", operation, "card", serial, "custodian", holder.id(), "role", holder.role().name(),
                    "progress", approvals.size() + " of " + required())));
            return null;
        });
        return approval;
    }

    private static boolean verifies(java.security.PublicKey key, byte[] data, byte[] p1363) {
        try {
            java.security.Signature v = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
            v.initVerify(key);
            v.update(data);
            return v.verify(p1363);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private String lockedMessage(String serial, Custodian holder) {
        return "The card " + serial + " of " + holder.name() + " is locked after " + MAX_PIN_TRIES
                + " wrong PINs. A security officer must unblock it (unblock-card), or it must be replaced, before it can approve"
                + " again. Present another custodian's card, or stop the quorum.";
    }

    /** Null when the holder may approve now; otherwise why not. */
    private String roleProblem(Custodian holder) {
        if (!policy.allowedRoles().contains(holder.role())) {
            return holder.name() + " is " + roleName(holder.role()) + ", and " + operation + " may only be approved by "
                    + policy.allowedRoles().stream().map(QuorumSession::roleName).sorted().collect(Collectors.joining(" or ")) + ".";
        }
        Map<Role, Integer> after = new EnumMap<>(Role.class);
        approvals.forEach(a -> after.merge(a.holder().role(), 1, Integer::sum));
        after.merge(holder.role(), 1, Integer::sum);
        Map<Role, Integer> owed = policy.owed(after);
        int slotsLeft = required() - approvals.size() - 1;
        int owedTotal = owed.values().stream().mapToInt(Integer::intValue).sum();
        if (owedTotal > slotsLeft) {
            return "The remaining approvals for " + operation + " must come from "
                    + policy.owed(countRoles()).entrySet().stream().map(e -> roleCount(e.getKey(), e.getValue()))
                    .collect(Collectors.joining(" and ")) + "; " + holder.name() + " is " + roleName(holder.role()) + ".";
        }
        return null;
    }

    private Map<Role, Integer> countRoles() {
        Map<Role, Integer> m = new EnumMap<>(Role.class);
        approvals.forEach(a -> m.merge(a.holder().role(), 1, Integer::sum));
        return m;
    }

    private static String roleCount(Role r, int n) {
        if (n == 1) {
            return roleName(r);
        }
        return n + " " + switch (r) {
            case SECURITY_OFFICER -> "security officers";
            case KEY_CUSTODIAN -> "key custodians";
            case AUDITOR -> "auditors";
        };
    }

    private static String roleName(Role r) {
        return switch (r) {
            case SECURITY_OFFICER -> "a security officer";
            case KEY_CUSTODIAN -> "a key custodian";
            case AUDITOR -> "an auditor";
        };
    }

    private QuorumRefusal refuse(QuorumRefusal.Kind kind, String serial, Custodian holder, OptionalInt triesLeft, String message) {
        return refuse(kind, serial, holder, triesLeft, message, -1);
    }

    /** Writes the refusal's audit entry (and a new wrong-PIN count, when given) and returns the exception. */
    private QuorumRefusal refuse(QuorumRefusal.Kind kind, String serial, Custodian holder, OptionalInt triesLeft, String message,
                                 int failedPins) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("operation", operation);
        details.put("refusal", kind.name());
        if (serial != null) {
            details.put("card", serial);
        }
        if (holder != null) {
            details.put("custodian", holder.id());
        }
        triesLeft.ifPresent(t -> details.put("tries_left", Integer.toString(t)));
        details.put("message", message);
        store.write(c -> {
            if (failedPins >= 0) {
                CustodyRecords.setFailedPins(c, serial, failedPins);
            }
            audit.append(c, new AuditEvent(holder == null ? actor : holder.name(), "quorum.refused", Outcome.REFUSED, details));
            return null;
        });
        return new QuorumRefusal(kind, message, triesLeft);
    }

    /**
     * Rebuilds the HSM credential from the M shares and logs the HSM in with it. The shares are
     * wiped at once; the credential is kept (for a re-share) until {@link #close}.
     */
    public void openHsm(Token hsm) {
        ensureOpen();
        if (cardSet.purpose() != CardSetPurpose.ADMIN) {
            throw new IllegalStateException("only the admin card set opens the HSM");
        }
        requireComplete();
        audit.requireIntact(); // no key operation while the audit log does not verify
        byte[] credential = SecretSharing.combine(shares);
        Secrets.wipeAll(shares.stream().map(SecretSharing.Share::value).toList());
        shares.clear();
        try {
            credentialPin = Credential.toPin(credential, hsm.description().maxPinLength());
        } finally {
            Secrets.wipe(credential);
        }
        try {
            hsm.login(credentialPin);
        } catch (PinIncorrectException | PinLockedException e) {
            // a re-share that died between C_SetPIN and the activation of its card set: finish it (issue 16)
            char[] rolled = e instanceof PinIncorrectException
                    ? CredentialRollover.finish(store, audit, clock, cardSet, credentialPin, hsm, actor) : null;
            Secrets.wipe(credentialPin);
            credentialPin = rolled;
            if (rolled != null) {
                loggedInHsm = hsm;
                audit.append(new AuditEvent(actor, "quorum.hsm_opened", Outcome.DONE, Map.of("operation", operation,
                        "hsm", hsm.label(), "cards", approvals.stream().map(Approval::serial).collect(Collectors.joining(",")))));
                return;
            }
            throw refuse(QuorumRefusal.Kind.CREDENTIAL_REJECTED, null, null, OptionalInt.empty(),
                    "The HSM did not accept the credential rebuilt from these cards: they hold shares of a credential"
                            + " that is no longer the HSM's (a retired card set), or the HSM was re-initialised elsewhere.");
        }
        try {
            // the head the HSM keeps, readable only now: a log behind it lost its tail (with its checkpoints)
            audit.requireIntact(audit.logId().flatMap(id -> org.hsmc.ceremony.audit.HsmAuditHead.readPrivate(hsm, id)));
        } catch (RuntimeException e) {
            hsm.logout();
            Secrets.wipe(credentialPin);
            credentialPin = null;
            throw e;
        }
        loggedInHsm = hsm;
        audit.append(new AuditEvent(actor, "quorum.hsm_opened", Outcome.DONE, Map.of("operation", operation,
                "hsm", hsm.label(), "cards", approvals.stream().map(Approval::serial).collect(Collectors.joining(",")))));
        org.hsmc.ceremony.audit.HsmIdentity.record(audit, actor, hsm);
    }

    /** Refuses (TOO_FEW_CARDS) unless M cards have approved. */
    public void requireComplete() {
        if (!isComplete()) {
            throw refuse(QuorumRefusal.Kind.TOO_FEW_CARDS, null, null, OptionalInt.empty(), "Only " + approvals.size()
                    + " of the " + required() + " cards this operation needs have been presented. Present "
                    + (required() - approvals.size()) + " more.");
        }
    }

    /**
     * The rebuilt secret of a non-admin card set (the LMK backup), for the caller to use at once and
     * wipe. The shares are wiped here.
     */
    public byte[] rebuildSecret() {
        ensureOpen();
        requireComplete();
        try {
            return SecretSharing.combine(shares);
        } finally {
            Secrets.wipeAll(shares.stream().map(SecretSharing.Share::value).toList());
            shares.clear();
        }
    }

    /** Sets a new HSM credential while the quorum holds the current one (re-share). The caller wipes {@code newPin}. */
    void changeCredential(char[] newPin) {
        if (loggedInHsm == null || credentialPin == null) {
            throw new IllegalStateException("open the HSM with the quorum first");
        }
        loggedInHsm.setPin(credentialPin, newPin);
        Secrets.wipe(credentialPin);
        credentialPin = newPin.clone();
    }

    /** The current credential's PIN text while the quorum holds the HSM open (a re-share derives its rollover key from it). */
    char[] credentialPin() {
        if (loggedInHsm == null || credentialPin == null) {
            throw new IllegalStateException("open the HSM with the quorum first");
        }
        return credentialPin;
    }

    Token hsm() {
        if (loggedInHsm == null) {
            throw new IllegalStateException("open the HSM with the quorum first");
        }
        return loggedInHsm;
    }

    String actor() {
        return actor;
    }

    /**
     * Closes the quorum: writes the closing audit entry and, when the quorum opened the HSM, signs an
     * audit checkpoint with the HSM's audit key; then logs the HSM out and wipes the credential and
     * every share, whatever happened before.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            audit.append(new AuditEvent(actor, "quorum.closed", Outcome.DONE, Map.of("operation", operation,
                    "approvals", Integer.toString(approvals.size()))));
            if (loggedInHsm != null) {
                java.util.Optional<AuditKeys.Found> keys;
                try (Session s = loggedInHsm.openSession()) {
                    keys = AuditKeys.current(s, audit.signers().keySet());
                }
                if (keys.isPresent()) {
                    audit.checkpoint(HsmAuditSigner.of(loggedInHsm, keys.get().keys(), keys.get().label()));
                }
            }
        } finally {
            if (loggedInHsm != null) {
                loggedInHsm.logout();
                loggedInHsm = null;
            }
            Secrets.wipe(credentialPin);
            credentialPin = null;
            Secrets.wipeAll(shares.stream().map(SecretSharing.Share::value).toList());
            shares.clear();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This quorum is closed; form a new one.");
        }
    }

    Clock clock() {
        return clock;
    }
}
