package dev.flexauth.json;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Reason;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.RequestCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The OpenID AuthZEN Authorization API 1.0 on the wire: evaluation and evaluations requests mapped
 * onto a package's Request fields through the Request table's {@code authzen} column (no mapping
 * code per policy), and the responses built from decisions. An unknown subject or resource is the
 * policy's business (a {@code false} decision), not an error; a malformed request is refused with
 * a {@link RequestException} that names the member. Stateless and thread-safe.
 */
public final class AuthzenJson {
    /** The batch semantics of {@code options.evaluations_semantic}. */
    public enum Semantic {
        EXECUTE_ALL("execute_all"),
        DENY_ON_FIRST_DENY("deny_on_first_deny"),
        PERMIT_ON_FIRST_PERMIT("permit_on_first_permit");

        private final String wire;

        Semantic(String wire) {
            this.wire = wire;
        }

        /** As written in requests. */
        public String wire() {
            return wire;
        }
    }

    /** One item of a batch: its request, or why it could not be made into one. */
    public record Item(Request request, RequestException error) {
    }

    /**
     * A parsed evaluations request: the items in order and the semantics to run them with. A
     * {@code single} batch had no {@code evaluations} (absent or empty) and is one evaluation of
     * the top-level members, to be answered as {@code POST /access/v1/evaluation} would.
     */
    public record Batch(List<Item> items, Semantic semantic, boolean single) {
        public Batch {
            items = List.copyOf(items);
        }
    }

    /**
     * The most evaluations one batch may hold. Without a cap, a 64 KiB body of {@code {}} items is
     * some 21,000 decisions, decision-log lines and a 5.7 MB answer: one request that amplifies into
     * disk and CPU for every caller allowed to ask.
     */
    public static final int MAX_EVALUATIONS = 100;

    private static final List<String> TUPLE = List.of("subject", "action", "resource", "context");
    private static final ObjectReader READER = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AuthzenJson() {
    }

    /** Reads a {@code POST /access/v1/evaluation} body into a request of {@code schema}. */
    public static Request readEvaluation(byte[] body, RequestSchema schema) throws RequestException {
        ObjectNode root = root(body);
        return AuthzenTuple.toRequest(root, schema);
    }

    /**
     * Reads a {@code POST /access/v1/evaluations} body. Without an {@code evaluations} array, or
     * with an empty one, it is one evaluation of the top-level members (backwards compatible, as
     * the specification says): a {@link Batch#single()} batch whose item is mapped as
     * {@link #readEvaluation} would, errors thrown. Otherwise the top-level subject, action,
     * resource and context are defaults that an item's own members replace whole, except that an
     * item's subject or resource without {@code type} or {@code id} (an action without
     * {@code name}) takes it from the default (certification case C.3.2.7). A malformed body
     * throws; an item that cannot be mapped becomes an {@link Item} with its error.
     */
    public static Batch readEvaluations(byte[] body, RequestSchema schema) throws RequestException {
        ObjectNode root = root(body);
        Semantic semantic = Semantic.EXECUTE_ALL;
        JsonNode options = AuthzenTuple.present(root.get("options"));
        if (options != null) {
            if (!options.isObject()) {
                throw AuthzenTuple.malformed("options", "\"options\" must be an object");
            }
            JsonNode s = AuthzenTuple.present(options.get("evaluations_semantic"));
            if (s != null) {
                semantic = semantic(s);
            }
        }
        JsonNode evaluations = root.get("evaluations");
        List<Item> items = new ArrayList<>();
        if (evaluations == null || evaluations.isNull() || (evaluations.isArray() && evaluations.isEmpty())) {
            items.add(new Item(AuthzenTuple.toRequest(root, schema), null));
            return new Batch(items, semantic, true);
        }
        if (!evaluations.isArray()) {
            throw AuthzenTuple.malformed("evaluations", "\"evaluations\" must be an array of evaluation objects");
        }
        if (evaluations.size() > MAX_EVALUATIONS) {
            throw new RequestException(RequestCode.BAD_VALUE, "evaluations", "a batch holds at most " + MAX_EVALUATIONS
                    + " evaluations, got " + evaluations.size() + "; send them in several requests");
        }
        int i = 0;
        for (JsonNode e : evaluations) {
            if (!e.isObject()) {
                items.add(new Item(null, AuthzenTuple.malformed("evaluations[" + i + "]", "evaluations[" + i + "] must be an object")));
            } else {
                ObjectNode merged = Json.mapper().createObjectNode();
                for (String key : TUPLE) {
                    JsonNode own = AuthzenTuple.present(e.get(key));
                    JsonNode value = own != null ? withDefaultIds(key, own, AuthzenTuple.present(root.get(key))) : AuthzenTuple.present(root.get(key));
                    if (value != null) {
                        merged.set(key, value);
                    }
                }
                items.add(item(merged, schema));
            }
            i++;
        }
        return new Batch(items, semantic, false);
    }

    /**
     * An item's own subject, action or resource, with the identifying members it lacks taken from
     * the top-level default; anything else of the default (its properties) is not merged.
     */
    private static JsonNode withDefaultIds(String key, JsonNode own, JsonNode fallback) {
        List<String> ids = key.equals("action") ? List.of("name") : key.equals("context") ? List.of() : List.of("type", "id");
        if (!own.isObject() || fallback == null || !fallback.isObject()) {
            return own;
        }
        ObjectNode copy = null;
        for (String id : ids) {
            if (own.get(id) == null && fallback.get(id) != null) {
                copy = copy == null ? ((ObjectNode) own).deepCopy() : copy;
                copy.set(id, fallback.get(id));
            }
        }
        return copy == null ? own : copy;
    }

