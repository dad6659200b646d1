package dev.flexauth.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.flexauth.engine.RequestException;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.registry.StringList;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * The one configured JSON factory and mapper: strict duplicate detection, bounded nesting,
 * strings and numbers, no auto-closing of caller streams. Everything flex-auth reads or writes
 * as JSON (requests, envelopes, log lines) goes through here.
 */
public final class Json {
    /** Deepest nesting any flex-auth JSON input may have; requests are flat, so 16 is generous. */
    public static final int MAX_DEPTH = 16;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(32)
                    .maxStringLength(1 << 20)
                    .build())
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /**
     * The same factory writing ASCII only (see {@link #writeAscii}): a streaming writer, so the
     * server's answers and the request path never load Jackson's databind (about 450 classes, 5 MB
     * of the image's class-data archive, and their start-up time).
     */
    private static final JsonFactory ASCII = new JsonFactoryBuilder(FACTORY)
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .characterEscapes(new AsciiEscapes())
            .build();

    private Json() {
    }

    /**
     * A mapper on the same factory; not public, so every JSON flex-auth writes goes through this
     * package. An {@link Instant} is written as its ISO-8601 text. Built on first use of the tree
     * and object API only: the streaming codecs and the server's answers do without it.
     */
    private static final class Mapper {
        static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
                .addModule(new SimpleModule("instants").addSerializer(Instant.class, ToStringSerializer.instance))
                .build();
    }

    /** The mapper, for this package's tree codecs (AuthZEN, search). */
    static ObjectMapper mapper() {
        return Mapper.MAPPER;
    }

    /** A new, empty JSON object to fill and then {@link #write}. */
    public static ObjectNode object() {
        return Mapper.MAPPER.createObjectNode();
    }

    /** {@code value} (a tree, a map, a list or a scalar) as compact JSON text. */
    public static String write(Object value) {
        try {
            return Mapper.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code value} as compact JSON in UTF-8. */
    public static byte[] writeBytes(Object value) {
        try {
            return Mapper.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * {@code value} (a map, a list, a string, a number, a boolean, an instant or null) as compact
     * JSON in printable ASCII: every other character is escaped as &#92;u and four lowercase hex
     * digits, but a line feed as {@code \\n}, so text echoed from a request can never break the
     * document, a terminal or a log line. The server's own answers (errors, health, reload results).
     */
    public static byte[] writeAscii(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = ASCII.createGenerator(out, JsonEncoding.UTF8)) {
            writeAscii(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeAscii(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String || v instanceof Instant || v instanceof Enum) {
            g.writeString(v.toString());
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof Integer || v instanceof Long) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeAscii(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable) {
            g.writeStartArray();
            for (Object item : (Iterable<?>) v) {
                writeAscii(g, item);
            }
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON: expected a map, list, "
                    + "string, integer, boolean, instant, enum or null");
        }
    }

    /** As {@link #writeAscii}, as a string. */
    public static String writeAsciiString(Object value) {
        return new String(writeAscii(value), StandardCharsets.US_ASCII);
    }

    /** JSON's own escapes for quote and backslash, a short one for line feed, &#92;u for every other control and DEL. */
    private static final class AsciiEscapes extends CharacterEscapes {
        private static final int[] CODES = codes();

        private static int[] codes() {
            int[] codes = new int[128];
            for (int c = 0; c < 0x20; c++) {
                codes[c] = ESCAPE_STANDARD;
            }
            codes['"'] = '"';
            codes['\\'] = '\\';
            codes['\n'] = 'n';
            codes[0x7f] = ESCAPE_STANDARD;
            return codes;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return CODES;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    /**
     * Reads one JSON document into a tree, with this factory's limits (nesting, string and number
     * lengths) and duplicate-member detection.
     *
     * @throws JsonProcessingException if the text is not one well-formed JSON document within the limits
     */
    public static JsonNode readTree(String json) throws JsonProcessingException {
        return Mapper.MAPPER.readTree(json);
    }

    /** As {@link #readTree(String)}, from UTF-8 bytes. */
    public static JsonNode readTree(byte[] json) throws IOException {
        return Mapper.MAPPER.readTree(json);
    }

    /**
     * Refuses a request body that is not well-formed UTF-8 (RFC 3629): Jackson's decoder accepts
     * overlong forms, UTF-16 surrogates and code points beyond U+10FFFF, and reads the overlong
     * {@code C1 A1} as "a", so bytes that never spelled a registry key could still match one. Also
     * refuses a byte order mark and any raw byte below 0x20 but tab, line feed and carriage return
     * (JSON allows them nowhere unescaped, RFC 8259 section 7): with neither, Jackson's encoding
     * detection, which reads a BOM or zero bytes among the first four as UTF-16 or UTF-32, can only
     * choose UTF-8, so the body is read as the UTF-8 checked here and never as another encoding.
     */
    static void requireUtf8(byte[] body) throws RequestException {
        if (body.length >= 3 && body[0] == (byte) 0xEF && body[1] == (byte) 0xBB && body[2] == (byte) 0xBF) {
            throw new RequestException(RequestCode.INVALID_JSON, null,
                    "the body starts with a byte order mark (EF BB BF); send UTF-8 without one");
        }
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                throw new RequestException(RequestCode.INVALID_JSON, null, "a raw control byte 0x" + String.format("%02x", b)
                        + " at byte " + i + "; send the body in UTF-8 (not UTF-16 or UTF-32), with control characters in"
                        + " strings escaped (\\u00" + String.format("%02x", b) + ")");
            }
        }
        long at = dev.flexauth.internal.Utf8.firstInvalid(body);
        if (at >= 0) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "not valid UTF-8 at byte " + at
                    + " (0x" + String.format("%02x", body[(int) at] & 0xff) + "); send the body in UTF-8");
        }
    }

    /** Writes a request or output value: string, integer, boolean or list of strings. */
    static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v instanceof String) {
            g.writeString((String) v);
        } else if (v instanceof Long) {
            g.writeNumber((Long) v);
        } else if (v instanceof Boolean) {
            g.writeBoolean((Boolean) v);
        } else if (v instanceof StringList || v instanceof Iterable) {
            g.writeStartArray();
            for (Object item : (Iterable<?>) v) {
                g.writeString(String.valueOf(item));
            }
            g.writeEndArray();
        } else {
            g.writeString(String.valueOf(v));
        }
    }

    static void writeObject(JsonGenerator g, String name, Map<String, ?> values) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, ?> e : values.entrySet()) {
            g.writeFieldName(e.getKey());
            writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }
}
