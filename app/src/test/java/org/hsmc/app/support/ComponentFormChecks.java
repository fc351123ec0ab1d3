package org.hsmc.app.support;

import org.hsmc.pkcs11.Kcv;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The key component forms of one ZMK, read back from their PDFs: each shows the zone, the key id, "i of K",
 * its component (whose KCV must be the printed component KCV) and the combined key's KCV (which must be the
 * KCV of the XOR of all the printed components).
 */
public final class ComponentFormChecks {

    private static final Pattern GROUPS = Pattern.compile("((?:[0-9A-F]{4}\\s+){15}[0-9A-F]{4})");
    private static final Pattern KCV = Pattern.compile("KCV of this component\\s*([0-9A-F]{10})");
    private static final Pattern COMBINED = Pattern.compile("KCV of the combined\\s+key\\s*([0-9A-F]{10})");

    private ComponentFormChecks() {
    }

    /** A form read back. */
    public record Form(Path file, String text, byte[] component, String componentKcv, String combinedKcv) {
    }

    /** Checks the K forms (in component order) of {@code keyId} and returns them; the combined KCV is returned by {@link #combinedKcv}. */
    public static List<Form> check(List<Path> files, String zone, String keyId, List<String> holders) {
        assertThat(files).hasSize(holders.size());
        int k = holders.size();
        byte[] combined = new byte[32];
        List<Form> forms = new java.util.ArrayList<>();
        for (int i = 0; i < k; i++) {
            Path f = files.get(i);
            String text = Pdfs.text(f);
            assertThat(Pdfs.pages(f)).as("one page per component").isEqualTo(1);
            assertThat(text).contains("Key component form", "Zone", zone, keyId, "Component " + (i + 1) + " of " + k,
                    "FOR " + holders.get(i) + " ONLY");
            Matcher g = GROUPS.matcher(text);
            assertThat(g.find()).as("the component in groups of four hex digits on %s:%n%s", f, text).isTrue();
            byte[] component = HexFormat.of().parseHex(g.group(1).replaceAll("\\s+", ""));
            Matcher kcv = KCV.matcher(text);
            Matcher comb = COMBINED.matcher(text);
            assertThat(kcv.find()).as("the component KCV on %s:%n%s", f, text).isTrue();
            assertThat(comb.find()).as("the combined KCV on %s:%n%s", f, text).isTrue();
            assertThat(kcv.group(1)).as("the printed component KCV is the component's").isEqualTo(Kcv.ofClearAesKey(component).hex());
            for (int b = 0; b < 32; b++) {
                combined[b] ^= component[b];
            }
            forms.add(new Form(f, text, component, kcv.group(1), comb.group(1)));
        }
        String expected = Kcv.ofClearAesKey(combined).hex();
        assertThat(forms).allSatisfy(fm -> assertThat(fm.combinedKcv()).as("the combined key's KCV").isEqualTo(expected));
        return forms;
    }

    /** The component as hex, as it could appear in a log: whole, in groups of four, lower case. */
    public static List<String> spellings(byte[] component) {
        String hex = HexFormat.of().withUpperCase().formatHex(component);
        StringBuilder spaced = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            spaced.append(hex, i, i + 4).append(' ');
        }
        return List.of(hex, hex.toLowerCase(java.util.Locale.ROOT), spaced.toString().trim(), hex.substring(0, 16));
    }
}
