package org.hsmc.reports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.erdtman.jcs.JsonCanonicalizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The JSON companion of a report and the report hash.
 *
 * <p>The companion is the report's facts record ({@link CeremonyReportData}, {@link AuditExtractData} or
 * {@link InventoryData}) as a JSON object with snake_case names (absent values are {@code null}),
 * plus {@code "report"} (the kind) and {@code "format"} ({@value #FORMAT}), serialised per RFC 8785
 * (JSON Canonicalization Scheme) in UTF-8 without a trailing newline. The <b>report hash</b> is the
 * SHA-256 of exactly those bytes, in lower-case hex: {@code sha256sum REPORT.json} prints it, and
 * {@code hsmc report verify} recomputes it. The language of the PDF is not a fact, so the English
 * and the Chinese report of the same run carry the same hash.
 */
public final class ReportJson {

    /** The name of the companion inside the PDF (an embedded file). */
    public static final String ATTACHMENT = "report.json";
    /** The kind of a ceremony report. */
    public static final String CEREMONY = "ceremony-report";
    /** The kind of an audit extract. */
    public static final String AUDIT_EXTRACT = "audit-extract";
    /** The kind of a key inventory report. */
    public static final String INVENTORY = "key-inventory";
    /** The companion's format version. */
    public static final int FORMAT = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private ReportJson() {
    }

    /** The companion of {@code facts} as a tree. */
    static ObjectNode tree(String kind, Object facts) {
        ObjectNode root = MAPPER.valueToTree(facts);
        root.put("report", kind);
        root.put("format", FORMAT);
        return root;
    }

    /** The canonical bytes (RFC 8785) of a tree. */
    static byte[] canonical(JsonNode tree) {
        try {
            return new JsonCanonicalizer(MAPPER.writeValueAsString(tree)).getEncodedUTF8();
        } catch (IOException e) {
            throw new IllegalStateException("a report's facts could not be written as canonical JSON", e);
        }
    }

    /** The member of the companion file that holds the PDF file's own SHA-256 (not part of the facts). */
    public static final String PDF_SHA256 = "pdf_sha256";

    /**
     * The companion file written beside a PDF: the facts plus {@value #PDF_SHA256}, the SHA-256 of the PDF
     * file itself, canonical (RFC 8785). Without that member it is, byte for byte, the facts whose SHA-256
     * is the facts hash.
     */
    public static byte[] companionFile(byte[] facts, String pdfSha256) {
        JsonNode tree = parse(facts);
        if (!(tree instanceof ObjectNode o)) {
            throw new ReportException("A report's facts are not a JSON object.");
        }
        ObjectNode copy = o.deepCopy();
        copy.put(PDF_SHA256, pdfSha256);
        return canonical(copy);
    }

    /** The companion file split into the facts (canonical bytes) and the PDF's SHA-256 it names (null when it names none). */
    record CompanionFile(byte[] facts, String pdfSha256) {
    }

    static CompanionFile readCompanionFile(byte[] file) {
        JsonNode tree = parse(file);
        if (!(tree instanceof ObjectNode o) || !o.has(PDF_SHA256)) {
            return new CompanionFile(file, null);
        }
        ObjectNode copy = o.deepCopy();
        String pdf = copy.remove(PDF_SHA256).asText();
        return new CompanionFile(canonical(copy), pdf);
    }

    /** The companion's bytes for {@code facts}. */
    static byte[] companion(String kind, Object facts) {
        return canonical(tree(kind, facts));
    }

    /** SHA-256 in lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a companion; throws {@link ReportException} when it is not JSON. */
    static JsonNode parse(byte[] json) {
        try {
            return MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new ReportException("The report's JSON companion is not JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * The differences between the facts a report carries and the facts read now, one sentence each,
     * named by path ({@code keys[2].kcv}); top-level fields in {@code ignore} are left out.
     */
    static List<String> differences(JsonNode reported, JsonNode now, Set<String> ignore) {
        List<String> out = new ArrayList<>();
        diff("", reported, now, ignore, out);
        return out;
    }

    private static void diff(String path, JsonNode a, JsonNode b, Set<String> ignore, List<String> out) {
        if (a == null || b == null || a.isMissingNode() || b.isMissingNode()) {
            if (!(a == null || a.isMissingNode()) || !(b == null || b.isMissingNode())) {
                out.add(path + ": the report " + (a == null || a.isMissingNode() ? "does not have it" : "says " + show(a))
                        + ", the console's records " + (b == null || b.isMissingNode() ? "do not have it" : "say " + show(b)) + ".");
            }
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                if (path.isEmpty() && ignore.contains(n)) {
                    continue;
                }
                diff(path.isEmpty() ? n : path + "." + n, a.get(n), b.get(n), ignore, out);
            }
            return;
        }
        if (a.isArray() && b.isArray()) {
            int n = Math.min(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                diff(path + "[" + i + "]", a.get(i), b.get(i), ignore, out);
            }
            if (a.size() != b.size()) {
                out.add(path + ": the report lists " + a.size() + ", the console's records " + b.size()
                        + (a.size() > b.size() ? "; not in the records: " + items(a, n) : "; not in the report: " + items(b, n)) + ".");
            }
            return;
        }
        if (a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) != 0 : !a.equals(b)) {
            out.add(path + ": the report says " + show(a) + ", the console's records say " + show(b) + ".");
        }
    }

    private static String items(JsonNode array, int from) {
        List<String> shown = new ArrayList<>();
        for (int i = from; i < array.size() && shown.size() < 5; i++) {
            JsonNode item = array.get(i);
            JsonNode id = item.has("id") ? item.get("id") : item.has("name") ? item.get("name") : item.has("seq") ? item.get("seq") : item;
            shown.add(show(id));
        }
        return String.join(", ", shown) + (array.size() - from > shown.size() ? ", …" : "");
    }

    private static String show(JsonNode v) {
        String s = v.isTextual() ? "'" + v.asText() + "'" : v.toString();
        return s.length() > 120 ? s.substring(0, 117) + "…" : s;
    }

    /** Field names of an object, for messages. */
    static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
