package org.hsmc.ceremony.custody;

import org.hsmc.pkcs11.EcCurve;
import org.hsmc.pkcs11.KeyAttributes;
import org.hsmc.pkcs11.KeyHandle;
import org.hsmc.pkcs11.KeyPairHandles;
import org.hsmc.pkcs11.KeyPairTemplate;
import org.hsmc.pkcs11.KeyUsage;
import org.hsmc.pkcs11.Session;
import org.hsmc.pkcs11.Token;
import org.hsmc.pkcs11.TokenDescription;

import java.security.interfaces.ECPublicKey;
import java.util.List;

/**
 * Makes a token an admin card: the custodian replaces the card's transport PIN with their own, and
 * the card generates its EC P-256 key pair on the card (private key sensitive, not extractable,
 * derive and sign only). The key's attributes are read back and checked before the card counts.
 */
final class CardEnrolment {

    /** CKA_LABEL of the admin key pair on every card. */
    static final String KEY_LABEL = "hsmc-admin-key";

    private CardEnrolment() {
    }

    /**
     * Enrols {@code card} for {@code holder}. Returns the card record, not yet stored. The caller
     * wipes both PINs. Refuses a card that already holds an admin key.
     */
    static Card enrol(Token card, Custodian holder, char[] transportPin, char[] newPin) {
        TokenDescription d = requireAdminCard(card, newPin);
        card.setPin(transportPin, newPin);
        card.login(newPin);
        try (Session s = card.openSession()) {
            return makeAdminKey(s, card, d, holder, null);
        } finally {
            card.logout();
        }
    }

    /**
     * Enrols a card that was provisioned elsewhere and already holds its EC P-256 key pair (a PIV card's
     * key-management slot, through OpenSC, which cannot generate a PIV key pair): logs in with the
     * custodian's PIN (the card's own, set with the vendor's tool), finds the private key {@code choice}
     * names, checks it is P-256, may derive, is sensitive and not extractable, reads its public key, and
     * proves possession with a fresh ECDH: the card's secret with an ephemeral key must equal the one
     * computed here from the card's public key. The caller wipes {@code pin}.
     */
    static Card enrolExisting(Token card, Custodian holder, char[] pin, CardKeyChoice choice) {
        List<String> missing = card.capabilities().missingForCard().stream()
                .filter(m -> !m.equals("CKM_EC_KEY_PAIR_GEN")).toList();
        if (!missing.isEmpty()) {
            throw new CustodyException("The card '" + card.label() + "' cannot be an admin card: it lacks " + missing + ".");
        }
        TokenDescription d = card.description();
        card.login(pin);
        try (Session s = card.openSession()) {
            List<KeyHandle> found = choice.label() != null
                    ? s.findKeys(KeyHandle.KeyClass.PRIVATE, choice.label())
                    : s.findKeysById(KeyHandle.KeyClass.PRIVATE, choice.id());
            if (found.size() != 1) {
                throw new CustodyException("The card '" + card.label() + "' holds " + (found.isEmpty() ? "no" : found.size())
                        + " private key" + (found.size() > 1 ? "s" : "") + " with " + choice + ". Provision the card's EC P-256"
                        + " key (the PIV key-management slot 9D) with the vendor's tool, or name the key by its label or id.");
            }
            KeyHandle priv = found.getFirst();
            KeyAttributes a = s.attributes(priv);
            if (a.curve() != EcCurve.P256 || !a.usages().contains(KeyUsage.DERIVE) || !a.sensitive() || a.extractable()
                    || !a.token()) {
                throw new CustodyException("The key with " + choice + " on the card '" + card.label() + "' cannot be an admin key:"
                        + " it must be an EC P-256 token key that may derive (ECDH), sensitive and not extractable; the card"
                        + " reports " + a + ". On a PIV card use the key-management slot 9D.");
            }
            if (a.label().isEmpty()) {
                throw new CustodyException("The key with " + choice + " on the card '" + card.label() + "' has no label; the"
                        + " console finds a card's key by its label. Give it one with the vendor's tool.");
            }
            List<KeyHandle> publics = choice.id() != null ? s.findKeysById(KeyHandle.KeyClass.PUBLIC, choice.id())
                    : s.findKeys(KeyHandle.KeyClass.PUBLIC, a.label());
            if (publics.isEmpty() && a.id() != null && a.id().length > 0) {
                publics = s.findKeysById(KeyHandle.KeyClass.PUBLIC, a.id());
            }
            if (publics.size() != 1) {
                throw new CustodyException("The card '" + card.label() + "' shows no single public key for its key with " + choice
                        + ". Import the key's certificate or public key onto the card with the vendor's tool.");
            }
            ECPublicKey pub = (ECPublicKey) s.publicKey(publics.getFirst());
            proveEcdh(s, priv, pub, card.label());
            return new Card(d.serialNumber(), d.label(), holder.id(), a.label(), pub, false, 0);
        } finally {
            card.logout();
        }
    }

