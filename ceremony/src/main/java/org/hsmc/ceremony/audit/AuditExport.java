package org.hsmc.ceremony.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The export file: JSON lines (UTF-8, one JSON object per line). First a header line, then one line per
 * signer, one per checkpoint, and one per entry in {@code seq} order. See
 * {@code docs/audit-log-format.md}.
 */
final class AuditExport {

    static final String FORMAT = "hsmc-audit-export";
    static final int VERSION = 1;

    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final ObjectMapper MAPPER = JsonMapper.builder(JSON).build();
    private static final HexFormat HEX = HexFormat.of();

    private AuditExport() {
    }

    /** A signer as listed in the store or the file. */
    record Signer(String keyId, byte[] publicKeyInfo, String createdAt) {
    }

    /** Writes the export lines; the caller supplies the rows and owns {@code out}. */
    static final class Writer implements AutoCloseable {
        private final JsonGenerator g;

        Writer(java.io.Writer out, String exportedAt) throws IOException {
            g = JSON.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(new SerializedString("\n"));
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeStringField("exported_at", exportedAt);
            g.writeEndObject();
        }

        void signer(Signer s) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", "signer");
            g.writeStringField("key_id", s.keyId());
            g.writeStringField("public_key", Base64.getEncoder().encodeToString(s.publicKeyInfo()));
            g.writeStringField("created_at", s.createdAt());
            g.writeEndObject();
        }

