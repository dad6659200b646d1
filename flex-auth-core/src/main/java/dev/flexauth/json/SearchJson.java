package dev.flexauth.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.registry.Registry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AuthZEN 1.0 Search APIs on the wire ({@code /access/v1/search/subject}, {@code /resource},
 * {@code /action}). A search request is an evaluation request without the searched member; it is
 * mapped onto the package's Request table by {@link AuthzenJson} itself (the searched member filled
 * with a placeholder), so a search accepts and refuses exactly what an evaluation does, and the
 * searched member names the field to enumerate: the field whose {@code authzen} location is
 * {@code subject.id}, {@code resource.id} or {@code action.name}.
 *
 * <p>Page tokens are opaque to clients: they carry the last value returned, a hash of the search
 * (its fixed fields and type) and a hash of the registry and package digests, so a token from
 * another search or from before a reload is refused with {@code page_token} rather than answered
 * with a page of another snapshot. Stateless and thread-safe.
 */
public final class SearchJson {
    /** A page holds this many results unless {@code page.limit} asks for fewer. */
    public static final int DEFAULT_LIMIT = 100;

    /** The most results one page holds, whatever {@code page.limit} asks. */
    public static final int MAX_LIMIT = 1000;

    private static final ObjectReader READER = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final String PLACEHOLDER = "-";
    private static final String VERSION = "fa1";

    /** What is searched: the member whose values are listed, and where the field that carries it lives. */
    public enum Kind {
        SUBJECT("subject", "subject.id"),
        RESOURCE("resource", "resource.id"),
        ACTION("action", "action.name");

        private final String member;
        private final String location;

        Kind(String member, String location) {
            this.member = member;
            this.location = location;
        }

        /** {@code subject}, {@code resource} or {@code action}: the path segment and the searched member. */
        public String member() {
            return member;
        }

        /** The AuthZEN location of the searched value. */
        public String location() {
            return location;
        }
    }

