package org.hsmc.ceremony.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The receipt of a signed bundle: the keys it carries, with their KCVs, read back from the bundle's own
 * bytes (the manifest inside the CMS SignedData), so that the export report lists exactly what went to
 * the zone. Never the wrapped key bytes.
 */
public final class BundleReceipt {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A key the bundle carries. */
    public record Key(String id, String purpose, int version, String kcv, String wrappingKey, String wrappingKcv) {
    }

    private BundleReceipt() {
    }

    /** The keys in the bundle {@code der} (CMS SignedData, DER), in the manifest's order. */
    public static List<Key> keys(byte[] der) {
        try {
            CMSSignedData cms = new CMSSignedData(der);
            byte[] manifest = (byte[]) cms.getSignedContent().getContent();
            JsonNode root = MAPPER.readTree(manifest);
            List<Key> out = new ArrayList<>();
            for (JsonNode k : root.path("keys")) {
                JsonNode w = k.path("wrapping_key");
                out.add(new Key(k.path("id").asText(), k.path("purpose").asText(), k.path("version").asInt(), k.path("kcv").asText(),
                        w.path("id").asText(null), w.path("kcv").asText(null)));
            }
            return out;
        } catch (CMSException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("The stored bundle cannot be read back as a signed bundle: " + e.getMessage(), e);
        }
    }
}
