package org.hsmc.ceremony.script;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Scalars read exactly as a reviewer sees them. YAML reads {@code no} as false, {@code 010} as 8,
 * {@code 0x10} as 16 and {@code 1_000} as 1000, and Jackson would turn {@code 5} into the text "5" or
 * "5" into the number 5; here a text field takes only text, a number field only a plain decimal
 * number, a boolean field only {@code true} or {@code false}.
 */
final class StrictScalars extends SimpleModule {

    private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");

    StrictScalars() {
        super("hsmc-strict-scalars");
        addDeserializer(String.class, new Text());
        addDeserializer(Integer.class, new WholeNumber());
        addDeserializer(Boolean.class, new Bool());
        addDeserializer(Raw.KeyList.class, new KeyListDeserializer());
        addDeserializer(Raw.ZoneList.class, new ZoneListDeserializer());
    }

    /** A refusal with a message already written for people; the path is added as it propagates. */
    static final class StrictValueException extends JsonMappingException {
        StrictValueException(JsonParser p, String message) {
            super(p, message);
        }
    }

    /** What the parser is on, for "expected X, found Y". */
    static String found(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case VALUE_STRING -> "the text " + Names.quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "the number " + p.getText();
            case VALUE_TRUE, VALUE_FALSE -> {
                String text = p.getText();
                String value = t == JsonToken.VALUE_TRUE ? "true" : "false";
                yield text.equals(value) ? value : text + ", which YAML reads as " + value;
            }
            case START_ARRAY -> "a list";
            case START_OBJECT, FIELD_NAME -> "an object";
            case VALUE_NULL -> "no value";
            default -> t.toString();
        };
    }

    static final class Text extends JsonDeserializer<String> {
        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return p.getText();
            }
            String hint = t != null && t.isScalarValue() ? "; put it in quotes ('" + p.getText() + "') if it is meant as text" : "";
            throw new StrictValueException(p, "expected text, found " + found(p) + hint);
        }
    }

    static final class WholeNumber extends JsonDeserializer<Integer> {
        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT) {
                String text = p.getText();
                if (!DECIMAL.matcher(text).matches()) {
                    throw new StrictValueException(p, "'" + text + "' is not a plain decimal number (YAML reads leading"
                            + " zeros as octal, 0x as hex and drops underscores); write it with the digits 0-9 only, without"
                            + " leading zeros");
                }
                BigInteger value = new BigInteger(text);
                if (value.bitLength() > 31) {
                    throw new StrictValueException(p, text + " is far out of range for any script field");
                }
                return value.intValue();
            }
            String hint = t == JsonToken.VALUE_STRING && DECIMAL.matcher(p.getText().strip()).matches()
                    ? "; write it without quotes" : "";
            throw new StrictValueException(p, "expected a whole number, found " + found(p) + hint);
        }
    }

    static final class Bool extends JsonDeserializer<Boolean> {
        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if ((t == JsonToken.VALUE_TRUE && p.getText().equals("true"))
                    || (t == JsonToken.VALUE_FALSE && p.getText().equals("false"))) {
                return t == JsonToken.VALUE_TRUE;
            }
            String hint = t == JsonToken.VALUE_STRING && (p.getText().equals("true") || p.getText().equals("false"))
                    ? "; write it without quotes" : "";
            throw new StrictValueException(p, "expected true or false, found " + found(p) + hint);
        }
    }

    /** The strict texts of a list whose opening bracket is the current token; a bad item is named by its index. */
    private static List<String> texts(JsonParser p, DeserializationContext ctxt) throws IOException {
        Text text = new Text();
        List<String> ids = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            try {
                ids.add(text.deserialize(p, ctxt));
            } catch (JsonMappingException e) {
                throw JsonMappingException.wrapWithPath(e, ids, ids.size());
            }
        }
        return ids;
    }

    /** {@code revoke}'s {@code keys}: the text {@code all} or a list of key ids. */
    static final class KeyListDeserializer extends JsonDeserializer<Raw.KeyList> {
        @Override
        public Raw.KeyList deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return new Raw.KeyList(p.getText(), null);
            }
            if (t != JsonToken.START_ARRAY) {
                throw new StrictValueException(p, "expected the text all or a list of key ids, found " + found(p));
            }
            return new Raw.KeyList(null, texts(p, ctxt));
        }
    }

    /** {@code export-bundle}'s {@code zones}: the text {@code '*'} or a list of zone ids. */
    static final class ZoneListDeserializer extends JsonDeserializer<Raw.ZoneList> {
        @Override
        public Raw.ZoneList deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return new Raw.ZoneList(p.getText(), null);
            }
            if (t != JsonToken.START_ARRAY) {
                throw new StrictValueException(p, "expected the text '*' or a list of zone ids, found " + found(p));
            }
            return new Raw.ZoneList(null, texts(p, ctxt));
        }
    }
}
