package dev.flexauth.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.internal.Secrets;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.RequestCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a {@code /v1/check} body: exactly one JSON object whose members are the package's
 * Request fields. Strict: duplicate members, unknown members, wrong types, non-integral or
 * out-of-range numbers, trailing content and non-UTF-8 bytes are refused with a message that
 * names the member. A member named like a secret is refused without its value being read.
 * {@code null} leaves an optional field absent. Stateless and thread-safe.
 */
public final class RequestJson {
    private RequestJson() {
    }

    /** Parses {@code body} against {@code schema}. */
    public static Request read(byte[] body, RequestSchema schema) throws RequestException {
        if (body.length == 0) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "empty body: send a JSON object with the fields "
                    + String.join(", ", schema.names()));
        }
        Json.requireUtf8(body);
        try (JsonParser p = Json.FACTORY.createParser(body)) {
            Request r = object(p, schema);
            JsonToken after;
            try {
                after = p.nextToken();
            } catch (JsonParseException e) {
                after = JsonToken.NOT_AVAILABLE;
            }
            if (after != null) {
                throw new RequestException(RequestCode.INVALID_JSON, null,
                        "unexpected content after the JSON object; send exactly one object");
            }
            return r;
        } catch (IOException e) {
            throw refusal(e);
        }
    }

    /** The refusal of a body Jackson could not read: limits, duplicates, syntax, each with its place. */
    static RequestException refusal(IOException e) {
        if (e instanceof StreamConstraintsException) {
            return new RequestException(RequestCode.INVALID_JSON, null, "the body is nested or sized beyond the limits: "
                    + ((StreamConstraintsException) e).getOriginalMessage());
        }
        if (e instanceof JsonParseException) {
            JsonParseException p = (JsonParseException) e;
            String m = p.getOriginalMessage();
            if (m.startsWith("Duplicate field")) {
                String name = m.replaceAll("^Duplicate field '(.*)'$", "$1");
                return new RequestException(RequestCode.DUPLICATE_KEY, name, "member \"" + name + "\" appears twice; send it once");
            }
            return new RequestException(RequestCode.INVALID_JSON, null, "not valid JSON at line " + p.getLocation().getLineNr()
                    + ", column " + p.getLocation().getColumnNr() + ": " + m);
        }
        if (e instanceof JsonProcessingException) {
            return new RequestException(RequestCode.INVALID_JSON, null, "not valid JSON: "
                    + ((JsonProcessingException) e).getOriginalMessage());
        }
        return new RequestException(RequestCode.INVALID_JSON, null, "not valid JSON: " + e.getMessage());
    }

    private static Request object(JsonParser p, RequestSchema schema) throws IOException, RequestException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "expected a JSON object, got " + token(t));
        }
        Request.Builder b = Request.builder(schema);
        Set<String> seen = new HashSet<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (!seen.add(name)) {
                throw new RequestException(RequestCode.DUPLICATE_KEY, name, "member \"" + name + "\" appears twice; send it once");
            }
            Field f = schema.field(name).orElse(null);
            if (f == null && Secrets.looksLikeSecretName(name)) {
                // Refused before its value is read, so the value is never held, let alone logged.
                throw new RequestException(RequestCode.SECRET_MATERIAL, name, "member \"" + name
                        + "\" looks like a credential; flex-auth never accepts secrets, remove it from the request");
            }
            if (f == null) {
                throw new RequestException(RequestCode.UNKNOWN_FIELD, name, "unknown field \"" + name
                        + "\"; the policy's request fields are " + String.join(", ", schema.names()));
            }
            b.put(name, value(p, f));
        }
        return b.build();
    }

    private static Object value(JsonParser p, Field f) throws IOException, RequestException {
        JsonToken t = p.nextToken();
        switch (f.type().wireType()) {
            case STRING:
                if (t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                break;
            case INTEGER:
                if (t == JsonToken.VALUE_NUMBER_INT) {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw new RequestException(RequestCode.BAD_VALUE, f.name(), "field \"" + f.name()
                                + "\" is outside the 64-bit integer range");
                    }
                    return p.getLongValue();
                }
                break;
            case BOOLEAN:
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                break;
            default:
                if (t == JsonToken.START_ARRAY) {
                    List<String> items = new ArrayList<>();
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (e != JsonToken.VALUE_STRING) {
                            throw new RequestException(RequestCode.WRONG_TYPE, f.name(), "field \"" + f.name()
                                    + "\" is a list of strings, but element " + items.size() + " is " + token(e));
                        }
                        items.add(p.getText());
                    }
                    return items;
                }
        }
        if (t == JsonToken.VALUE_NULL) {
            if (f.required()) {
                throw new RequestException(RequestCode.MISSING_FIELD, f.name(), "field \"" + f.name()
                        + "\" is required and cannot be null");
            }
            return null;
        }
        throw new RequestException(RequestCode.WRONG_TYPE, f.name(), "field \"" + f.name() + "\" must be "
                + f.type().wireType().label() + (f.type().isEntity() ? " (the key of a " + f.type().entityKind() + ")" : "")
                + ", got " + describe(p, t));
    }

    private static String describe(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            String text = p.getText();
            return "the number " + (text.length() > 20 ? text.substring(0, 17) + "..." : text);
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return "the number " + p.getText();
        }
        return token(t);
    }

    static String token(JsonToken t) {
        if (t == null) {
            return "the end of the body";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "a list";
            case VALUE_STRING: return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT: return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.name();
        }
    }
}
