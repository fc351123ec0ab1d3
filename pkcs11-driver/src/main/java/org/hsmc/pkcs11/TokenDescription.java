package org.hsmc.pkcs11;

/**
 * A token's CK_TOKEN_INFO, trimmed. The PIN flags tell how a failed login stands: count low (a wrong
 * PIN since the last good one), final try, locked.
 */
public record TokenDescription(long slotId, String label, String manufacturer, String model, String serialNumber,
                               boolean initialized, boolean loginRequired, boolean userPinInitialized,
                               boolean userPinCountLow, boolean userPinFinalTry, boolean userPinLocked,
                               boolean soPinLocked, long minPinLength, long maxPinLength) {
}