    /** The card derives with a fresh ephemeral key; the same secret computed here from its public key proves possession. */
    private static void proveEcdh(Session s, KeyHandle priv, ECPublicKey cardPublic, String cardLabel) {
        byte[] onCard = null;
        byte[] here = null;
        try {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
            g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            java.security.KeyPair eph = g.generateKeyPair();
            onCard = s.ecdhDeriveSecret(priv, (ECPublicKey) eph.getPublic(), 32);
            javax.crypto.KeyAgreement ka = javax.crypto.KeyAgreement.getInstance("ECDH");
            ka.init(eph.getPrivate());
            ka.doPhase(cardPublic, true);
            here = ka.generateSecret();
            if (!java.security.MessageDigest.isEqual(onCard, here)) {
                throw new CustodyException("The card '" + cardLabel + "' does not hold the private key of the public key it"
                        + " shows (a fresh ECDH gave another secret). This card cannot be trusted as an admin card.");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("ECDH possession proof failed", e);
        } finally {
            Secrets.wipe(onCard);
            Secrets.wipe(here);
        }
    }

    /**
     * As {@link #enrol}, safe to repeat within one ceremony run (issue 16): the key pair carries the run id
     * in CKA_ID; when the transport PIN is refused because an earlier attempt of the run already set the new
     * PIN, the new PIN is used; a key pair an earlier attempt of the same run left on the card is destroyed
     * and made again. A key of anything else is refused as in {@link #enrol}.
     */
    static Card enrolForRun(Token card, Custodian holder, char[] transportPin, char[] newPin, String runId) {
        TokenDescription d = requireAdminCard(card, newPin);
        try {
            card.setPin(transportPin, newPin);
        } catch (org.hsmc.pkcs11.PinIncorrectException e) {
            try {
                card.login(newPin); // an earlier attempt of this run set it already
                card.logout();
            } catch (org.hsmc.pkcs11.PinIncorrectException again) {
                throw new CustodyException("The card '" + card.label() + "' did not accept its transport PIN. Type the"
                        + " transport PIN printed for this card.", again);
            }
        }
        byte[] id = runId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        card.login(newPin);
        try (Session s = card.openSession()) {
            for (KeyHandle.KeyClass kc : List.of(KeyHandle.KeyClass.PRIVATE, KeyHandle.KeyClass.PUBLIC)) {
                for (KeyHandle h : s.findKeysById(kc, id)) {
                    if (KEY_LABEL.equals(s.label(h))) {
                        s.destroy(h); // left by an interrupted attempt of this run, before the store knew the card
                    }
                }
            }
            return makeAdminKey(s, card, d, holder, id);
        } finally {
            card.logout();
        }
    }

    /** Refuses a card that cannot be an admin card, or a new PIN outside its limits; returns what the card says of itself. */
    private static TokenDescription requireAdminCard(Token card, char[] newPin) {
        List<String> missing = card.capabilities().missingForCard();
        if (!missing.isEmpty()) {
            throw new CustodyException("The card '" + card.label() + "' cannot be an admin card: it lacks " + missing + ".");
        }
        TokenDescription d = card.description();
        if (newPin.length < Math.max(4, d.minPinLength()) || newPin.length > d.maxPinLength()) {
            throw new CustodyException("The new PIN must be " + Math.max(4, d.minPinLength()) + " to " + d.maxPinLength()
                    + " characters long. Choose another.");
        }
        return d;
    }

    /**
     * Makes the admin key pair on a logged-in card (CKA_ID {@code id}, may be null) and checks the card made what
     * was asked for; refuses a card that already holds an admin key.
     */
    private static Card makeAdminKey(Session s, Token card, TokenDescription d, Custodian holder, byte[] id) {
        if (!s.findKeysByLabel(KEY_LABEL).isEmpty()) {
            throw new CustodyException("The card '" + card.label() + "' (serial " + d.serialNumber() + ") already holds"
                    + " an admin key '" + KEY_LABEL + "'. A card is enrolled once; to reuse it, a security officer must"
                    + " first reset it.");
        }
        KeyPairHandles kp = s.generateEcKeyPair(EcCurve.P256,
                KeyPairTemplate.of(KEY_LABEL, id, true, false, KeyUsage.DERIVE, KeyUsage.SIGN));
        KeyAttributes a = s.attributes(kp.privateKey());
        if (!a.sensitive() || a.extractable() || a.curve() != EcCurve.P256 || !a.token()
                || !a.usages().contains(KeyUsage.DERIVE)) {
            s.destroy(kp.privateKey());
            s.destroy(kp.publicKey());
            throw new CustodyException("The card '" + card.label() + "' did not make the key that was asked for (it"
                    + " reports " + a + "). This card cannot be trusted as an admin card.");
        }
        ECPublicKey pub = (ECPublicKey) s.publicKey(kp.publicKey());
        return new Card(d.serialNumber(), d.label(), holder.id(), KEY_LABEL, pub, false, 0);
    }

    /** The private admin key on a logged-in card. */
    static KeyHandle privateKey(Session s, Card card) {
        return s.findKeys(KeyHandle.KeyClass.PRIVATE, card.keyLabel()).stream().findFirst().orElseThrow(() ->
                new CustodyException("The card " + card.serial() + " no longer holds its admin key '" + card.keyLabel() + "'."));
    }
}
