package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.EngineLoader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AuthZEN Search APIs over HTTP: the public search demo and IdP results replayed against the
 * real server, pages walked with their tokens, a token refused after a reload and for another
 * search, and the metadata naming the endpoints.
 */
class SearchTest {
    private static final Path SCENARIO = Path.of("..", "examples", "authzen-search").toAbsolutePath().normalize();
    private static final String VIEWERS_OF_101 = "{\"subject\":{\"type\":\"user\"},\"action\":{\"name\":\"view\"},"
            + "\"resource\":{\"type\":\"record\",\"id\":\"101\"}%s}";
    private static TestServer demo;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDemo() throws Exception {
        demo = TestServer.start(TestServer.config(SCENARIO.resolve("registry_snapshot.json"), SCENARIO.resolve("policy_package.md")));
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    private static Reply post(TestServer s, String path, String json) {
        return s.post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> cases(String file) throws Exception {
        try (InputStream in = SearchTest.class.getResourceAsStream("/interop/authzen-search/" + file + "/results.json")) {
            List<JsonNode> out = new ArrayList<>();
            TestJson.MAPPER.readTree(in).get(file.equals("idp") ? "search" : "evaluation").forEach(out::add);
            return out;
        }
    }

    private static Set<String> results(JsonNode results) {
        Set<String> out = new TreeSet<>();
        results.forEach(r -> out.add(r.has("name") ? r.get("name").asText() : r.get("type").asText() + "/" + r.get("id").asText()));
        return out;
    }

    @TestFactory
    Stream<DynamicTest> theSearchDemoAndIdpResultsOverHttp() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : List.of("subject", "resource", "action", "idp")) {
            String path = "/access/v1/search/" + (file.equals("idp") ? "resource" : file);
            int i = 0;
            for (JsonNode c : cases(file)) {
                String body = TestJson.MAPPER.writeValueAsString(c.get("request"));
                Set<String> expected = results(c.get("expected").get("results"));
                tests.add(DynamicTest.dynamicTest(file + " " + i++, () -> {
                    Reply r = post(demo, path, body);
                    assertEquals(200, r.status(), r.body());
                    assertEquals(expected, results(r.json().get("results")), body);
                    assertEquals("", r.json().path("page").path("next_token").asText(), "one page holds every result");
                }));
            }
        }
        assertEquals(204, tests.size(), "60 subject, 18 resource, 120 action and 6 IdP searches");
        return tests.stream();
    }

    @Test
    void pagesOfOneWalkTheSameResultsInOrder() {
        List<String> walked = new ArrayList<>();
        String token = "";
        for (int page = 0; page < 10; page++) {
            Reply r = post(demo, "/access/v1/search/subject",
                    String.format(Locale.ROOT, VIEWERS_OF_101, ",\"page\":{\"limit\":1,\"token\":\"" + token + "\"}"));
            assertEquals(200, r.status(), r.body());
            assertTrue(r.json().get("results").size() <= 1);
            r.json().get("results").forEach(x -> walked.add(x.get("id").asText()));
            token = r.json().path("page").path("next_token").asText();
            if (token.isEmpty()) {
                break;
            }
        }
        assertEquals(List.of("alice", "bob", "carol", "dan"), walked);
        Reply all = post(demo, "/access/v1/search/subject", String.format(Locale.ROOT, VIEWERS_OF_101, ""));
        assertEquals("[{\"type\":\"user\",\"id\":\"alice\"},{\"type\":\"user\",\"id\":\"bob\"},{\"type\":\"user\",\"id\":\"carol\"},"
                + "{\"type\":\"user\",\"id\":\"dan\"}]", all.json().get("results").toString());
        assertFalse(all.json().path("context").path("unlisted_allowed").asBoolean(true));
    }

    @Test
    void aTokenOfAnotherSearchIsRefused() throws Exception {
        Reply first = post(demo, "/access/v1/search/subject", String.format(Locale.ROOT, VIEWERS_OF_101, ",\"page\":{\"limit\":1}"));
        String token = first.json().path("page").path("next_token").asText();
        assertFalse(token.isEmpty());
        Reply other = post(demo, "/access/v1/search/subject", "{\"subject\":{\"type\":\"user\"},\"action\":{\"name\":\"edit\"},"
                + "\"resource\":{\"type\":\"record\",\"id\":\"101\"},\"page\":{\"token\":\"" + token + "\"}}");
        assertEquals(400, other.status());
        assertEquals("page_token", other.error());
        assertEquals("\"page.token\" belongs to another search; send the same subject, action, resource and context as for the"
                + " first page", other.message());
        Reply forged = post(demo, "/access/v1/search/subject", String.format(Locale.ROOT, VIEWERS_OF_101, ",\"page\":{\"token\":\"bm9wZQ\"}"));
        assertEquals(400, forged.status());
        assertEquals("page_token", forged.error());
    }

