package org.hsmc.node;

/**
 * Why a node refuses a bundle. Each kind has its own message; {@link BundleRefusedException#getMessage()}
 * adds the particulars (what was found, what was expected, what to do).
 */
public enum Refusal {
    /** Not a bundle: not DER, not CMS SignedData, or not the structure docs/bundle-format.md fixes. */
    MALFORMED("The file is not a key bundle"),
    /** The trusted certificate itself cannot be used (not an EC P-384 self-signed certificate, or expired). */
    TRUST_UNUSABLE("The trusted console certificate cannot be used"),
    /** The bundle carries, or names as its signer, a certificate other than the trusted (pinned) one. */
    CERTIFICATE_NOT_TRUSTED("The bundle was not signed by the trusted console"),
    /** The signature over the signed attributes does not verify with the trusted console's key. */
    SIGNATURE_INVALID("The bundle's signature does not verify"),
    /** The manifest differs from the one that was signed. */
    CONTENT_ALTERED("The bundle's manifest was altered after it was signed"),
    /** A wrapped key differs from the one that was signed. */
    WRAPPED_KEY_ALTERED("A wrapped key in the bundle was altered after it was signed"),
    /** Signed by the console, but not a manifest this node understands. */
    MANIFEST_INVALID("The bundle's manifest is not one this node understands"),
    /** The bundle's expiry time has passed. */
    EXPIRED("The bundle has expired"),
    /** The bundle is for another zone than this node's. */
    WRONG_ZONE("The bundle is for another zone"),
    /** The sequence number is not above the last one this node imported (a replay or an older bundle). */
    ROLLBACK("The bundle is not newer than the last one imported"),
    /** The bundle follows the last one imported, but names another bundle as its predecessor. */
    CHAIN_BROKEN("The bundle does not follow the last one imported"),
    /** The node's token lacks the zone key the bundle's keys are wrapped under. */
    NO_ZONE_KEY("This node does not hold the zone key"),
    /** The node's zone key is not the one the console wrapped under (its KCV differs). */
    ZONE_KEY_MISMATCH("This node's zone key is not the one the bundle's keys are wrapped under"),
    /** A wrapped key fails its integrity check when unwrapped under the zone key. */
    WRAPPED_KEY_DAMAGED("A wrapped key does not unwrap under the zone key"),
    /** A key unwraps, but its KCV is not the one in the manifest. */
    KCV_MISMATCH("A key's check value does not match after unwrapping"),
    /** The anti-rollback state file cannot be read or written. */
    STATE_UNUSABLE("The node's anti-rollback state cannot be used"),
    /** The node's token refused an operation of the import; nothing of the bundle was kept. */
    TOKEN_FAILED("The node's token refused the import");

    private final String title;

    Refusal(String title) {
        this.title = title;
    }

    /** The kind's own sentence, e.g. "The bundle has expired". */
    public String title() {
        return title;
    }
}
