package org.hsmc.ceremony.script;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a ceremony script, as docs/ceremony-scripts.md specifies, in two passes after a look at the
 * text itself:
 *
 * <ol>
 *   <li>the text: at most {@link #MAX_BYTES} bytes of UTF-8; no invisible or direction-changing
 *       characters; one YAML document whose top level is an object; no anchors, aliases, tags or
 *       repeated keys; no empty ({@code null}) values. What a reviewer sees is what runs.</li>
 *   <li>pass 1 reads only {@code ceremony} and {@code format}; a missing or unknown type, or a format
 *       other than {@value CeremonyScript#FORMAT}, stops there.</li>
 *   <li>pass 2 reads the whole file strictly for that type (an unknown field, or a value of the wrong
 *       kind, stops at the first), then validates every value and combination and reports all the
 *       problems found, in file order.</li>
 * </ol>
 *
 * <p>Nothing here touches the HSM or the store; whether a zone, key or custodian exists is checked by
 * the layer that runs the script. Thread-safe.
 */
public final class ScriptParser {

    /** The largest script read: 1 MiB. */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final ObjectMapper MAPPER = mapper();

    private ScriptParser() {
    }

    /**
     * Parses and validates a script.
     *
     * @param yaml       the file's exact bytes; their SHA-256 is what the quorum signs
     * @param sourceName the file name or other label, used in messages
     * @return the script and the SHA-256 of {@code yaml}
     * @throws ScriptException listing every problem found
     */
    public static ParsedScript parse(byte[] yaml, String sourceName) {
        byte[] sha256 = sha256(yaml);
        Problems problems = new Problems();
        if (yaml.length > MAX_BYTES) {
            problems.add("", "the file is " + yaml.length + " bytes; a script may be at most 1 MiB (" + MAX_BYTES
                    + " bytes)");
            problems.throwIfAny(sourceName);
        }
        String text = utf8(yaml, problems);
        problems.throwIfAny(sourceName);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // a UTF-8 byte order mark, as some editors write; invisible and harmless
        }

        YamlGuard.checkCharacters(text, problems);
        problems.throwIfAny(sourceName);
        Positions positions = YamlGuard.check(text, problems);
        problems.throwIfAny(sourceName);

        // pass 1: the type and the format
        Raw.Header header = read(text, Raw.Header.class, problems);
        problems.throwIfAny(sourceName);
        CeremonyType type = header(header, problems);
        problems.throwIfAny(sourceName);

        // pass 2: strictly for that type, then validate()
        Raw.Script raw = read(text, Raw.classOf(type), problems);
        problems.throwIfAny(sourceName);
        Optional<CeremonyScript> script = new Validation(problems).validate(type, raw);
        problems.sortBy(positions);
        problems.throwIfAny(sourceName);
        return new ParsedScript(script.orElseThrow(), sha256, sourceName);
    }

    /**
     * Reads a script file (refusing one over {@link #MAX_BYTES} without reading it all) and parses it
     * with its file name as the source name.
     *
     * @throws UncheckedIOException when the file cannot be read
     * @throws ScriptException      listing every problem found
     */
    public static ParsedScript parse(Path file) {
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ScriptException(name, List.of(new ScriptProblem("", "the file is larger than 1 MiB ("
                        + MAX_BYTES + " bytes), the most a script may be")));
            }
            return parse(bytes, name);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the script " + file + ": " + e.getMessage(), e);
        }
    }

    private static CeremonyType header(Raw.Header header, Problems problems) {
        CeremonyType type = null;
        if (header.ceremony() == null) {
            problems.add("ceremony", "missing field 'ceremony' (the type: " + CeremonyType.allowedNames() + ")");
        } else {
            type = CeremonyType.fromYamlName(header.ceremony()).orElse(null);
            if (type == null) {
                problems.add("ceremony", Names.quote(header.ceremony()) + " is not a ceremony type; use "
                        + CeremonyType.allowedNames());
            }
        }
        if (header.format() == null) {
            problems.add("format", "missing field 'format' (the script format version; write format: "
                    + CeremonyScript.FORMAT + ")");
        } else if (header.format() != CeremonyScript.FORMAT) {
            problems.add("format", header.format() + " is not supported; this console reads format "
                    + CeremonyScript.FORMAT);
        }
        return type;
    }

    private static <T> T read(String text, Class<T> type, Problems problems) {
        try (JsonParser p = MAPPER.createParser(text)) {
            try {
                return MAPPER.readValue(p, type);
            } catch (JsonProcessingException e) {
                problem(e, p, problems);
                return null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One problem for the exception that stopped the strict parse. */
    private static void problem(JsonProcessingException e, JsonParser p, Problems problems) throws IOException {
        String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        switch (e) {
            case UnrecognizedPropertyException u -> {
                List<String> allowed = Raw.fieldNames(u.getReferringClass());
                problems.add(path, "unknown field '" + u.getPropertyName() + "'" + suggestion(u.getPropertyName(), allowed)
                        + " (allowed here: " + String.join(", ", allowed) + ")");
            }
            case StrictScalars.StrictValueException s -> problems.add(path, s.getOriginalMessage());
            case MismatchedInputException m when m.getTargetType() != null ->
                    problems.add(path, "expected " + describe(m.getTargetType()) + ", found " + StrictScalars.found(p));
            case JsonMappingException m -> problems.add(path, "cannot be read: " + m.getOriginalMessage());
            default -> {
                JsonLocation at = e.getLocation();
                String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
                problems.add("", where + "this is not a valid script: " + e.getOriginalMessage());
            }
        }
    }

    /** {@code keys[2].valid_until} from Jackson's path. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getFieldName() != null) {
                if (!b.isEmpty()) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String describe(Class<?> type) {
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type.isRecord()) {
            return "an object with the fields " + String.join(", ", Raw.fieldNames(type));
        }
        return type.getSimpleName();
    }

    /** " (did you mean 'valid_until'?)" for a near miss. */
    private static String suggestion(String name, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(name.toLowerCase(Locale.ROOT), a);
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String utf8(byte[] bytes, Problems problems) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (MalformedInputException e) {
            int offset = in.position();
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            problems.add("", "line " + line + " (byte " + offset + "): the file is not UTF-8 (byte 0x%02X); save it as UTF-8"
                    .formatted(bytes[offset] & 0xFF));
            return null;
        } catch (CharacterCodingException e) {
            problems.add("", "the file is not UTF-8; save it as UTF-8");
            return null;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    private static ObjectMapper mapper() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_BYTES + 1);
        YAMLFactory factory = YAMLFactory.builder()
                .loaderOptions(options)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        return YAMLMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfigDefaults(c -> {
                    for (CoercionInputShape shape : CoercionInputShape.values()) {
                        c.setCoercion(shape, CoercionAction.Fail);
                    }
                    c.setAcceptBlankAsEmpty(false);
                })
                .addModule(new StrictScalars())
                .build();
    }
}
