package dev.flexauth.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.RequestCode;
import java.util.ArrayList;
import java.util.List;

/**
 * One AuthZEN 4-tuple (subject, action, resource, context) mapped onto a package's Request fields
 * through the Request table's {@code authzen} column, each refusal a {@link RequestException} that
 * names the member. For {@link AuthzenJson}'s evaluation and batch readers. Stateless.
 */
final class AuthzenTuple {
    private AuthzenTuple() {
    }

    /** Maps one 4-tuple onto the Request fields through their AuthZEN locations. */
    static Request toRequest(ObjectNode tuple, RequestSchema schema) throws RequestException {
        for (String key : List.of("subject", "action", "resource")) {
            JsonNode part = present(tuple.get(key));
            if (part == null) {
                throw malformed(key, "missing \"" + key + "\": an AuthZEN evaluation has a subject, an action and a resource");
            }
            if (!part.isObject()) {
                throw malformed(key, "\"" + key + "\" must be an object");
            }
        }
        requireString(tuple, "subject", "type");
        requireString(tuple, "subject", "id");
        requireString(tuple, "action", "name");
        requireString(tuple, "resource", "type");
        requireString(tuple, "resource", "id");
        JsonNode context = present(tuple.get("context"));
        if (context != null && !context.isObject()) {
            throw malformed("context", "\"context\" must be an object");
        }
        Request.Builder b = Request.builder(schema);
        for (Field f : schema.fields()) {
            if (f.authzen().isEmpty()) {
                if (f.required()) {
                    throw new RequestException(RequestCode.MISSING_FIELD, f.name(), "the policy's required field \""
                            + f.name() + "\" has no AuthZEN location in its Request table, so AuthZEN requests cannot set it");
                }
                continue;
            }
            JsonNode v = at(tuple, f.authzen());
            if (v == null || v.isNull()) {
                if (f.required()) {
                    throw new RequestException(RequestCode.MISSING_FIELD, f.name(), "missing \"" + f.authzen()
                            + "\", which the policy's required field \"" + f.name() + "\" is read from");
                }
                continue;
            }
            b.put(f.name(), value(v, f));
        }
        return b.build();
    }

    /** {@code null} where AuthZEN has an optional member means absent. */
    static JsonNode present(JsonNode n) {
        return n == null || n.isNull() ? null : n;
    }

    private static void requireString(ObjectNode tuple, String part, String member) throws RequestException {
        JsonNode v = tuple.get(part).get(member);
        if (v == null || !v.isTextual()) {
            throw malformed(part + "." + member, (v == null ? "missing \"" : "\"") + part + "." + member
                    + (v == null ? "\"" : "\" must be a string"));
        }
    }

    private static JsonNode at(JsonNode root, String location) {
        JsonNode n = root;
        for (String part : location.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(part);
        }
        return n;
    }

    private static Object value(JsonNode v, Field f) throws RequestException {
        switch (f.type().wireType()) {
            case STRING:
                if (v.isTextual()) {
                    return v.textValue();
                }
                break;
            case INTEGER:
                if (v.isIntegralNumber()) {
                    if (!v.canConvertToLong()) {
                        throw new RequestException(RequestCode.BAD_VALUE, f.name(), "\"" + f.authzen()
                                + "\" is outside the 64-bit integer range");
                    }
                    return v.longValue();
                }
                break;
            case BOOLEAN:
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                break;
            default:
                if (v.isArray()) {
                    List<String> items = new ArrayList<>();
                    for (JsonNode item : v) {
                        if (!item.isTextual()) {
                            throw new RequestException(RequestCode.WRONG_TYPE, f.name(), "\"" + f.authzen()
                                    + "\" is a list of strings, but element " + items.size() + " is " + v.get(items.size()).getNodeType()
                                    .name().toLowerCase());
                        }
                        items.add(item.textValue());
                    }
                    return items;
                }
        }
        throw new RequestException(RequestCode.WRONG_TYPE, f.name(), "\"" + f.authzen() + "\" (field \"" + f.name()
                + "\") must be " + f.type().wireType().label() + ", got " + v.getNodeType().name().toLowerCase());
    }

    static RequestException malformed(String member, String message) {
        return new RequestException(RequestCode.INVALID_JSON, member, message);
    }
}
