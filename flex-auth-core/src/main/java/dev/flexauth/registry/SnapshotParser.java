package dev.flexauth.registry;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.flexauth.reason.RegistryCode;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One pass over a snapshot's JSON tokens, reporting every problem with its JSON path and collecting
 * each kind's entities for {@link KindAssembler}. Its methods follow the format's nesting: document,
 * root members, source, entities, one entity, one value. For one load, on one thread.
 *
 * <p>Over 400 lines on purpose: it is one recursive descent over one parser's state (position,
 * problems, the kinds so far, shared strings); split, that state would travel through every call.
 */
final class SnapshotParser {
    private static final int MAX_LIST_SIZE = 100_000;

    private final RegistrySchema schema;
    private final int maxEntities;
    private final ProblemList problems;
    private final Map<String, KindInProgress> kinds = new LinkedHashMap<>();
    JsonParser parser;
    private int entityCount;
    private String format;
    private Integer formatVersion;
    private Source source;
    private boolean sawEntities;

    SnapshotParser(RegistrySchema schema, int maxEntities, ProblemList problems) {
        this.schema = schema;
        this.maxEntities = maxEntities;
        this.problems = problems;
    }

    private void problem(String path, RegistryCode code, String message) {
        problems.add(path, code, message);
    }

    /** The registry the tokens described, or null if they had problems (then {@link ProblemList#failure()} says which). */
    Registry assemble() {
        return KindAssembler.assemble(kinds.values(), problems, source, formatVersion);
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
            problem("", RegistryCode.WRONG_TYPE, "expected an object, got " + Describe.describe(t));
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
                    if (format != null && !format.equals(RegistryLoader.FORMAT)) {
                        problem(member, RegistryCode.BAD_VALUE, "expected \"" + RegistryLoader.FORMAT + "\", got "
                                + Describe.quote(format) + "; this is not a flex-auth registry snapshot");
                    }
                    break;
                case "format_version":
                    formatVersion = expectInteger(member, t);
                    if (formatVersion != null && formatVersion != RegistryLoader.FORMAT_VERSION) {
                        problem(member, RegistryCode.BAD_VALUE, "this flex-auth reads format_version "
                                + RegistryLoader.FORMAT_VERSION + ", got " + formatVersion);
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
            problem("", RegistryCode.MISSING_MEMBER, "missing member \"format\": add \"format\": \"" + RegistryLoader.FORMAT + "\"");
        }
        if (formatVersion == null && !seen.contains("format_version")) {
            problem("", RegistryCode.MISSING_MEMBER, "missing member \"format_version\": add \"format_version\": " + RegistryLoader.FORMAT_VERSION);
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
                                    + "\"2026-06-23T00:00:00Z\", got " + Describe.quote(generatedAt));
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
                problem(path, RegistryCode.BAD_VALUE, "kind name " + Describe.quote(kind)
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
            KindInProgress k = new KindInProgress(kind, declared, problems);
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

    // The entity being read, for messages: its path is built only when a problem is reported, so
    // a million entities cost no path strings.
    private String entityKindPath;
    private int entityIndex;
    private final Supplier<String> entityPath = this::entityPath;

    private String entityPath() {
        return entityKindPath + "[" + entityIndex + "]";
    }

    private void entity(KindInProgress k, String kindPath, int index, JsonToken t) throws IOException {
        entityKindPath = kindPath;
        entityIndex = index;
        if (t != JsonToken.START_OBJECT) {
            problem(entityPath(), RegistryCode.WRONG_TYPE, "expected an entity object, got " + describeValue(t));
            parser.skipChildren();
            return;
        }
        if (++entityCount > maxEntities) {
            if (entityCount == maxEntities + 1) {
                problem(entityPath(), RegistryCode.TOO_LARGE, "more than " + maxEntities
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
        int position = -1;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String attr = parser.currentName();
            position++;
            JsonToken v = parser.nextToken();
            if (attr.equals("id")) {
                if (sawId) {
                    problem(entityPath() + ".id", RegistryCode.DUPLICATE_KEY, "duplicate member \"id\"");
                    parser.skipChildren();
                    ok = false;
                    continue;
                }
                sawId = true;
                id = v == JsonToken.VALUE_STRING ? parser.getText() : expectString(entityPath() + ".id", v);
                String idProblem = id == null ? null : Names.idProblem(id);
                if (idProblem != null) {
                    problem(entityPath() + ".id", RegistryCode.BAD_VALUE, idProblem);
                    id = null;
                }
                continue;
            }
            int slot = k.slotFor(attr, position, entityPath);
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
                problem(Paths.member(entityPath(), attr), RegistryCode.DUPLICATE_KEY, "duplicate member \"" + attr + "\"");
                parser.skipChildren();
                ok = false;
                continue;
            }
            seen[slot] = true;
            Object value = value(attr, v, k.typeAt(slot), k.firstPathOf(slot), k.typeAt(slot) == AttributeType.STRING);
            if (value == null) {
                ok = false;
            } else {
                k.infer(slot, value);
                values[slot] = value;
            }
        }
        if (!sawId) {
            problem(entityPath(), RegistryCode.MISSING_MEMBER, "missing member \"id\" (the entity's key)");
            ok = false;
        }
        if (k.declared != null) {
            for (int slot = 0; slot < k.size(); slot++) {
                if (slot >= seen.length || !seen[slot]) {
                    problem(entityPath(), RegistryCode.MISSING_ATTRIBUTE, "missing attribute \"" + k.names.get(slot)
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
            k.values.add(ok && problems.total() == 0 ? values : null);
        }
    }

    /** Reads an attribute value of {@code expected} type (null: infer), or returns null after a problem. */
    private Object value(String attr, JsonToken t, AttributeType expected, String expectedAt,
            boolean share) throws IOException {
        Object v;
        AttributeType actual;
        switch (t) {
            case VALUE_STRING:
                String s = parser.getText();
                if (s.length() > RegistryLoader.MAX_STRING_LENGTH) {
                    problem(Paths.member(entityPath(), attr), RegistryCode.TOO_LARGE, "a string of " + s.length()
                            + " characters; attribute strings are at most " + RegistryLoader.MAX_STRING_LENGTH);
                    return null;
                }
                v = share ? dedupe(s) : s;
                actual = AttributeType.STRING;
                break;
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    problem(Paths.member(entityPath(), attr), RegistryCode.BAD_VALUE, "integer " + Describe.abbreviate(parser.getText())
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
                v = list(attr);
                if (v == null) {
                    return null;
                }
                actual = AttributeType.STRING_LIST;
                break;
            case VALUE_NULL:
                problem(Paths.member(entityPath(), attr), RegistryCode.WRONG_TYPE, "expected " + (expected == null ? "a value" : expected)
                        + ", got null; leave the attribute out instead");
                return null;
            default:
                problem(Paths.member(entityPath(), attr), RegistryCode.WRONG_TYPE, "expected " + (expected == null
                        ? "a string, integer, boolean or list of strings" : expected)
                        + (expected == null || expectedAt == null ? "" : " (as at " + expectedAt + ")")
                        + ", got " + describeValue(t));
                parser.skipChildren();
                return null;
        }
        if (expected != null && expected != actual) {
            problem(Paths.member(entityPath(), attr), RegistryCode.WRONG_TYPE, "expected " + expected
                    + (expectedAt == null ? "" : " (as at " + expectedAt + ")") + ", got " + Describe.describeValue(t, v));
            return null;
        }
        return v;
    }

    private String[] listBuffer = new String[8];

    private StringList list(String attr) throws IOException {
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
                problem(Paths.member(entityPath(), attr) + "[" + i + "]", RegistryCode.WRONG_TYPE, "expected string, got " + describeValue(t)
                        + "; list attributes hold strings only");
                parser.skipChildren();
                ok = false;
            }
            if (++i > MAX_LIST_SIZE) {
                problem(Paths.member(entityPath(), attr), RegistryCode.TOO_LARGE, "a list of more than " + MAX_LIST_SIZE + " elements");
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
        return Describe.describeValue(t, v);
    }
}
