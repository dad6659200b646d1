package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.json.AuthzenInteropTest.Scenario;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The public AuthZEN interop decision files (Todo drafts 00, 01 and 02, the API gateway), replayed
 * over HTTP against the real server on an ephemeral port, one server per example package. A
 * single evaluation is scored as the upstream runner scores it, by its {@code decision}; a batch
 * by its items, in order, each the expected {@code decision} and no member but {@code decision}
 * and {@code context}. (The upstream runner compares whole items as strings, so flex-auth's item
 * {@code context}, the decision id and reason that AuthZEN allows, would count there as a
 * difference; see docs/authzen.md.)
 */
class AuthzenInteropTest {
    private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
    private static final Map<String, TestServer> SERVERS = new HashMap<>();

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(TestServer::close);
    }

    private static synchronized TestServer server(String example) throws ServerStartException {
        TestServer s = SERVERS.get(example);
        if (s == null) {
            s = TestServer.start(TestServer.config(EXAMPLES.resolve(example).resolve("registry_snapshot.json"),
                    EXAMPLES.resolve(example).resolve("policy_package.md")));
            SERVERS.put(example, s);
        }
        return s;
    }

    private static Reply post(TestServer s, String path, JsonNode body) throws Exception {
        return s.post(path, "application/json", TestJson.MAPPER.writeValueAsBytes(body), "X-Request-ID", "interop-" + System.nanoTime());
    }

    @TestFactory
    Stream<DynamicNode> everyInteropDecisionOverHttp() {
        return dev.flexauth.json.AuthzenInteropTest.SCENARIOS.stream()
                .map(s -> DynamicContainer.dynamicContainer(s.name(), scenario(s)));
    }

    private static Stream<DynamicNode> scenario(Scenario s) {
        JsonNode all = s.decisions();
        List<DynamicNode> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode e : all.get(s.singleKey())) {
            JsonNode request = e.get("request");
            boolean expected = e.get("expected").booleanValue();
            tests.add(DynamicTest.dynamicTest("evaluation " + i++ + ": " + request.at("/action/name").asText() + " on "
                    + request.at("/resource/id").asText(), () -> {
                        Reply r = post(server(s.example()), "/access/v1/evaluation", request);
                        assertEquals(200, r.status(), r.body());
                        assertEquals(expected, r.json().get("decision").booleanValue(), r.body());
                    }));
        }
        int b = 0;
        for (JsonNode e : all.path("evaluations")) {
            JsonNode request = e.get("request");
            JsonNode expected = e.get("expected");
            tests.add(DynamicTest.dynamicTest("batch " + b++, () -> {
                Reply r = post(server(s.example()), "/access/v1/evaluations", request);
                assertEquals(200, r.status(), r.body());
                JsonNode items = r.json().get("evaluations");
                assertEquals(expected.size(), items.size(), r.body());
                for (int k = 0; k < items.size(); k++) {
                    assertEquals(expected.get(k).get("decision"), items.get(k).get("decision"), "item " + k + ": " + r.body());
                    for (Iterator<String> names = items.get(k).fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        assertTrue(Set.of("decision", "context").contains(name), "item " + k + " has member " + name);
                    }
                }
            }));
        }
        return tests.stream();
    }
}