    @Test
    void aTokenFromBeforeAReloadIsRefusedNotAnsweredFromTheNewSnapshot() throws Exception {
        Path registry = dir.resolve("registry.json");
        Path policy = dir.resolve("policy.md");
        Files.copy(SCENARIO.resolve("registry_snapshot.json"), registry);
        Files.copy(SCENARIO.resolve("policy_package.md"), policy);
        try (TestServer s = TestServer.start(TestServer.config(registry, policy).withWatchFiles(true).withReloadPoll(Duration.ZERO))) {
            Reply first = post(s, "/access/v1/search/subject", String.format(Locale.ROOT, VIEWERS_OF_101, ",\"page\":{\"limit\":2}"));
            assertEquals(2, first.json().get("results").size(), first.body());
            String token = first.json().path("page").path("next_token").asText();

            ObjectNode changed = (ObjectNode) TestJson.MAPPER.readTree(registry.toFile());
            ((ObjectNode) changed.get("source")).put("generated_at", "2025-07-01T00:00:00Z");
            // A new colleague in Legal views record 101: the second page would list her with the first page's users.
            ((com.fasterxml.jackson.databind.node.ArrayNode) changed.get("entities").get("user")).addObject()
                    .put("id", "bea").put("role", "employee").put("department", "Legal");
            Fixtures.replaceAtomically(registry, TestJson.MAPPER.writeValueAsString(changed));
            String digest = EngineLoader.defaults().load(registry, policy).registry().digest();
            s.awaitHealth(j -> j.path("registry").path("digest").asText().equals(digest));

            Reply next = post(s, "/access/v1/search/subject", String.format(Locale.ROOT, VIEWERS_OF_101,
                    ",\"page\":{\"limit\":2,\"token\":\"" + token + "\"}"));
            assertEquals(400, next.status(), next.body());
            assertEquals("page_token", next.error());
            assertEquals("the registry or the policy changed since the first page of this search (now registry " + digest
                    + ", generated at 2025-07-01T00:00:00Z), so the next page would mix two snapshots; search again without page.token",
                    next.message());
        }
    }

    @Test
    void theMetadataNamesTheSearchEndpoints() {
        JsonNode m = demo.get("/.well-known/authzen-configuration").json();
        assertEquals(demo.url("/access/v1/search/subject"), m.path("search_subject_endpoint").asText());
        assertEquals(demo.url("/access/v1/search/resource"), m.path("search_resource_endpoint").asText());
        assertEquals(demo.url("/access/v1/search/action"), m.path("search_action_endpoint").asText());
    }

    @Test
    void theEdgeRulesAreTheEvaluationEndpointsOnes() {
        byte[] body = String.format(Locale.ROOT, VIEWERS_OF_101, "").getBytes(StandardCharsets.UTF_8);
        for (String type : new String[] {"text/plain", null}) {
            Reply evaluation = demo.post("/access/v1/evaluation", type, body);
            Reply search = demo.post("/access/v1/search/subject", type, body);
            assertEquals(evaluation.status(), search.status(), search.body());
            assertEquals(evaluation.error(), search.error());
        }
        // One byte over the default body limit, refused before the body is read. Declared on a raw socket
        // without the body: a client that sends the body meanwhile may see the refusal's close as a reset.
        try (RawHttp raw = new RawHttp(demo.port())) {
            Reply tooLarge = raw.send(RawHttp.head("POST", "/access/v1/search/resource", "Content-Type: application/json",
                    "Content-Length: " + (64 * 1024 + 1))).read();
            assertEquals(413, tooLarge.status(), tooLarge::toString);
            assertEquals("payload_too_large", tooLarge.error());
        }
        assertEquals(405, demo.get("/access/v1/search/action").status());
    }

    @Test
    void aSearchWithoutTheSearchedTypeSaysWhatIsMissing() {
        Reply r = post(demo, "/access/v1/search/subject", "{\"action\":{\"name\":\"view\"},\"resource\":{\"type\":\"record\",\"id\":\"101\"}}");
        assertEquals(400, r.status());
        assertEquals("invalid_json", r.error());
        assertEquals("missing \"subject\": a subject search names the subject type to list", r.message());
    }

    @Test
    void theOpsWardenPackageAnswersWhoMaySignAsTheBridgeAgent() throws Exception {
        try (TestServer s = TestServer.start(TestServer.config())) {
            Reply r = post(s, "/access/v1/search/action", "{\"subject\":{\"type\":\"identity\",\"id\":\"adm-example\"},"
                    + "\"resource\":{\"type\":\"actor\",\"id\":\"adm-example\"}}");
            assertEquals(200, r.status(), r.body());
            assertEquals("[{\"name\":\"ssh.sign\"}]", r.json().get("results").toString());
            Reply who = post(s, "/access/v1/search/subject", "{\"subject\":{\"type\":\"identity\"},\"action\":{\"name\":\"ssh.sign\"},"
                    + "\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}");
            assertEquals("[{\"type\":\"identity\",\"id\":\"agt-state-hub-bridge\"},{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"}]",
                    who.json().get("results").toString());
        }
    }

    @Test
    void aSearchNeedsTheCheckTokenWhenOneIsConfigured() throws Exception {
        Path token = Files.writeString(dir.resolve("check.token"), "search-test-check-token\n");
        try (TestServer s = TestServer.start(TestServer.config(SCENARIO.resolve("registry_snapshot.json"),
                SCENARIO.resolve("policy_package.md")).withTokenFile(token))) {
            byte[] body = String.format(Locale.ROOT, VIEWERS_OF_101, "").getBytes(StandardCharsets.UTF_8);
            Reply without = s.post("/access/v1/search/subject", "application/json", body);
            assertEquals(401, without.status());
            assertEquals("/access/v1/search/subject needs the check token as \"Authorization: Bearer <token>\"", without.message());
            Reply with = s.post("/access/v1/search/subject", "application/json", body, "Authorization", "Bearer search-test-check-token");
            assertEquals(200, with.status(), with.body());
        }
    }

    @Test
    void aSearchForANewerSnapshotThanTheOneInServiceFindsNothing() {
        byte[] body = String.format(Locale.ROOT, VIEWERS_OF_101, "").getBytes(StandardCharsets.UTF_8);
        Reply r = demo.post("/access/v1/search/subject", "application/json", body, "Flex-Auth-Min-Registry", "2099-01-01T00:00:00Z");
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().get("results").size(), r.body());
        assertEquals("2025-06-01T00:00:00Z", r.json().path("context").path("registry").path("generated_at").asText());
    }
}