    /**
     * Decides the batch's items in order with {@code decide}, stopping where the semantics say:
     * after the first deny or failed item ({@code deny_on_first_deny}) or the first allow
     * ({@code permit_on_first_permit}). Returns, in order, a {@link Decision} per decided item and
     * the {@link RequestException} of each item that could not be evaluated.
     */
    public static List<Object> run(Batch batch, java.util.function.Function<Request, Decision> decide) {
        List<Object> out = new ArrayList<>();
        for (Item item : batch.items()) {
            boolean allowed;
            if (item.request() == null) {
                out.add(item.error());
                allowed = false;
            } else {
                Decision d = decide.apply(item.request());
                out.add(d);
                allowed = d.allowed();
            }
            if ((batch.semantic() == Semantic.DENY_ON_FIRST_DENY && !allowed)
                    || (batch.semantic() == Semantic.PERMIT_ON_FIRST_PERMIT && allowed)) {
                break;
            }
        }
        return out;
    }

    private static Item item(ObjectNode tuple, RequestSchema schema) {
        try {
            return new Item(AuthzenTuple.toRequest(tuple, schema), null);
        } catch (RequestException e) {
            return new Item(null, e);
        }
    }

    private static Semantic semantic(JsonNode s) throws RequestException {
        for (Semantic v : Semantic.values()) {
            if (s.isTextual() && v.wire.equals(s.textValue())) {
                return v;
            }
        }
        throw AuthzenTuple.malformed("options.evaluations_semantic", "options.evaluations_semantic is one of execute_all, "
                + "deny_on_first_deny, permit_on_first_permit; got " + s);
    }

    private static ObjectNode root(byte[] body) throws RequestException {
        if (body.length == 0) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "empty body: send an AuthZEN evaluation request object");
        }
        Json.requireUtf8(body);
        JsonNode node;
        try {
            node = READER.readTree(body);
        } catch (IOException e) {
            throw RequestJson.refusal(e);
        }
        if (node == null || !node.isObject()) {
            throw new RequestException(RequestCode.INVALID_JSON, null, "expected a JSON object (an AuthZEN evaluation request)");
        }
        // Members the package does not map are never read, refused or logged: a gateway forwards what it has
        // (context.headers.authorization, cookies); the decision log holds the mapped fields only, redacted.
        return (ObjectNode) node;
    }

    /**
     * The response to one evaluation: {@code {"decision": bool, "context": {decision_id, reason,
     * reason_admin{en}, outputs, registry{digest, generated_at}}}}; the reason's meaning from the
     * Reasons table is the admin text, and the registry names the snapshot that decided.
     */
    public static byte[] evaluationResponse(Decision d) {
        return write(g -> decision(g, d));
    }

    /**
     * The response to a batch: {@code {"evaluations": [...]}} in request order, each a decision or,
     * for an item that could not be evaluated, {@code {"decision": false, "context": {"error":
     * {"status": 400, "code", "message"}}}}. {@code results} holds {@link Decision}s and
     * {@link RequestException}s.
     */
    public static byte[] evaluationsResponse(List<?> results) {
        return write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("evaluations");
            for (Object r : results) {
                if (r instanceof Decision) {
                    decision(g, (Decision) r);
                } else {
                    RequestException e = (RequestException) r;
                    g.writeStartObject();
                    g.writeBooleanField("decision", false);
                    g.writeObjectFieldStart("context");
                    g.writeObjectFieldStart("error");
                    g.writeNumberField("status", 400);
                    g.writeStringField("code", e.code().code());
                    g.writeStringField("message", e.getMessage());
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** The PDP metadata of {@code GET /.well-known/authzen-configuration} for a PDP at {@code issuer}. */
    public static byte[] metadata(String issuer) {
        return write(g -> {
            g.writeStartObject();
            // AuthZEN 1.0 names the base URL policy_decision_point; issuer is kept for clients of earlier drafts.
            g.writeStringField("policy_decision_point", issuer);
            g.writeStringField("issuer", issuer);
            g.writeStringField("access_evaluation_endpoint", issuer + "/access/v1/evaluation");
            g.writeStringField("access_evaluations_endpoint", issuer + "/access/v1/evaluations");
            g.writeStringField("search_subject_endpoint", issuer + "/access/v1/search/subject");
            g.writeStringField("search_resource_endpoint", issuer + "/access/v1/search/resource");
            g.writeStringField("search_action_endpoint", issuer + "/access/v1/search/action");
            g.writeEndObject();
        });
    }

    private static void decision(JsonGenerator g, Decision d) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("decision", d.allowed());
        g.writeObjectFieldStart("context");
        g.writeStringField("decision_id", d.decisionId());
        g.writeStringField("reason", d.reason());
        String meaning = d.policy().reason(d.reason()).map(Reason::meaning).orElse("");
        if (!meaning.isEmpty()) {
            g.writeObjectFieldStart("reason_admin");
            g.writeStringField("en", meaning);
            g.writeEndObject();
        }
        if (!d.outputs().isEmpty()) {
            Json.writeObject(g, "outputs", d.outputs());
        }
        g.writeObjectFieldStart("registry");
        g.writeStringField("digest", d.registry().digest());
        g.writeStringField("generated_at", d.registry().source().generatedAt());
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] write(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = Json.FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
