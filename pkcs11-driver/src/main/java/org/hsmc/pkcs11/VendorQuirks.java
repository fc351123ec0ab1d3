package org.hsmc.pkcs11;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a vendor's token does differently from the standard, kept as data in
 * {@code vendor-quirks.properties} rather than as {@code if} chains in the driver. Keys are
 * {@code <manufacturerID>.<quirk>} or, for one model only, {@code <manufacturerID>/<model>.<quirk>}
 * (the model's entry wins). A site may add its own file (the module's {@code quirks} in the site
 * profile), read on top of the built-in one.
 *
 * @param unwrapIntegrityFailureCkr the code C_UnwrapKey returns for a wrapped key that fails its
 *                                  integrity check, when it is not CKR_WRAPPED_KEY_INVALID; else -1
 * @param kwpPadsOddKeys            RFC 5649 wraps of keys whose length is not a multiple of 8 are not
 *                                  interoperable on this token
 * @param rsaOaepSha256             the token accepts RSA-OAEP with SHA-256 and MGF1-SHA-256
 * @param kwpVendorMechanisms       vendor mechanisms to try for RFC 5649, after 0x210B and 0x210A
 * @param excludedMechanisms        mechanisms the console must treat as absent on this token
 * @param serialNotUnique           the token's serial number does not tell it apart from others of its kind
 *                                  (NSS: 0000000000000000 for every token); the driver adds the label to it
 */
public record VendorQuirks(long unwrapIntegrityFailureCkr, boolean kwpPadsOddKeys, boolean rsaOaepSha256,
                           List<Long> kwpVendorMechanisms, Set<Long> excludedMechanisms, boolean serialNotUnique) {

    static final VendorQuirks STANDARD = new VendorQuirks(-1, false, true, List.of(), Set.of(), false);
    private static final Properties DATA = load();

    public VendorQuirks {
        kwpVendorMechanisms = List.copyOf(kwpVendorMechanisms);
        excludedMechanisms = Set.copyOf(excludedMechanisms);
    }

    static VendorQuirks forManufacturer(String manufacturerId) {
        return forToken(manufacturerId, "", new Properties());
    }

    /** The quirks of a token of this manufacturer and model, the site's file read over the built-in data. */
    static VendorQuirks forToken(String manufacturerId, String model, Properties site) {
        String manufacturer = manufacturerId.trim();
        List<String> prefixes = new ArrayList<>();
        if (!model.isBlank()) {
            prefixes.add(manufacturer + "/" + model.trim() + ".");
        }
        prefixes.add(manufacturer + ".");
        String ckr = value(site, prefixes, "unwrap.integrityFailureCkr");
        String pads = value(site, prefixes, "kwp.padsOddKeys");
        String oaep = value(site, prefixes, "rsaOaep.sha256");
        List<Long> vendorKwp = codes(value(site, prefixes, "kwp.vendorMechanisms"), "kwp.vendorMechanisms");
        Set<Long> excluded = new TreeSet<>(codes(value(site, prefixes, "mechanisms.excluded"), "mechanisms.excluded"));
        String serial = value(site, prefixes, "serial.notUnique");
        return new VendorQuirks(ckr == null ? -1 : Long.decode(ckr.trim()), Boolean.parseBoolean(pads == null ? "" : pads.trim()),
                oaep == null || Boolean.parseBoolean(oaep.trim()), vendorKwp, excluded,
                serial != null && Boolean.parseBoolean(serial.trim()));
    }

    private static String value(Properties site, List<String> prefixes, String quirk) {
        for (Properties p : List.of(site, DATA)) {
            for (String prefix : prefixes) {
                String v = p.getProperty(prefix + quirk);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static List<Long> codes(String list, String quirk) {
        List<Long> out = new ArrayList<>();
        if (list == null) {
            return out;
        }
        for (String part : list.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                out.add(Long.decode(t.toLowerCase(Locale.ROOT)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("The vendor quirk " + quirk + " lists '" + t
                        + "', which is not a mechanism code; write codes such as 0x210B, separated by commas.");
            }
        }
        return out;
    }

    /** Reads a site's quirks file; an empty set when there is none. */
    static Properties readSiteFile(Optional<Path> file) {
        Properties p = new Properties();
        if (file.isEmpty()) {
            return p;
        }
        try (InputStream in = Files.newInputStream(file.get())) {
            p.load(in);
        } catch (IOException e) {
            throw new ModuleLoadException("The vendor-quirks file " + file.get() + " could not be read (" + e.getMessage()
                    + "). Fix the module's quirks entry in the site profile, or remove it.", e);
        }
        return p;
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