    /**
     * A parsed search request.
     *
     * @param kind   what is searched
     * @param field  the Request field whose values are listed
     * @param type   the searched entity's {@code type} (empty for an action search), echoed in the results
     * @param fixed  the other fields, as the evaluation mapping set them (absent fields left out)
     * @param token  {@code page.token}, empty for the first page
     * @param limit  the page size
     */
    public record Query(Kind kind, String field, String type, Map<String, Object> fixed, String token, int limit) {
        public Query {
            fixed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fixed));
        }

        /** What a page token is bound to besides the snapshot: the search itself. */
        String fingerprint() {
            return kind.member + "\n" + type + "\n" + fixed;
        }
    }

    private SearchJson() {
    }

    /** Reads a search request of {@code kind} against {@code schema}. */
    public static Query read(byte[] body, RequestSchema schema, Kind kind) throws RequestException {
        if (body.length == 0) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "empty body: send an AuthZEN " + kind.member + " search request object");
        }
        Json.requireUtf8(body);
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (IOException e) {
            throw RequestJson.refusal(e);
        }
        if (node == null || !node.isObject()) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "expected a JSON object (an AuthZEN " + kind.member + " search request)");
        }
        ObjectNode root = (ObjectNode) node;
        String token = "";
        int limit = DEFAULT_LIMIT;
        JsonNode page = root.get("page");
        if (page != null && !page.isNull()) {
            if (!page.isObject()) {
                throw malformed("page", "\"page\" must be an object with an optional token and limit");
            }
            // next_token is how the drafts before 1.0 sent it back.
            JsonNode t = page.has("token") ? page.get("token") : page.get("next_token");
            if (t != null && !t.isNull()) {
                if (!t.isTextual()) {
                    throw malformed("page.token", "\"page.token\" must be a string: the next_token of the previous page");
                }
                token = t.textValue();
            }
            JsonNode l = page.get("limit");
            if (l != null && !l.isNull()) {
                if (!l.isIntegralNumber() || !l.canConvertToInt() || l.intValue() < 1) {
                    throw new RequestException(RequestCode.BAD_VALUE, "page.limit", "\"page.limit\" must be a positive integer, got " + l);
                }
                limit = Math.min(l.intValue(), MAX_LIMIT);
            }
        }
        // The evaluation the search stands for: the searched member filled in, the rest as sent.
        ObjectNode tuple = Json.mapper().createObjectNode();
        for (String key : List.of("subject", "action", "resource", "context")) {
            if (root.has(key)) {
                tuple.set(key, root.get(key));
            }
        }
        String type = "";
        if (kind == Kind.ACTION) {
            tuple.set("action", Json.mapper().createObjectNode().put("name", PLACEHOLDER));
        } else {
            JsonNode part = tuple.get(kind.member);
            if (part == null || !part.isObject()) {
                throw malformed(kind.member, (part == null ? "missing \"" : "\"") + kind.member + (part == null
                        ? "\": a " + kind.member + " search names the " + kind.member + " type to list" : "\" must be an object"));
            }
            JsonNode t = part.get("type");
            if (t == null || !t.isTextual()) {
                throw malformed(kind.member + ".type", (t == null ? "missing \"" : "\"") + kind.member + ".type"
                        + (t == null ? "\": a search names the type of what it lists" : "\" must be a string"));
            }
            type = t.textValue();
            ObjectNode copy = ((ObjectNode) part).deepCopy();
            copy.put("id", PLACEHOLDER); // an id sent with a search is ignored, as the specification says
            tuple.set(kind.member, copy);
        }
        Request request;
        try {
            request = AuthzenJson.readEvaluation(Json.mapper().writeValueAsBytes(tuple), schema);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        Field field = null;
        for (Field f : schema.fields()) {
            if (f.authzen().equals(kind.location)) {
                field = f;
            }
        }
        if (field == null) {
            throw new RequestException(RequestCode.NOT_SEARCHABLE, kind.location, "the policy's Request table maps no field to \""
                    + kind.location + "\", so flex-auth cannot list " + kind.member + "s; give a field the authzen location " + kind.location);
        }
        Map<String, Object> fixed = new LinkedHashMap<>(request.toMap());
        fixed.remove(field.name());
        return new Query(kind, field.name(), type, fixed, token, limit);
    }

    /**
     * The value after which the page of {@code token} starts, or {@code null} for the first page.
     *
     * @throws RequestException {@code page_token} when the token is not one flex-auth issued, belongs
     *         to another search, or was issued for another registry or package than {@code registry} and {@code packageDigest}
     */
    public static String after(Query q, Registry registry, String packageDigest) throws RequestException {
        if (q.token().isEmpty()) {
            return null;
        }
        String[] parts;
        try {
            parts = new String(Base64.getUrlDecoder().decode(q.token()), StandardCharsets.UTF_8).split("\n", 4);
        } catch (IllegalArgumentException e) {
            parts = new String[0];
        }
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw new RequestException(RequestCode.PAGE_TOKEN, "page.token", "\"page.token\" is not a token flex-auth issued;"
                    + " send the next_token of the previous page, or none for the first page");
        }
        if (!parts[1].equals(hash(binding(registry, packageDigest)))) {
            throw new RequestException(RequestCode.PAGE_TOKEN, "page.token", "the registry or the policy changed since the first"
                    + " page of this search (now registry " + registry.digest() + ", generated at " + registry.source().generatedAt()
                    + "), so the next page would mix two snapshots; search again without page.token");
        }
        if (!parts[2].equals(hash(q.fingerprint()))) {
            throw new RequestException(RequestCode.PAGE_TOKEN, "page.token", "\"page.token\" belongs to another search; send the"
                    + " same subject, action, resource and context as for the first page");
        }
        return parts[3];
    }

    /** The token of the page after {@code last}, bound to the search and the snapshot. */
    public static String nextToken(Query q, Registry registry, String packageDigest, String last) {
        String plain = VERSION + "\n" + hash(binding(registry, packageDigest)) + "\n" + hash(q.fingerprint()) + "\n" + last;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The response: {@code {"results": [{"type", "id"}...] or [{"name"}...], "page": {"next_token"},
     * "context": {"registry": {digest, generated_at}, "unlisted_allowed"}}}; {@code next_token} is
     * empty on the last page, and {@code unlisted_allowed} says whether values named neither by the
     * package nor the registry are allowed too.
     */
    public static byte[] response(Query q, List<String> values, String nextToken, boolean unlistedAllowed, Registry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 32 * values.size());
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            for (String v : values) {
                g.writeStartObject();
                if (q.kind() == Kind.ACTION) {
                    g.writeStringField("name", v);
                } else {
                    g.writeStringField("type", q.type());
                    g.writeStringField("id", v);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("page");
            g.writeStringField("next_token", nextToken);
            g.writeEndObject();
            g.writeObjectFieldStart("context");
            g.writeObjectFieldStart("registry");
            g.writeStringField("digest", registry.digest());
            g.writeStringField("generated_at", registry.source().generatedAt());
            g.writeEndObject();
            g.writeBooleanField("unlisted_allowed", unlistedAllowed);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    private static String binding(Registry registry, String packageDigest) {
        return registry.digest() + "\n" + packageDigest;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static RequestException malformed(String member, String message) {
        return new RequestException(RequestCode.INVALID_JSON, member, message);
    }
}
