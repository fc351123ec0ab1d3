package org.hsmc.ceremony.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-written canonical JSON of {@link AuditFormat} is byte for byte what a general RFC 8785
 * implementation (java-json-canonicalization) makes of the same object, for every character class
 * that matters: controls, quotes and backslashes, non-ASCII, characters outside the BMP (which also
 * change the key order: RFC 8785 sorts by UTF-16 code units), and the largest safe integer.
 */
class CanonicalJsonTest {

    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final ObjectMapper STRICT = JsonMapper.builder(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()).build();
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] rfc8785(long seq, String at, String actor, String action, String outcome, Map<String, String> details,
                                  byte[] prev) throws Exception {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("seq", seq);
        o.put("at", at);
        o.put("actor", actor);
        o.put("action", action);
        o.put("outcome", outcome);
        o.put("details", details);
        o.put("prev_hash", HEX.formatHex(prev));
        return new JsonCanonicalizer(JACKSON.writeValueAsString(o)).getEncodedUTF8();
    }

    @Test
    void everyCharacterClassIsWrittenAsRfc8785Writes() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            all.append(c);
        }
        all.append("\u0800\u20ac\u2028\u2029\ud7ff\ue000\ufeff\uffff\ud83d\ude00\udbff\udfff");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("text", all.toString());
        details.put("\uffff", "last in UTF-16 order");
        details.put("\ud83d\ude00", "before U+FFFF in UTF-16 order, after it in code point order");
        details.put("a\u0000b", "control in a name");
        details.put("", "empty name");
        details.put("B", "upper case first");
        byte[] prev = new byte[32];
        new Random(7).nextBytes(prev);
        assertThat(AuditFormat.canonicalEntry(AuditFormat.MAX_SEQ, "2025-03-01T09:30:00.000Z", "Ada \"the\" \\admin\\",
                "quorum.approved", "DONE", details, prev))
                .isEqualTo(rfc8785(AuditFormat.MAX_SEQ, "2025-03-01T09:30:00.000Z", "Ada \"the\" \\admin\\", "quorum.approved",
                        "DONE", details, prev));
        assertThat(AuditFormat.canonicalDetails(details)).isEqualTo(new JsonCanonicalizer(JACKSON.writeValueAsString(details)).getEncodedString());
    }

    @Test
    void randomEntriesAreByteIdenticalToRfc8785() throws Exception {
        Random r = new Random(20250301);
        for (int n = 0; n < 3000; n++) {
            Map<String, String> details = new LinkedHashMap<>();
            int k = r.nextInt(6);
            for (int i = 0; i < k; i++) {
                details.put(randomText(r), randomText(r));
            }
            byte[] prev = new byte[32];
            r.nextBytes(prev);
            long seq = 1 + (long) (r.nextDouble() * (r.nextBoolean() ? 1e6 : AuditFormat.MAX_SEQ - 1));
            String at = randomText(r);
            String actor = randomText(r);
            String action = randomText(r);
            String outcome = randomText(r);
            assertThat(AuditFormat.canonicalEntry(seq, at, actor, action, outcome, details, prev))
                    .as("entry %d", n).isEqualTo(rfc8785(seq, at, actor, action, outcome, details, prev));
            // the strict details reader gives back what was written, and agrees with Jackson
            String stored = AuditFormat.canonicalDetails(details);
            assertThat(DetailsJson.parse(stored)).isEqualTo(new TreeMap<>(details));
            String pretty = JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(details);
            assertThat(DetailsJson.parse(pretty)).isEqualTo(new TreeMap<>(details));
        }
    }

    private static String randomText(Random r) {
        int len = r.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            switch (r.nextInt(6)) {
                case 0 -> sb.append((char) r.nextInt(0x20));
                case 1 -> sb.append("\"\\/'".charAt(r.nextInt(4)));
                case 2 -> sb.append((char) (0x20 + r.nextInt(0x60)));
                case 3 -> sb.append((char) (0x80 + r.nextInt(0x780)));
                case 4 -> {
                    char c = (char) (0x800 + r.nextInt(0xF800));
                    sb.append(Character.isSurrogate(c) ? 'x' : c);
                }
                default -> sb.appendCodePoint(0x10000 + r.nextInt(0x100000));
            }
        }
        return sb.toString();
    }

    @Test
    void theCheckpointStatementIsRfc8785Too() throws Exception {
        byte[] head = new byte[32];
        head[31] = 7;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", AuditFormat.CHECKPOINT_TYPE);
        o.put("seq", 42);
        o.put("head_hash", HEX.formatHex(head));
        o.put("at", "2025-03-01T09:30:00.000Z");
        o.put("key_id", "audit-signer/v1");
        assertThat(AuditFormat.checkpointStatement(42, head, "2025-03-01T09:30:00.000Z", "audit-signer/v1"))
                .isEqualTo(new JsonCanonicalizer(JACKSON.writeValueAsString(o)).getEncodedUTF8());
    }

    /** The worked example of docs/audit-log-format.md. */
    @Test
    void theWorkedExampleOfTheFormatDocument() {
        Map<String, String> details = Map.of("operation", "lmk.generate", "card", "card-01", "custodian", "c-ada");
        byte[] canonical = AuditFormat.canonicalEntry(1, "2025-03-01T09:30:00.000Z", "Ada Lovelace", "quorum.approved", "DONE",
                details, AuditFormat.genesisHash());
        assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo("{\"action\":\"quorum.approved\",\"actor\":\"Ada Lovelace\","
                + "\"at\":\"2025-03-01T09:30:00.000Z\",\"details\":{\"card\":\"card-01\",\"custodian\":\"c-ada\",\"operation\":"
                + "\"lmk.generate\"},\"outcome\":\"DONE\",\"prev_hash\":\"" + "0".repeat(64) + "\",\"seq\":1}");
        assertThat(HEX.formatHex(AuditFormat.entryHash(1, "2025-03-01T09:30:00.000Z", "Ada Lovelace", "quorum.approved", "DONE",
                details, AuditFormat.genesisHash()))).isEqualTo(WORKED_EXAMPLE_HASH);
    }

    static final String WORKED_EXAMPLE_HASH = "28fd02dbb0fa8549f79e5cb3ff6694ba33f96aa840204500d49e58125288db96";

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{", "{\"a\":1}", "{\"a\":\"x\",\"a\":\"y\"}", "{\"a\":\"x\"} x", "{\"a\":\"\u0001\"}",
            "{\"a\":\"\\ud800\"}", "{\"a\":\"\\q\"}", "{\"a\":\"x\",}", "{'a':'x'}", "{\"a\":null}"})
    void theDetailsReaderRefusesEverythingButAFlatObjectOfStrings(String text) {
        assertThatThrownBy(() -> DetailsJson.parse(text)).isInstanceOf(DetailsJson.Unreadable.class);
        if (!text.contains("ud800") && !text.contains("\u0001")) {
            // Jackson (strict) refuses or reads something else than a flat object of strings too
            boolean jacksonFlatStrings;
            try {
                var n = STRICT.readTree(text);
                jacksonFlatStrings = n != null && n.isObject() && n.properties().stream().allMatch(e -> e.getValue().isTextual())
                        && !text.endsWith(" x");
            } catch (Exception e) {
                jacksonFlatStrings = false;
            }
            assertThat(jacksonFlatStrings).as(text).isFalse();
        }
    }

    @Test
    void aLoneSurrogateIsRefusedWhenAnEventIsMade() {
        assertThatThrownBy(() -> new AuditEvent("ada", "x", Outcome.DONE, Map.of("k", "broken \ud800")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
    }
}
