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
        List<String> missing = card.capabilities().missingForCard();
        if (!missing.isEmpty()) {
            throw new CustodyException("The card '" + card.label() + "' cannot be an admin card: it lacks " + missing + ".");
        }
        TokenDescription d = card.description();
        if (newPin.length < Math.max(4, d.minPinLength()) || newPin.length > d.maxPinLength()) {
            throw new CustodyException("The new PIN must be " + Math.max(4, d.minPinLength()) + " to " + d.maxPinLength()
                    + " characters long. Choose another.");
        }
        card.setPin(transportPin, newPin);
        card.login(newPin);
        try (Session s = card.openSession()) {
            if (!s.findKeysByLabel(KEY_LABEL).isEmpty()) {
                throw new CustodyException("The card '" + card.label() + "' (serial " + d.serialNumber() + ") already holds"
                        + " an admin key '" + KEY_LABEL + "'. A card is enrolled once; to reuse it, a security officer must"
                        + " first reset it.");
            }
            KeyPairHandles kp = s.generateEcKeyPair(EcCurve.P256,
                    KeyPairTemplate.of(KEY_LABEL, null, true, false, KeyUsage.DERIVE, KeyUsage.SIGN));
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
        } finally {
            card.logout();
        }
    }

    /**
     * As {@link #enrol}, safe to repeat within one ceremony run (issue 16): the key pair carries the run id
     * in CKA_ID; when the transport PIN is refused because an earlier attempt of the run already set the new
     * PIN, the new PIN is used; a key pair an earlier attempt of the same run left on the card is destroyed
     * and made again. A key of anything else is refused as in {@link #enrol}.
     */
    static Card enrolForRun(Token card, Custodian holder, char[] transportPin, char[] newPin, String runId) {
        List<String> missing = card.capabilities().missingForCard();
        if (!missing.isEmpty()) {
            throw new CustodyException("The card '" + card.label() + "' cannot be an admin card: it lacks " + missing + ".");
        }
        TokenDescription d = card.description();
        if (newPin.length < Math.max(4, d.minPinLength()) || newPin.length > d.maxPinLength()) {
            throw new CustodyException("The new PIN must be " + Math.max(4, d.minPinLength()) + " to " + d.maxPinLength()
                    + " characters long. Choose another.");
        }
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
        } finally {
            card.logout();
        }
    }

    /** The private admin key on a logged-in card. */
    static KeyHandle privateKey(Session s, Card card) {
        return s.findKeys(KeyHandle.KeyClass.PRIVATE, card.keyLabel()).stream().findFirst().orElseThrow(() ->
                new CustodyException("The card " + card.serial() + " no longer holds its admin key '" + card.keyLabel() + "'."));
    }
}
