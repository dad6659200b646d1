package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Request;
import dev.flexauth.json.AuthzenJson;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * AuthZEN requests: members the package does not map, whatever their names and values
 * (credential-named, token-shaped, nested, null), never change the request read or the decision,
 * so a gateway may forward what it has. The ops-warden package maps subject.id, action.name,
 * resource.id, resource.properties.principal and context.ttl_hours.
 */
class AuthzenIgnoredMembersProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BASE = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
            + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\","
            + "\"properties\":{\"principal\":\"agt-task-bridge\"}},\"context\":{\"ttl_hours\":24}}";
    /** Where an unmapped member may go, and the names it must not take there (mapped, or the envelope's own). */
    private static final Map<String, List<String>> PLACES = Map.of(
            "", List.of("subject", "action", "resource", "context"),
            "subject", List.of("type", "id"),
            "subject.properties", List.of(),
            "action", List.of("name"),
            "action.properties", List.of(),
            "resource", List.of("type", "id", "properties"),
            "resource.properties", List.of("principal"),
            "context", List.of("ttl_hours"));
    private static final List<String> NAMES = List.of("authorization", "cookie", "max_tokens", "api_key", "password", "token",
            "private_key", "headers", "x-forwarded-for", "futureField", "properties", "", "ü", "a.b");
    private static final List<String> TEXTS = List.of("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig", "hvs.CAESIJ3kq9R2xk1mXv6WcB7nZqLtY0aUeHdF",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbg\n-----END OPENSSH PRIVATE KEY-----", "sid=1", "", "x".repeat(300));

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Property(tries = 1000)
    void unmappedMembersChangeNothing(@ForAll("seeds") long seed) throws Exception {
        Random r = new Random(seed);
        ObjectNode body = (ObjectNode) TestJson.MAPPER.readTree(BASE);
        List<String> places = List.copyOf(PLACES.keySet());
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
            String place = places.get(r.nextInt(places.size()));
            String name = r.nextInt(3) == 0 ? "m" + Long.toHexString(r.nextLong()) : NAMES.get(r.nextInt(NAMES.size()));
            if (PLACES.get(place).contains(name)) {
                continue;
            }
            (place.isEmpty() ? body : objectAt(body, place)).set(name, value(r, 3));
        }
        Request expected = read(TestJson.MAPPER.readTree(BASE));
        Request actual = read(body);
        assertEquals(expected.toMap(), actual.toMap(), body::toString);
        Decision a = OpsWardenRequests.ENGINE.check(actual);
        Decision e = OpsWardenRequests.ENGINE.check(expected);
        assertEquals(e.effect() + " " + e.reason(), a.effect() + " " + a.reason());
    }

    private static ObjectNode objectAt(ObjectNode root, String path) {
        ObjectNode n = root;
        for (String part : path.split("\\.")) {
            JsonNode next = n.get(part);
            if (!(next instanceof ObjectNode)) {
                next = n.putObject(part);
            }
            n = (ObjectNode) next;
        }
        return n;
    }

    private static JsonNode value(Random r, int depth) {
        switch (r.nextInt(depth > 0 ? 7 : 5)) {
            case 0:
                return NODES.textNode(TEXTS.get(r.nextInt(TEXTS.size())));
            case 1:
                return NODES.numberNode(r.nextLong());
            case 2:
                return NODES.booleanNode(r.nextBoolean());
            case 3:
                return NODES.nullNode();
            case 4:
                return NODES.numberNode(r.nextDouble());
            case 5: {
                ObjectNode o = NODES.objectNode();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    o.set(NAMES.get(r.nextInt(NAMES.size())), value(r, depth - 1));
                }
                return o;
            }
            default: {
                var a = NODES.arrayNode();
                for (int i = 0, n = r.nextInt(4); i < n; i++) {
                    a.add(value(r, depth - 1));
                }
                return a;
            }
        }
    }

    private static Request read(JsonNode body) throws Exception {
        return AuthzenJson.readEvaluation(TestJson.MAPPER.writeValueAsBytes(body), OpsWardenRequests.ENGINE.policy().request());
    }
}
