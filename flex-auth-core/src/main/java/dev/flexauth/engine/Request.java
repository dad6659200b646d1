package dev.flexauth.engine;

import dev.flexauth.internal.Secrets;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.StringList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A check request: one value per field of a package's Request table, validated when built.
 * Values are {@link String} (plain and entity fields), {@link Long}, {@link Boolean} or
 * {@link StringList}; an absent optional field is {@code null}. Immutable and thread-safe.
 */
public final class Request {
    /** Strings longer than this are refused: no field of a sane policy needs more. */
    public static final int MAX_STRING_LENGTH = 4096;

    private final RequestSchema schema;
    private final Object[] values;

    private Request(RequestSchema schema, Object[] values) {
        this.schema = schema;
        this.values = values;
    }

    /** A builder for a request against {@code schema} (from {@code PolicyPackage.request()}). */
    public static Builder builder(RequestSchema schema) {
        return new Builder(schema);
    }

    /** Builds a request from field name to value; see {@link Builder#put}. */
    public static Request of(RequestSchema schema, Map<String, ?> fields) throws RequestException {
        Builder b = builder(schema);
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            b.put(e.getKey(), e.getValue());
        }
        return b.build();
    }

    /** The Request table this request was built against. */
    public RequestSchema schema() {
        return schema;
    }

    /** The value of {@code field}, or {@code null} if absent or not a field. */
    public Object get(String field) {
        return schema.field(field).map(f -> values[f.slot()]).orElse(null);
    }

    /** The value in {@code slot}: the engine's allocation-free access. */
    Object valueAt(int slot) {
        return values[slot];
    }

    Object[] values() {
        return values;
    }

    /** The present fields with their values, in table order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : schema.fields()) {
            if (values[f.slot()] != null) {
                m.put(f.name(), values[f.slot()]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return toMap().toString();
    }

    /** Assembles a {@link Request}; not thread-safe. */
    public static final class Builder {
        private final RequestSchema schema;
        private final Object[] values;

        private Builder(RequestSchema schema) {
            this.schema = Objects.requireNonNull(schema, "schema is null; use engine.request() or policy.request()");
            this.values = new Object[schema.size()];
        }

        /**
         * Sets {@code field}: a {@link String} for string and entity fields, an {@link Integer} or
         * {@link Long} for integers, a {@link Boolean}, or a {@code List<String>} for string[];
         * {@code null} leaves an optional field absent.
         */
        public Builder put(String field, Object value) throws RequestException {
            Objects.requireNonNull(field, "field is null; pass a field name of the policy's Request table");
            // A package cannot declare a field named like a secret, so only unknown names need the check.
            Field f = schema.field(field).orElse(null);
            if (f == null) {
                if (Secrets.looksLikeSecretName(field)) {
                    throw new RequestException(RequestCode.SECRET_MATERIAL, field, "member \"" + field
                            + "\" looks like a credential; flex-auth never accepts secrets, remove it from the request");
                }
                throw new RequestException(RequestCode.UNKNOWN_FIELD, field,
                        "unknown field \"" + field + "\"; the policy's request fields are " + String.join(", ", schema.names()));
            }
            values[f.slot()] = value == null ? null : typed(f, value);
            return this;
        }

        private static Object typed(Field f, Object value) throws RequestException {
            AttributeType t = f.type().wireType();
            Object v = value instanceof Integer ? Long.valueOf((Integer) value) : value;
            if (t == AttributeType.STRING_LIST && v instanceof List && !(v instanceof StringList)) {
                for (Object item : (List<?>) v) {
                    if (!(item instanceof String)) {
                        throw wrongType(f, value);
                    }
                }
                @SuppressWarnings("unchecked")
                List<String> strings = (List<String>) v;
                v = StringList.copyOf(strings);
            }
            if (!t.accepts(v)) {
                throw wrongType(f, value);
            }
            if (v instanceof String) {
                check(f, (String) v);
            } else if (v instanceof StringList) {
                for (String s : (StringList) v) {
                    check(f, s);
                }
            }
            return v;
        }

        private static void check(Field f, String s) throws RequestException {
            if (s.length() > MAX_STRING_LENGTH) {
                throw new RequestException(RequestCode.BAD_VALUE, f.name(), "field \"" + f.name() + "\" is " + s.length()
                        + " characters long; the limit is " + MAX_STRING_LENGTH);
            }
            if (Secrets.looksLikeSecretValue(s)) {
                throw new RequestException(RequestCode.SECRET_MATERIAL, f.name(), "field \"" + f.name()
                        + "\" holds what looks like a private key or token; flex-auth never accepts secrets");
            }
        }

        private static RequestException wrongType(Field f, Object value) {
            return new RequestException(RequestCode.WRONG_TYPE, f.name(), "field \"" + f.name() + "\" must be "
                    + f.type().wireType().label() + (f.type().isEntity() ? " (the key of a " + f.type().entityKind() + ")" : "")
                    + ", got " + javaType(value));
        }

        private static String javaType(Object v) {
            if (v instanceof String) {
                return "a string";
            }
            if (v instanceof Number) {
                return "a number";
            }
            if (v instanceof Boolean) {
                return "a boolean";
            }
            if (v instanceof List) {
                return "a list";
            }
            return v.getClass().getSimpleName();
        }

        /** The request; fails if a required field is absent. */
        public Request build() throws RequestException {
            for (Field f : schema.fields()) {
                if (f.required() && values[f.slot()] == null) {
                    throw new RequestException(RequestCode.MISSING_FIELD, f.name(), "missing required field \"" + f.name()
                            + "\" (" + f.type().label() + (f.meaning().isEmpty() ? "" : ": " + f.meaning()) + ")");
                }
            }
            return new Request(schema, values.clone());
        }
    }
}
