package org.hsmc.reports;

import org.hsmc.ceremony.keys.KeyRecords;
import org.hsmc.ceremony.run.CeremonyConsole.ComponentDelivery;
import org.hsmc.pkcs11.Kcv;
import org.hsmc.testsupport.RequiresSoftHsm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hsmc.reports.Pdfs.assertShows;

/**
 * The key component forms the generate-zone-master-key ceremony printed (through the console's
 * {@code deliverComponent}, as the real console does), read back: one page per component and
 * custodian, zone, key id and version, "i of K", the component in groups of four upper-case hex
 * digits, both KCVs (checked against the component and the stored key), and the handling
 * instructions; and the component reaches no file and no log.
 */
@RequiresSoftHsm
class ComponentFormTest {

    private static DemoHome home;

    @BeforeAll
    static void demo() {
        home = DemoHome.get();
    }

    @Test
    void eachComponentHasItsOwnOnePageFormInBothLanguages() {
        List<TestConsole.Delivered> delivered = home.console.delivered;
        assertThat(delivered).hasSize(3);
        String storedKcv = home.store.read(c -> KeyRecords.zoneKeys(c, "sh-01")).getFirst().kcv();
        byte[] combined = new byte[32];
        for (TestConsole.Delivered d : delivered) {
            ComponentDelivery c = d.delivery();
            for (int i = 0; i < 32; i++) {
                combined[i] ^= d.value()[i];
            }
            assertThat(c.componentKcv()).isEqualTo(Kcv.ofClearAesKey(d.value()).hex());
            assertThat(c.combinedKcv()).isEqualTo(storedKcv);
            for (byte[] form : List.of(d.formEn(), d.formZh())) {
                List<String> pages = Pdfs.pages(form);
                assertThat(pages).hasSize(1);
                String text = pages.getFirst();
                assertThat(text).containsPattern(groupsOfFour(d.value()));
                assertShows(text, "sh-01", "zmk/sh-01/v1", c.holder(), c.componentKcv(), c.combinedKcv(), c.runId());
            }
            String en = Pdfs.text(d.formEn());
            assertShows(en, "Key component form", "Component " + c.index() + " of 3", "Key version 1", "Page 1 of 1",
                    "SECRET — KEY COMPONENT — FOR " + c.holder() + " ONLY", "tamper-evident envelope", "Only " + c.holder()
                            + " may look at the digits", "Envelope serial number", "Received and sealed by the custodian");
            String zh = Pdfs.text(d.formZh());
            assertShows(zh, "密钥分量表", "第 " + c.index() + " 个分量（共 3 个）", "防拆信封", "只有 " + c.holder() + " 本人可以查看",
                    "第 1 页，共 1 页", "保管须知");
        }
        assertThat(Kcv.ofClearAesKey(combined).hex()).isEqualTo(storedKcv);
        assertThat(delivered).extracting(d -> d.delivery().holder()).containsExactly("Bob", "Carol", "Dave");
        Pdfs.preview(delivered.get(1).formEn(), "component-form-en", 1);
        Pdfs.preview(delivered.get(1).formZh(), "component-form-zh", 1);
    }

    /** The component as groups of four upper-case hex digits, one group after another, as the form prints it. */
    private static Pattern groupsOfFour(byte[] value) {
        String hex = HexFormat.of().withUpperCase().formatHex(value);
        List<String> groups = Stream.iterate(0, i -> i < hex.length(), i -> i + 4).map(i -> hex.substring(i, i + 4)).toList();
        return Pattern.compile("(?<![0-9A-F])" + String.join("\\s+", groups) + "(?![0-9A-F])");
    }

    @Test
    void theComponentReachesNoFileNoLogAndNoDocumentInformation() throws IOException {
        byte[] value = new byte[32];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) (0xA7 ^ (i * 29));
        }
        String hex = HexFormat.of().withUpperCase().formatHex(value);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = files(tmp);
        ComponentDelivery d = new ComponentDelivery("run-1", "zone-x", "zmk/zone-x/v2", 2, 1, 2, "Bob", value, "0123456789", "9876543210");
        byte[] pdf = ComponentForms.render(d, ReportLanguage.EN, Instant.parse("2026-11-23T10:00:00Z"));
        assertThat(files(tmp)).as("no file is made while a form is rendered").isEqualTo(before);
        assertThat(value).as("the component is left as it was; the engine wipes it").isEqualTo(d.value());
        assertThat(Pdfs.text(pdf)).containsPattern(groupsOfFour(value));
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            var info = doc.getDocumentInformation();
            String all = info.getMetadataKeys().stream().map(info::getCustomMetadataValue).collect(Collectors.joining(" "));
            assertThat(all.toUpperCase()).doesNotContain(hex.substring(0, 8)).doesNotContain(hex.substring(32, 40));
        }
        Path log = Path.of("target", "test-logs", "reports-tests.log");
        if (Files.exists(log)) {
            String logged = Files.readString(log, StandardCharsets.UTF_8).toUpperCase();
            assertThat(logged).doesNotContain(hex.substring(0, 8)).doesNotContain(hex.substring(40, 48));
            for (TestConsole.Delivered x : home.console.delivered) {
                assertThat(logged).doesNotContain(HexFormat.of().withUpperCase().formatHex(x.value()).substring(0, 12));
            }
        }
    }

    @Test
    void theLongestNameStillFitsOnOnePage() {
        String holder = "Maximiliane Alexandra von Hohenberg-Wittelsbach zu Sachsen-Coburg";
        String zhHolder = "欧阳".repeat(32);
        for (ReportLanguage lang : ReportLanguage.values()) {
            ComponentDelivery d = new ComponentDelivery("run-1", "zone-with-a-long-id-0123456789ab", "zmk/zone-with-a-long-id-0123456789ab/v99999",
                    99999, 9, 9, lang == ReportLanguage.EN ? holder.substring(0, 64) : zhHolder, new byte[32], "0123456789", "9876543210");
            List<String> pages = Pdfs.pages(ComponentForms.render(d, lang, Instant.parse("2026-11-23T10:00:00Z")));
            assertThat(pages).hasSize(1);
            assertShows(pages.getFirst(), d.holder(), "0000 0000");
        }
    }

    @Test
    void aFormIsOnlyForARealComponent() {
        ComponentDelivery none = new ComponentDelivery("run-1", "z", "zmk/z/v1", 1, 1, 2, "Bob", new byte[0], "0123456789", "0123456789");
        assertThatThrownBy(() -> ComponentForms.render(none, ReportLanguage.EN, Instant.now())).isInstanceOf(IllegalArgumentException.class);
        ComponentDelivery fourOfThree = new ComponentDelivery("run-1", "z", "zmk/z/v1", 1, 4, 3, "Bob", new byte[32], "0123456789", "0123456789");
        assertThatThrownBy(() -> ComponentForms.render(fourOfThree, ReportLanguage.ZH, Instant.now())).hasMessageContaining("4 of 3");
    }

    private static Set<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.collect(Collectors.toSet());
        }
    }
}
