package org.hsmc.pkcs11;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What a vendor's token does differently from the standard, kept as data in
 * {@code vendor-quirks.properties} (keyed by the token's manufacturer ID) rather than as
 * {@code if} chains in the driver.
 *
 * @param unwrapIntegrityFailureCkr the code C_UnwrapKey returns for a wrapped key that fails its
 *                                  integrity check, when it is not CKR_WRAPPED_KEY_INVALID; else -1
 * @param kwpPadsOddKeys            RFC 5649 wraps of keys whose length is not a multiple of 8 are not
 *                                  interoperable on this token
 * @param rsaOaepSha256             the token accepts RSA-OAEP with SHA-256 and MGF1-SHA-256
 */
public record VendorQuirks(long unwrapIntegrityFailureCkr, boolean kwpPadsOddKeys, boolean rsaOaepSha256) {

    static final VendorQuirks STANDARD = new VendorQuirks(-1, false, true);
    private static final Properties DATA = load();

    static VendorQuirks forManufacturer(String manufacturerId) {
        String prefix = manufacturerId.trim() + ".";
        String ckr = DATA.getProperty(prefix + "unwrap.integrityFailureCkr");
        String pads = DATA.getProperty(prefix + "kwp.padsOddKeys");
        String oaep = DATA.getProperty(prefix + "rsaOaep.sha256");
        return new VendorQuirks(ckr == null ? -1 : Long.decode(ckr.trim()), Boolean.parseBoolean(pads),
                oaep == null || Boolean.parseBoolean(oaep.trim()));
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = VendorQuirks.class.getResourceAsStream("vendor-quirks.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("vendor-quirks.properties is unreadable", e);
        }
        return p;
    }
}
