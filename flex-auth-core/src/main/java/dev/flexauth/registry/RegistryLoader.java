package dev.flexauth.registry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.flexauth.io.RegularFile;
import dev.flexauth.io.RegularFileException;
import dev.flexauth.internal.Utf8;
import dev.flexauth.reason.RegistryCode;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads and validates registry snapshots (format {@value #FORMAT}, version {@value #FORMAT_VERSION};
 * see {@code docs/registry-format.md}). Reports every problem with its JSON path, refuses
 * duplicate members, trailing content, wrong types and, when given a {@link RegistrySchema},
 * missing and undeclared kinds and attributes. Input beyond the configured limits is refused
 * before it is buffered. Built once by {@link #builder()}; immutable and thread-safe.
 */
public final class RegistryLoader {
    /** The value of the snapshot's {@code format} member. */
    public static final String FORMAT = "flex-auth/registry";
    /** The snapshot format version this loader reads. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAX_DEPTH = 16;
    private static final int MAX_STRING_LENGTH = 65_536;
    private static final int MAX_LIST_SIZE = 100_000;

    private final RegistrySchema schema;
    private final long maxBytes;
    private final int maxEntities;
    private final int maxProblems;
    private final JsonFactory factory;

    private RegistryLoader(Builder b) {
        this.schema = b.schema;
        this.maxBytes = b.maxBytes;
        this.maxEntities = b.maxEntities;
        this.maxProblems = b.maxProblems;
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxStringLength(MAX_STRING_LENGTH * 4)
                        .maxNumberLength(64)
                        .build())
                .build();
        factory.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    /** A loader with default limits and no schema. */
    public static RegistryLoader defaults() {
        return builder().build();
    }

    /** A builder; defaults: no schema, 512 MiB, 10,000,000 entities, 200 problems reported. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Loads the snapshot in {@code file}, which must be a regular file (or a symlink to one): a
     * FIFO, device or directory is refused before it is opened, and the read is bounded by the size
     * limit and {@link RegularFile#DEFAULT_DEADLINE}.
     */
    public Registry load(Path file) throws RegistryException {
        Objects.requireNonNull(file, "file is null; pass the path of a registry snapshot (JSON)");
        String name = file.toString();
        try (InputStream in = RegularFile.open(file, maxBytes, RegularFile.DEFAULT_DEADLINE)) {
            return load(in, name);
        } catch (RegularFileException e) {
            throw e.kind() == RegularFileException.Kind.TOO_LARGE ? tooLarge(name, e.size())
                    : single(name, RegistryCode.UNREADABLE, e.getMessage());
        } catch (IOException e) {
            throw single(name, RegistryCode.UNREADABLE, "cannot read " + name + ": " + e.getMessage());
        }
    }

    /** Loads the snapshot in {@code json}; {@code name} labels it in messages. */
    public Registry load(byte[] json, String name) throws RegistryException {
        Objects.requireNonNull(json, "json is null; pass the snapshot's UTF-8 bytes");
        Objects.requireNonNull(name, "name is null; pass the name messages should give the snapshot");
        if (json.length > maxBytes) {
            throw tooLarge(name, json.length);
        }
        try {
            return load(new ByteArrayInputStream(json), name);
        } catch (IOException e) {
            throw new IllegalStateException("reading a byte array cannot fail", e);
        }
    }

    private Registry load(InputStream raw, String name) throws IOException, RegistryException {
        BufferedInputStream in = new BufferedInputStream(new Limited(raw, maxBytes), 1 << 16);
        StrictUtf8 checked = new StrictUtf8(in);
        Parse p = new Parse(name);
        in.mark(HEAD);
        byte[] head = in.readNBytes(HEAD);
        in.reset();
        if (looksLikeUtf16or32(head)) {
            p.problem("", RegistryCode.INVALID_JSON,
                    "the snapshot is not UTF-8 (it looks like UTF-16 or UTF-32); save it as UTF-8");
            throw p.failure();
        }
        try (JsonParser parser = factory.createParser(checked)) {
            p.parser = parser;
            p.document();
        } catch (SizeLimitException e) {
            throw tooLarge(name, e.seen);
        } catch (InvalidUtf8Exception e) {
            p.problem("", RegistryCode.INVALID_JSON, "not valid UTF-8 at byte " + e.offset
                    + " (an overlong, surrogate or truncated sequence); save the snapshot as UTF-8");
        } catch (StreamConstraintsException e) {
            p.problem(p.where(), RegistryCode.TOO_LARGE, e.getOriginalMessage()
                    + "; a registry snapshot is at most " + MAX_DEPTH + " levels deep");
        } catch (JsonParseException e) {
            String msg = e.getOriginalMessage();
            if (looksLikeMarkdown(head)) {
                p.problem("", RegistryCode.NOT_A_SNAPSHOT, NOT_A_SNAPSHOT);
                throw p.failure();
            }
            String hint = msg.contains("UTF-8") || msg.contains("UTF8")
                    ? "not valid UTF-8: " + msg : "not well-formed JSON: " + msg;
            p.problem("", RegistryCode.INVALID_JSON, "line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + hint);
        } catch (JsonProcessingException e) {
            p.problem("", RegistryCode.INVALID_JSON, e.getOriginalMessage());
        }
        Registry registry = p.assemble();
        if (p.total > 0) {
            throw p.failure();
        }
        return registry;
    }

    /** What a Markdown file given as the snapshot is told, instead of a JSON parser's complaint about "#". */
    static final String NOT_A_SNAPSHOT = "this file is Markdown, not a JSON registry snapshot; "
            + "is it the policy package? Pass the registry snapshot (the .json file) as the registry";

    /** Bytes looked at before parsing: enough for a byte order mark and for the first Markdown marker. */
    private static final int HEAD = 64;

    /** Starts (after blank space) with a heading or front matter, as every policy package does. */
    private static boolean looksLikeMarkdown(byte[] head) {
        String t = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
        return t.startsWith("#") || t.startsWith("---");
    }

    private static boolean looksLikeUtf16or32(byte[] head) {
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
            return true;
        }
        return head.length >= 2 && (head[0] == 0 || head[1] == 0);
    }

    private RegistryException tooLarge(String name, long size) {
        return single(name, RegistryCode.TOO_LARGE, "the snapshot is " + size
                + " bytes, more than the limit of " + maxBytes + " bytes; raise the limit if this is intended");
    }

    private static RegistryException single(String name, RegistryCode code, String message) {
        return new RegistryException(name, List.of(new RegistryProblem("", code, message)), 1);
    }

    /** One load: the parser, the problems and the kinds being assembled. */
    private final class Parse {
        private final String name;
        private final List<RegistryProblem> problems = new ArrayList<>();
        private final Map<String, KindInProgress> kinds = new LinkedHashMap<>();
        private JsonParser parser;
        private int total;
        private int entityCount;
        private String format;
        private Integer formatVersion;
        private Source source;
        private boolean sawEntities;

        Parse(String name) {
            this.name = name;
        }

        void problem(String path, RegistryCode code, String message) {
            total++;
            if (problems.size() < maxProblems) {
                problems.add(new RegistryProblem(path, code, message));
            }
        }

        RegistryException failure() {
            return new RegistryException(name, problems, total);
        }

        String where() {
            return parser == null ? "" : Paths.of(parser.getParsingContext());
        }

        void document() throws IOException {
            JsonToken t = parser.nextToken();
            if (t == null) {
                problem("", RegistryCode.INVALID_JSON, "the file is empty; expected a JSON object");
                return;
            }
            if (t != JsonToken.START_OBJECT) {
                problem("", RegistryCode.WRONG_TYPE, "expected an object, got " + describe(t));
                parser.skipChildren();
            } else {
                root();
            }
            JsonToken after;
            try {
                after = parser.nextToken();
            } catch (JsonParseException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                problem("", RegistryCode.TRAILING_CONTENT, "unexpected content at line "
                        + parser.currentLocation().getLineNr() + ", column " + parser.currentLocation().getColumnNr()
                        + " after the end of the JSON document; a snapshot is exactly one object");
            }
        }

        private void root() throws IOException {
            Set<String> seen = new HashSet<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String member = parser.currentName();
                JsonToken t = parser.nextToken();
                if (!seen.add(member)) {
                    problem(member, RegistryCode.DUPLICATE_KEY, "duplicate member \"" + member + "\"");
                    parser.skipChildren();
                    continue;
                }
                switch (member) {
                    case "$schema":
                        expectString(member, t);
                        break;
                    case "format":
                        format = expectString(member, t);
                        if (format != null && !format.equals(FORMAT)) {
                            problem(member, RegistryCode.BAD_VALUE, "expected \"" + FORMAT + "\", got "
                                    + quote(format) + "; this is not a flex-auth registry snapshot");
                        }
                        break;
                    case "format_version":
                        formatVersion = expectInteger(member, t);
                        if (formatVersion != null && formatVersion != FORMAT_VERSION) {
                            problem(member, RegistryCode.BAD_VALUE, "this flex-auth reads format_version "
                                    + FORMAT_VERSION + ", got " + formatVersion);
                        }
                        break;
                    case "source":
                        source(t);
                        break;
                    case "entities":
                        sawEntities = true;
                        entities(t);
                        break;
                    default:
                        problem(member, RegistryCode.UNKNOWN_MEMBER, "unknown member \"" + member
                                + "\"; a snapshot has format, format_version, source and entities");
                        parser.skipChildren();
                }
            }
            if (format == null && !seen.contains("format")) {
                problem("", RegistryCode.MISSING_MEMBER, "missing member \"format\": add \"format\": \"" + FORMAT + "\"");
            }
            if (formatVersion == null && !seen.contains("format_version")) {
                problem("", RegistryCode.MISSING_MEMBER, "missing member \"format_version\": add \"format_version\": " + FORMAT_VERSION);
            }
            if (!seen.contains("source")) {
                problem("", RegistryCode.MISSING_MEMBER, "missing member \"source\" (system, inventory, generated_at)");
            }
            if (!sawEntities) {
                problem("", RegistryCode.MISSING_MEMBER, "missing member \"entities\" (kind name to list of entities)");
            }
            if (sawEntities) {
                schema.kinds().forEach((kind, attrs) -> {
                    if (!kinds.containsKey(kind)) {
                        problem("entities", RegistryCode.MISSING_KIND, "missing kind \"" + kind
                                + "\", which the policy's Registry table declares (attributes: "
                                + String.join(", ", attrs.keySet()) + ")");
                    }
                });
            }
        }

        private void source(JsonToken t) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                problem("source", RegistryCode.WRONG_TYPE, "expected an object, got " + describeValue(t));
                parser.skipChildren();
                return;
            }
            Set<String> seen = new HashSet<>();
            String system = null;
            String inventory = "";
            String generatedAt = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String member = parser.currentName();
                String path = "source." + member;
                JsonToken v = parser.nextToken();
                if (!seen.add(member)) {
                    problem(path, RegistryCode.DUPLICATE_KEY, "duplicate member \"" + member + "\"");
                    parser.skipChildren();
                    continue;
                }
                switch (member) {
                    case "system":
                        system = expectString(path, v);
                        if (system != null && system.isBlank()) {
                            problem(path, RegistryCode.BAD_VALUE, "must name the generating system, got an empty string");
                        }
                        break;
                    case "inventory":
                        String inv = expectString(path, v);
                        inventory = inv == null ? "" : inv;
                        break;
                    case "generated_at":
                        generatedAt = expectString(path, v);
                        if (generatedAt != null) {
                            try {
                                OffsetDateTime.parse(generatedAt);
                            } catch (DateTimeParseException e) {
                                problem(path, RegistryCode.BAD_VALUE, "expected an RFC 3339 timestamp such as "
                                        + "\"2026-06-23T00:00:00Z\", got " + quote(generatedAt));
                                generatedAt = null;
                            }
                        }
                        break;
                    default:
                        problem(path, RegistryCode.UNKNOWN_MEMBER, "unknown member \"" + member
                                + "\"; source has system, inventory and generated_at");
                        parser.skipChildren();
                }
            }
            if (!seen.contains("system")) {
                problem("source", RegistryCode.MISSING_MEMBER, "missing member \"system\" (the generator, e.g. \"ops-warden\")");
            }
            if (!seen.contains("generated_at")) {
                problem("source", RegistryCode.MISSING_MEMBER, "missing member \"generated_at\" (an RFC 3339 timestamp)");
            }
            if (system != null && generatedAt != null) {
                source = new Source(system, inventory, generatedAt);
            }
        }

        private void entities(JsonToken t) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                problem("entities", RegistryCode.WRONG_TYPE, "expected an object of kind name to list of entities, got "
                        + describeValue(t));
                parser.skipChildren();
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String kind = parser.currentName();
                String path = Paths.member("entities", kind);
                JsonToken v = parser.nextToken();
                if (kinds.containsKey(kind)) {
                    problem(path, RegistryCode.DUPLICATE_KEY, "duplicate kind \"" + kind + "\"");
                    parser.skipChildren();
                    continue;
                }
                if (!Names.isIdentifier(kind)) {
                    problem(path, RegistryCode.BAD_VALUE, "kind name " + quote(kind)
                            + " is not an identifier (letters, digits, underscore; not starting with a digit)");
                    parser.skipChildren();
                    continue;
                }
                Map<String, AttributeType> declared = schema.kinds().get(kind);
                if (!schema.kinds().isEmpty() && declared == null) {
                    problem(path, RegistryCode.UNDECLARED_KIND, "kind \"" + kind
                            + "\" is not declared in the policy's Registry table (declared: "
                            + String.join(", ", schema.kinds().keySet()) + ")");
                    parser.skipChildren();
                    continue;
                }
                KindInProgress k = new KindInProgress(kind, declared);
                kinds.put(kind, k);
                if (v != JsonToken.START_ARRAY) {
                    problem(path, RegistryCode.WRONG_TYPE, "expected a list of entities, got " + describeValue(v));
                    parser.skipChildren();
                    continue;
                }
                int index = 0;
                JsonToken e;
                while ((e = parser.nextToken()) != JsonToken.END_ARRAY) {
                    entity(k, path, index, e);
                    index++;
                }
            }
        }

        private void entity(KindInProgress k, String kindPath, int index, JsonToken t) throws IOException {
            // Attribute paths are built only when a problem is reported: a million entities must not
            // cost five million path strings.
            String path = kindPath + "[" + index + "]";
            if (t != JsonToken.START_OBJECT) {
                problem(path, RegistryCode.WRONG_TYPE, "expected an entity object, got " + describeValue(t));
                parser.skipChildren();
                return;
            }
            if (++entityCount > maxEntities) {
                if (entityCount == maxEntities + 1) {
                    problem(path, RegistryCode.TOO_LARGE, "more than " + maxEntities
                            + " entities; raise the limit if this is intended");
                }
                parser.skipChildren();
                return;
            }
            Object[] values = new Object[k.size()];
            boolean[] seen = k.seen();
            String id = null;
            boolean sawId = false;
            boolean ok = true;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String attr = parser.currentName();
                JsonToken v = parser.nextToken();
                if (attr.equals("id")) {
                    if (sawId) {
                        problem(path + ".id", RegistryCode.DUPLICATE_KEY, "duplicate member \"id\"");
                        parser.skipChildren();
                        ok = false;
                        continue;
                    }
                    sawId = true;
                    id = v == JsonToken.VALUE_STRING ? parser.getText() : expectString(path + ".id", v);
                    String idProblem = id == null ? null : Names.idProblem(id);
                    if (idProblem != null) {
                        problem(path + ".id", RegistryCode.BAD_VALUE, idProblem);
                        id = null;
                    }
                    continue;
                }
                int slot = k.slotFor(attr, path);
                if (slot < 0) {
                    parser.skipChildren();
                    ok = false;
                    continue;
                }
                if (slot >= values.length) {
                    values = Arrays.copyOf(values, k.size());
                    seen = k.seen(seen);
                }
                if (seen[slot]) {
                    problem(Paths.member(path, attr), RegistryCode.DUPLICATE_KEY, "duplicate member \"" + attr + "\"");
                    parser.skipChildren();
                    ok = false;
                    continue;
                }
                seen[slot] = true;
                Object value = value(path, attr, v, k.typeAt(slot), k.firstPathOf(slot), k.typeAt(slot) == AttributeType.STRING);
                if (value == null) {
                    ok = false;
                } else {
                    k.infer(slot, value);
                    values[slot] = value;
                }
            }
            if (!sawId) {
                problem(path, RegistryCode.MISSING_MEMBER, "missing member \"id\" (the entity's key)");
                ok = false;
            }
            if (k.declared != null) {
                for (int slot = 0; slot < k.size(); slot++) {
                    if (slot >= seen.length || !seen[slot]) {
                        problem(path, RegistryCode.MISSING_ATTRIBUTE, "missing attribute \"" + k.names.get(slot)
                                + "\" (" + k.typeAt(slot) + "), which the policy's Registry table declares");
                        ok = false;
                    }
                }
            }
            if (id != null) {
                // Duplicates are found when the id index is built, after the document is read.
                k.ids.add(id);
                k.indexes.add(index);
                if (values.length > 0) {
                    shareId(id, values);
                }
                k.values.add(ok && total == 0 ? values : null);
            }
        }

        /** Reads an attribute value of {@code expected} type (null: infer), or returns null after a problem. */
        private Object value(String entityPath, String attr, JsonToken t, AttributeType expected, String expectedAt,
                boolean share) throws IOException {
            Object v;
            AttributeType actual;
            switch (t) {
                case VALUE_STRING:
                    String s = parser.getText();
                    if (s.length() > MAX_STRING_LENGTH) {
                        problem(Paths.member(entityPath, attr), RegistryCode.TOO_LARGE, "a string of " + s.length()
                                + " characters; attribute strings are at most " + MAX_STRING_LENGTH);
                        return null;
                    }
                    v = share ? dedupe(s) : s;
                    actual = AttributeType.STRING;
                    break;
                case VALUE_NUMBER_INT:
                    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        problem(Paths.member(entityPath, attr), RegistryCode.BAD_VALUE, "integer " + abbreviate(parser.getText())
                                + " is outside the 64-bit range");
                        return null;
                    }
                    v = parser.getLongValue();
                    actual = AttributeType.INTEGER;
                    break;
                case VALUE_TRUE:
                case VALUE_FALSE:
                    v = t == JsonToken.VALUE_TRUE;
                    actual = AttributeType.BOOLEAN;
                    break;
                case START_ARRAY:
                    v = list(entityPath, attr);
                    if (v == null) {
                        return null;
                    }
                    actual = AttributeType.STRING_LIST;
                    break;
                case VALUE_NULL:
                    problem(Paths.member(entityPath, attr), RegistryCode.WRONG_TYPE, "expected " + (expected == null ? "a value" : expected)
                            + ", got null; leave the attribute out instead");
                    return null;
                default:
                    problem(Paths.member(entityPath, attr), RegistryCode.WRONG_TYPE, "expected " + (expected == null
                            ? "a string, integer, boolean or list of strings" : expected)
                            + (expected == null || expectedAt == null ? "" : " (as at " + expectedAt + ")")
                            + ", got " + describeValue(t));
                    parser.skipChildren();
                    return null;
            }
            if (expected != null && expected != actual) {
                problem(Paths.member(entityPath, attr), RegistryCode.WRONG_TYPE, "expected " + expected
                        + (expectedAt == null ? "" : " (as at " + expectedAt + ")") + ", got " + describeValue(t, v));
                return null;
            }
            return v;
        }

        private String[] listBuffer = new String[8];

        private StringList list(String entityPath, String attr) throws IOException {
            int size = 0;
            boolean ok = true;
            int i = 0;
            JsonToken t;
            while ((t = parser.nextToken()) != JsonToken.END_ARRAY) {
                if (t == JsonToken.VALUE_STRING) {
                    if (size == listBuffer.length) {
                        listBuffer = Arrays.copyOf(listBuffer, size * 2);
                    }
                    listBuffer[size++] = parser.getText();
                } else {
                    problem(Paths.member(entityPath, attr) + "[" + i + "]", RegistryCode.WRONG_TYPE, "expected string, got " + describeValue(t)
                            + "; list attributes hold strings only");
                    parser.skipChildren();
                    ok = false;
                }
                if (++i > MAX_LIST_SIZE) {
                    problem(Paths.member(entityPath, attr), RegistryCode.TOO_LARGE, "a list of more than " + MAX_LIST_SIZE + " elements");
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                    }
                    return null;
                }
            }
            return ok ? StringList.wrap(Arrays.copyOf(listBuffer, size)) : null;
        }

        /** Lists often repeat the entity's own id (an actor's allowed subjects name it): keep one copy. */
        private void shareId(String id, Object[] values) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof StringList) {
                    String[] items = ((StringList) values[i]).items();
                    for (int j = 0; j < items.length; j++) {
                        if (items[j].equals(id)) {
                            items[j] = id;
                        }
                    }
                }
            }
        }

        private final Map<String, String> strings = new HashMap<>();

        /** Shares repeated string attribute values (types, principals) across entities. */
        private String dedupe(String s) {
            if (strings.size() >= 65_536) {
                String known = strings.get(s);
                return known == null ? s : known;
            }
            String prior = strings.putIfAbsent(s, s);
            return prior == null ? s : prior;
        }

        private String expectString(String path, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                return parser.getText();
            }
            problem(path, RegistryCode.WRONG_TYPE, "expected string, got " + describeValue(t));
            parser.skipChildren();
            return null;
        }

        private Integer expectInteger(String path, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                return parser.getIntValue();
            }
            problem(path, RegistryCode.WRONG_TYPE, "expected integer, got " + describeValue(t));
            parser.skipChildren();
            return null;
        }

        private String describeValue(JsonToken t) throws IOException {
            Object v = null;
            if (t == JsonToken.VALUE_STRING) {
                v = parser.getText();
            } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                v = parser.getText();
            }
            return describeValue(t, v);
        }

        private String describeValue(JsonToken t, Object v) {
            switch (t) {
                case VALUE_STRING:
                    return "string " + quote((String) v);
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return "number " + abbreviate(String.valueOf(v));
                case VALUE_TRUE:
                    return "boolean true";
                case VALUE_FALSE:
                    return "boolean false";
                case START_ARRAY:
                    return "a list";
                default:
                    return describe(t);
            }
        }

        /**
         * Builds the kinds, reporting duplicate ids on the way; returns null if the snapshot has
         * problems. The id index is built here, once, in document order, so the first occurrence of
         * a duplicate is the one named; the same index then serves lookups.
         */
        Registry assemble() {
            boolean valid = total == 0;
            List<EntityKind> out = new ArrayList<>();
            for (KindInProgress k : kinds.values()) {
                AttributeLayout layout = valid ? new AttributeLayout(k.names, k.types) : null;
                int n = k.ids.size();
                Map<String, Object> byId = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
                Entity[] entities = new Entity[n];
                for (int i = 0; i < n; i++) {
                    String id = k.ids.get(i);
                    Object[] v = k.values.get(i);
                    Object e = layout == null ? Boolean.TRUE
                            : new Entity(id, layout, v.length == layout.size() ? v : Arrays.copyOf(v, layout.size()));
                    if (byId.putIfAbsent(id, e) != null) {
                        String kindPath = Paths.member("entities", k.name);
                        problem(kindPath + "[" + k.indexes.at(i) + "].id", RegistryCode.DUPLICATE_ENTITY, "duplicate id "
                                + quote(id) + " (first at " + kindPath + "[" + k.indexes.at(k.ids.indexOf(id))
                                + "]); ids are unique within a kind");
                    } else if (layout != null) {
                        entities[i] = (Entity) e;
                    }
                }
                if (total == 0) {
                    Arrays.parallelSort(entities, Comparator.comparing(Entity::id));
                    @SuppressWarnings("unchecked")
                    Map<String, Entity> index = (Map<String, Entity>) (Map<String, ?>) byId;
                    out.add(new EntityKind(k.name, layout, Arrays.asList(entities), index));
                }
            }
            return total > 0 ? null : new Registry(source, formatVersion, out);
        }

        /** A kind while its entities are read: the layout grows as attributes appear, unless declared. */
        private final class KindInProgress {
            final String name;
            final Map<String, AttributeType> declared;
            final List<String> names = new ArrayList<>();
            final List<AttributeType> types = new ArrayList<>();
            final List<String> firstAt = new ArrayList<>();
            final Map<String, Integer> slots = new HashMap<>();
            final IntList indexes = new IntList();
            private boolean[] seen = new boolean[0];

            /** The per-entity "member seen" flags, cleared; reused so a million entities allocate none. */
            boolean[] seen() {
                if (seen.length < names.size()) {
                    seen = new boolean[names.size()];
                } else {
                    Arrays.fill(seen, false);
                }
                return seen;
            }

            /** The flags grown to a new attribute count, keeping what was seen. */
            boolean[] seen(boolean[] current) {
                seen = Arrays.copyOf(current, names.size());
                return seen;
            }
            final Set<String> reportedUndeclared = new HashSet<>();
            final List<String> ids = new ArrayList<>();
            final List<Object[]> values = new ArrayList<>();

            KindInProgress(String name, Map<String, AttributeType> declared) {
                this.name = name;
                this.declared = declared;
                if (declared != null) {
                    declared.forEach((attr, type) -> {
                        slots.put(attr, names.size());
                        names.add(attr);
                        types.add(type);
                        firstAt.add(null);
                    });
                }
            }

            int size() {
                return names.size();
            }

            AttributeType typeAt(int slot) {
                return types.get(slot);
            }

            String firstPathOf(int slot) {
                return firstAt.get(slot);
            }

            /** The slot of {@code attr}, creating it when inferring; -1 after a problem. */
            int slotFor(String attr, String entityPath) {
                Integer slot = slots.get(attr);
                if (slot != null) {
                    return slot;
                }
                if (declared != null) {
                    problem(Paths.member(entityPath, attr), RegistryCode.UNDECLARED_ATTRIBUTE, "attribute \"" + attr
                            + "\" is not declared for kind \"" + name + "\" in the policy's Registry table (declared: "
                            + String.join(", ", declared.keySet()) + ")");
                    return -1;
                }
                if (!Names.isIdentifier(attr)) {
                    if (reportedUndeclared.add(attr)) {
                        problem(Paths.member(entityPath, attr), RegistryCode.BAD_VALUE, "attribute name " + quote(attr)
                                + " is not an identifier (letters, digits, underscore; not starting with a digit)");
                    }
                    return -1;
                }
                slots.put(attr, names.size());
                names.add(attr);
                types.add(null);
                firstAt.add(Paths.member(entityPath, attr));
                return names.size() - 1;
            }

            /** Fixes an inferred slot's type from its first value. */
            void infer(int slot, Object value) {
                if (types.get(slot) == null) {
                    types.set(slot, typeOf(value));
                }
            }
        }
    }

    private static AttributeType typeOf(Object value) {
        if (value instanceof String) {
            return AttributeType.STRING;
        }
        if (value instanceof Long) {
            return AttributeType.INTEGER;
        }
        if (value instanceof Boolean) {
            return AttributeType.BOOLEAN;
        }
        return AttributeType.STRING_LIST;
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "a list";
            case VALUE_NULL:
                return "null";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            default:
                return t.asString() == null ? t.name() : t.asString();
        }
    }

    static String quote(String s) {
        String shown = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String abbreviate(String digits) {
        return digits.length() > 30 ? digits.substring(0, 27) + "..." : digits;
    }

    /** A growable list of ints, so a million entity positions are not a million boxes. */
    private static final class IntList {
        private int[] items = new int[16];
        private int size;

        void add(int v) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        int at(int i) {
            return items[i];
        }
    }

    /** Refuses input beyond the byte limit while it streams, so nothing larger is buffered. */
    private static final class Limited extends FilterInputStream {
        private final long max;
        private long seen;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws SizeLimitException {
            seen += n;
            if (seen > max) {
                throw new SizeLimitException(seen);
            }
        }
    }

    /**
     * Checks the bytes as they stream by (see {@link Utf8}): Jackson alone would read an overlong
     * sequence as the character it imitates.
     */
    private static final class StrictUtf8 extends FilterInputStream {
        private final Utf8 utf8 = new Utf8();

        StrictUtf8(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            long bad = n < 0 ? utf8.end() : utf8.feed(b, off, n);
            if (bad >= 0) {
                throw new InvalidUtf8Exception(bad);
            }
            return n;
        }
    }

    private static final class InvalidUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;
        final long offset;

        InvalidUtf8Exception(long offset) {
            super("invalid UTF-8");
            this.offset = offset;
        }
    }

    private static final class SizeLimitException extends IOException {
        private static final long serialVersionUID = 1L;
        final long seen;

        SizeLimitException(long seen) {
            super("size limit");
            this.seen = seen;
        }
    }

    /** Configures a {@link RegistryLoader}. */
    public static final class Builder {
        private RegistrySchema schema = RegistrySchema.none();
        private long maxBytes = 512L << 20;
        private int maxEntities = 10_000_000;
        private int maxProblems = 200;

        private Builder() {
        }

        /** Checks snapshots against {@code schema} (a policy package's Registry table). */
        public Builder schema(RegistrySchema schema) {
            this.schema = Objects.requireNonNull(schema,
                    "schema is null; pass policy.registry(), or RegistrySchema.none() to check no Registry table");
            return this;
        }

        /** Refuses snapshots larger than {@code maxBytes} before reading them. */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** Refuses snapshots with more than {@code maxEntities} entities in all. */
        public Builder maxEntities(int maxEntities) {
            this.maxEntities = maxEntities;
            return this;
        }

        /** Keeps at most {@code maxProblems} problems (the count is always exact). */
        public Builder maxProblems(int maxProblems) {
            this.maxProblems = maxProblems;
            return this;
        }

        /** The loader. */
        public RegistryLoader build() {
            return new RegistryLoader(this);
        }
    }
}
