package org.hsmc.ceremony.custody;

import java.security.interfaces.ECPublicKey;

/**
 * An enrolled admin card: a PKCS#11 token with an EC P-256 key pair made on the card.
 *
 * @param serial      the token's serial number, the card's identity
 * @param tokenLabel  the token label at enrolment (informative; cards are recognised by serial)
 * @param custodianId who holds it
 * @param keyLabel    CKA_LABEL of the card's key pair
 * @param publicKey   the card's public key, as enrolled
 * @param revoked     revoked cards are refused
 * @param failedPins  consecutive wrong PINs the console has seen
 */
public record Card(String serial, String tokenLabel, String custodianId, String keyLabel, ECPublicKey publicKey,
                   boolean revoked, int failedPins) {
}