        void checkpoint(Checkpoint c) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", "checkpoint");
            g.writeNumberField("seq", c.seq());
            g.writeStringField("head_hash", HEX.formatHex(c.headHashRef()));
            g.writeStringField("at", c.at());
            g.writeStringField("key_id", c.keyId());
            g.writeStringField("signature", HEX.formatHex(c.signatureRef()));
            g.writeEndObject();
        }

        void entry(AuditEntry e) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", "entry");
            g.writeNumberField("seq", e.seq());
            g.writeStringField("at", e.at());
            g.writeStringField("actor", e.actor());
            g.writeStringField("action", e.action());
            g.writeStringField("outcome", e.outcome());
            TreeMap<String, String> details;
            try {
                details = DetailsJson.parse(e.detailsJson());
            } catch (DetailsJson.Unreadable x) {
                details = null;
            }
            if (details == null) {
                // damaged in the store: exported as found, so that the auditor's verification shows it too
                g.writeStringField("details", e.detailsJson());
            } else {
                g.writeObjectFieldStart("details");
                for (Map.Entry<String, String> d : details.entrySet()) {
                    g.writeStringField(d.getKey(), d.getValue());
                }
                g.writeEndObject();
            }
            g.writeStringField("prev_hash", HEX.formatHex(e.prevHashRef()));
            g.writeStringField("hash", HEX.formatHex(e.hashRef()));
            g.writeEndObject();
        }

        /** Ends the last line and flushes; the caller closes the target. */
        @Override
        public void close() throws IOException {
            g.writeRaw('\n');
            g.close();
        }
    }

    static AuditVerification verify(Path file, Optional<AuditHead> expected, Optional<PublicKey> pinned) {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Reader r = new Reader(file, in);
            r.readHeaderSignersAndCheckpoints();
            Map<String, PublicKey> keys = new LinkedHashMap<>();
            r.signers.forEach((id, s) -> keys.put(id, SignerKeys.fromSpki(s.publicKeyInfo())));
            return new AuditVerifier(keys, pinned).verify(r.entries(), r.checkpoints, expected);
        } catch (NoSuchFileException e) {
            throw new AuditExportFormatException("There is no file " + file + ".", e);
        } catch (IOException e) {
            throw new AuditExportFormatException("The file " + file + " cannot be read: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new AuditExportFormatException("The file " + file + " cannot be read: " + e.getCause().getMessage(), e);
        }
    }

    /** Reads an export file line by line; entries are streamed. */
    static final class Reader {
        private final Path file;
        private final BufferedReader in;
        private int lineNo;
        private JsonNode pending;
        final Map<String, Signer> signers = new LinkedHashMap<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();

        Reader(Path file, BufferedReader in) {
            this.file = file;
            this.in = in;
        }

        private JsonNode nextLine() throws IOException {
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    return null;
                }
                lineNo++;
            } while (line.isBlank());
            try (JsonParser p = MAPPER.createParser(line)) {
                JsonNode n = MAPPER.readTree(p);
                if (n == null || !n.isObject() || p.nextToken() != null) {
                    throw bad("is not one JSON object");
                }
                return n;
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw bad("is not valid JSON (" + e.getOriginalMessage() + ")");
            }
        }

        void readHeaderSignersAndCheckpoints() throws IOException {
            JsonNode header = nextLine();
            if (header == null || !FORMAT.equals(header.path("format").asText(null))) {
                throw new AuditExportFormatException("The file " + file + " is not an audit export of the console: its first"
                        + " line does not say \"format\":\"" + FORMAT + "\". Export the log with 'hsmc audit export'.");
            }
            if (header.path("version").asInt(-1) != VERSION) {
                throw new AuditExportFormatException("The file " + file + " is an audit export of version "
                        + header.path("version") + ", which this console does not read (it reads version " + VERSION + ").");
            }
            while (true) {
                JsonNode n = nextLine();
                if (n == null) {
                    return;
                }
                switch (text(n, "type")) {
                    case "signer" -> {
                        Signer s = new Signer(text(n, "key_id"), base64(n, "public_key"), text(n, "created_at"));
                        try {
                            SignerKeys.fromSpki(s.publicKeyInfo());
                        } catch (IllegalArgumentException e) {
                            throw bad("holds a signer whose public key is unusable: " + e.getMessage());
                        }
                        if (signers.put(s.keyId(), s) != null) {
                            throw bad("lists the signer '" + s.keyId() + "' a second time");
                        }
                    }
                    case "checkpoint" -> checkpoints.add(new Checkpoint(seq(n), hex(n, "head_hash"), text(n, "at"),
                            text(n, "key_id"), hex(n, "signature")));
                    case "entry" -> {
                        pending = n;
                        return;
                    }
                    default -> throw bad("has an unknown type '" + text(n, "type") + "'");
                }
            }
        }

        Iterator<AuditEntry> entries() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    if (pending == null) {
                        try {
                            pending = nextLine();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        if (pending != null && !"entry".equals(text(pending, "type"))) {
                            throw bad("is a " + text(pending, "type") + " among the entries; signers and checkpoints come"
                                    + " before the entries");
                        }
                    }
                    return pending != null;
                }

                @Override
                public AuditEntry next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    JsonNode n = pending;
                    pending = null;
                    return entry(n);
                }
            };
        }

        private AuditEntry entry(JsonNode n) {
            JsonNode d = n.get("details");
            String details;
            if (d != null && d.isObject()) {
                TreeMap<String, String> m = new TreeMap<>();
                boolean strings = true;
                for (Map.Entry<String, JsonNode> f : d.properties()) {
                    strings &= f.getValue().isTextual();
                    m.put(f.getKey(), f.getValue().asText());
                }
                details = strings ? AuditFormat.canonicalDetails(m) : d.toString();
            } else {
                details = d == null ? "" : d.isTextual() ? d.asText() : d.toString();
            }
            return new AuditEntry(seq(n), text(n, "at"), text(n, "actor"), text(n, "action"), text(n, "outcome"), details,
                    hex(n, "prev_hash"), hex(n, "hash"));
        }

        private long seq(JsonNode n) {
            JsonNode s = n.get("seq");
            if (s == null || !s.canConvertToExactIntegral() || !s.canConvertToLong() || s.asLong() < 0) {
                throw bad("has no valid \"seq\" (a whole number)");
            }
            return s.asLong();
        }

        private String text(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || !v.isTextual()) {
                throw bad("has no text field \"" + field + "\"");
            }
            return v.asText();
        }

        private byte[] hex(JsonNode n, String field) {
            try {
                return HEX.parseHex(text(n, field));
            } catch (IllegalArgumentException e) {
                throw bad("has a field \"" + field + "\" that is not hex");
            }
        }

        private byte[] base64(JsonNode n, String field) {
            try {
                return Base64.getDecoder().decode(text(n, field));
            } catch (IllegalArgumentException e) {
                throw bad("has a field \"" + field + "\" that is not base64");
            }
        }

        private AuditExportFormatException bad(String what) {
            return new AuditExportFormatException("Line " + lineNo + " of " + file + " " + what + ". The file is damaged or not"
                    + " an audit export of the console; ask for a fresh export ('hsmc audit export').");
        }
    }
}
