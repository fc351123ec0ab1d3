package org.hsmc.ceremony.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The worked examples of docs/audit-log-format.md, re-derived from the document's own text. */
class AuditLogDocumentTest {

    static final Path DOC = Path.of("..", "docs", "audit-log-format.md");

    /** The first fenced block after {@code marker}. */
    static String blockAfter(String doc, String marker) {
        int at = doc.indexOf(marker);
        assertThat(at).as(marker).isNotNegative();
        int start = doc.indexOf("```", at);
        start = doc.indexOf('\n', start) + 1;
        return doc.substring(start, doc.indexOf("\n```", start));
    }

    @Test
    void theWorkedEntryItsBytesAndItsHash() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String line = blockAfter(doc, "### Worked example");
        Matcher size = Pattern.compile("one line, (\\d+) bytes").matcher(doc);
        assertThat(size.find()).isTrue();
        assertThat(line.getBytes(StandardCharsets.UTF_8)).hasSize(Integer.parseInt(size.group(1)));

        JsonNode e = new ObjectMapper().readTree(line);
        Map<String, String> details = new TreeMap<>();
        e.get("details").properties().forEach(p -> details.put(p.getKey(), p.getValue().asText()));
        byte[] canonical = AuditFormat.canonicalEntry(e.get("seq").asLong(), e.get("at").asText(), e.get("actor").asText(),
                e.get("action").asText(), e.get("outcome").asText(), details, HexFormat.of().parseHex(e.get("prev_hash").asText()));
        assertThat(new String(canonical, StandardCharsets.UTF_8)).isEqualTo(line);

        Matcher sum = Pattern.compile("\n([0-9a-f]{64})  -\n").matcher(doc);
        assertThat(sum.find()).as("the sha256sum output").isTrue();
        String hash = sum.group(1);
        assertThat(HexFormat.of().formatHex(AuditFormat.sha256().digest(canonical))).isEqualTo(hash);
        // the prose names the same entry: its fields, and the hash in short
        assertThat(doc).contains("written at `" + e.get("at").asText() + "` by `" + e.get("actor").asText() + "`",
                "action `" + e.get("action").asText() + "`", hash.substring(0, 8) + "…" + hash.substring(58));
        // and a stored entry is exactly its canonical details text
        assertThat(AuditFormat.canonicalDetails(details)).isEqualTo(e.get("details").toString());
    }

    @Test
    void theCheckpointStatementOfTheDocument() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        String statement = blockAfter(doc, "that is, for example,");
        JsonNode s = new ObjectMapper().readTree(statement);
        assertThat(s.get("type").asText()).isEqualTo(AuditFormat.CHECKPOINT_TYPE);
        byte[] rebuilt = AuditFormat.checkpointStatement(s.get("seq").asLong(), HexFormat.of().parseHex(s.get("head_hash").asText()),
                s.get("at").asText(), s.get("key_id").asText());
        assertThat(new String(rebuilt, StandardCharsets.UTF_8)).isEqualTo(statement);
        // it signs the head of the worked entry
        String line = blockAfter(doc, "### Worked example");
        assertThat(HexFormat.of().formatHex(AuditFormat.sha256().digest(line.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(s.get("head_hash").asText());
    }

    @Test
    void theHeadTextAndTheHsmHeadValueAreTheSameForm() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        Matcher head = Pattern.compile("`(\\d+:[0-9a-f]{64})`").matcher(doc);
        assertThat(head.find()).as("a head written out in full").isTrue();
        AuditHead h = AuditHead.parse(head.group(1));
        assertThat(h.text()).isEqualTo(head.group(1));
        assertThat(doc).contains("`" + HsmAuditHead.LABEL + "/<log id>`", "`" + HsmAuditHead.PUBLIC_LABEL + "/<log id>`",
                "`CKA_APPLICATION` `" + HsmAuditHead.APPLICATION + "`");
    }
}
