package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.log.LogVerifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AuthZEN Authorization API over HTTP: the Todo example and the ops-warden package asked by a
 * gateway, with the decisions in the same log. The interop decision files are replayed by
 * {@link AuthzenInteropTest}, the certification scenario by {@link AuthzenCertificationTest}.
 */
class AuthzenTest {
    private static final Path SCENARIO = Path.of("..", "examples", "authzen-todo").toAbsolutePath().normalize();
    private static TestServer todo;

    @BeforeAll
    static void startTodo() throws Exception {
        todo = TestServer.start(TestServer.config(SCENARIO.resolve("registry_snapshot.json"), SCENARIO.resolve("policy_package.md")));
    }

    @AfterAll
    static void stopTodo() {
        todo.close();
    }

    private static Reply post(TestServer s, String path, String json, String... headers) {
        return s.post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void theRequestIdIsEchoedAndTheMetadataNamesTheEndpoints() {
        Reply r = post(todo, "/access/v1/evaluation", "{\"subject\":{\"type\":\"user\",\"id\":\"nobody\"},"
                + "\"action\":{\"name\":\"can_read_user\"},\"resource\":{\"type\":\"user\",\"id\":\"x\"}}", "X-Request-ID", "bfe9eb29-ab87");
        assertEquals("bfe9eb29-ab87", r.header("X-Request-ID"));
        assertEquals(false, r.json().get("decision").booleanValue());
        assertEquals("unknown_user", r.json().at("/context/reason").textValue());

        JsonNode m = todo.get("/.well-known/authzen-configuration").json();
        String base = todo.url("");
        assertEquals(base, m.get("policy_decision_point").textValue());
        assertEquals(base, m.get("issuer").textValue());
        assertEquals(base + "/access/v1/evaluation", m.get("access_evaluation_endpoint").textValue());
        assertEquals(base + "/access/v1/evaluations", m.get("access_evaluations_endpoint").textValue());
    }

    @Test
    void aBodyNotDeclaredAsJsonIs400OnAuthzenAnd415OnCheck() {
        String body = "{\"subject\":{\"type\":\"user\",\"id\":\"x\"},\"action\":{\"name\":\"a\"},\"resource\":{\"type\":\"t\",\"id\":\"1\"}}";
        for (String path : List.of("/access/v1/evaluation", "/access/v1/evaluations")) {
            Reply r = todo.post(path, "text/plain", body.getBytes(StandardCharsets.UTF_8));
            assertEquals(400, r.status(), path);
            assertEquals("bad_request", r.error());
            assertTrue(r.message().contains("application/json"), r.message());
        }
        assertEquals(415, todo.post("/v1/check", "text/plain", "{}".getBytes(StandardCharsets.UTF_8)).status());
    }

    @Test
    void evaluationsWithoutItemsIsOneEvaluation() throws Exception {
        String tuple = "\"subject\":{\"type\":\"user\",\"id\":\"CiRmZDA2MTRkMy1jMzlhLTQ3ODEtYjdiZC04Yjk2ZjVhNTEwMGQSBWxvY2Fs\"},"
                + "\"action\":{\"name\":\"can_read_user\"},\"resource\":{\"type\":\"user\",\"id\":\"x\"}";
        for (String body : List.of("{" + tuple + "}", "{" + tuple + ",\"evaluations\":[]}", "{" + tuple + ",\"evaluations\":null}")) {
            Reply r = post(todo, "/access/v1/evaluations", body);
            assertEquals(200, r.status(), r.body());
            assertEquals(true, r.json().get("decision").booleanValue(), r.body());
            assertTrue(r.json().get("evaluations") == null, r.body());
        }
        Reply missing = post(todo, "/access/v1/evaluations", "{\"evaluations\":[]}");
        assertEquals(400, missing.status(), "an empty batch is one evaluation, and this one has no subject");
        assertEquals("invalid_json", missing.error());
    }

    @Test
    void malformedAuthzenRequestsAre400WithTheMember() {
        Reply missing = post(todo, "/access/v1/evaluation", "{\"subject\":{\"type\":\"user\",\"id\":\"x\"},\"action\":{\"name\":\"a\"}}");
        assertEquals(400, missing.status());
        assertEquals("invalid_json", missing.error());
        assertEquals("missing \"resource\": an AuthZEN evaluation has a subject, an action and a resource", missing.message());
        Reply semantic = post(todo, "/access/v1/evaluations", "{\"options\":{\"evaluations_semantic\":\"some\"},\"evaluations\":[{}]}");
        assertEquals(400, semantic.status());
    }

    @Test
    void whatAGatewayForwardsIsIgnoredAndNeverLogged(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        try (TestServer s = TestServer.start(TestServer.config().withLog(log))) {
            Reply r = post(s, "/access/v1/evaluation", "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\","
                    + "\"properties\":null},\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},"
                    + "\"context\":{\"max_tokens\":512,\"api_key\":\"s3cr3t-value\",\"headers\":{\"authorization\":\"Bearer s3cr3t-bearer\","
                    + "\"cookie\":\"sid=s3cr3t-cookie\"}},\"futureField\":{\"nested\":true}}");
            assertEquals(200, r.status(), r.body());
            assertEquals(true, r.json().get("decision").booleanValue());
            Reply nullContext = post(s, "/access/v1/evaluation", "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
                    + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},\"context\":null}");
            assertEquals(200, nullContext.status(), nullContext.body());
            String written = Files.readString(log) + s.serverLog();
            for (String secret : List.of("s3cr3t", "max_tokens", "api_key", "futureField")) {
                assertTrue(!written.contains(secret), secret + " reached a log");
            }
            Reply strict = s.post("/v1/check", "application/json", "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"api_key\":\"x\"}".getBytes(StandardCharsets.UTF_8));
            assertEquals(400, strict.status(), "/v1/check stays strict");
            assertEquals("secret_material", strict.error());
        }
    }

    @Test
    void anyRequestIdTheEdgeAcceptsIsEchoedAsSentAndALongOneIsRefused() {
        String body = "{\"subject\":{\"type\":\"user\",\"id\":\"nobody\"},\"action\":{\"name\":\"can_read_user\"},"
                + "\"resource\":{\"type\":\"user\",\"id\":\"x\"}}";
        for (String id : List.of("req 1; trace=00-abc-01", "{\"odd\": [1, 2]}", "x".repeat(256))) {
            Reply r = post(todo, "/access/v1/evaluation", body, "X-Request-ID", id);
            assertEquals(200, r.status(), r.body());
            assertEquals(id, r.header("X-Request-ID"));
        }
        Reply tooLong = post(todo, "/access/v1/evaluation", body, "X-Request-ID", "x".repeat(257));
        assertEquals(400, tooLong.status());
        assertEquals("bad_request", tooLong.error());
        assertEquals("X-Request-ID is 257 characters long; send at most 256", tooLong.message());
        assertEquals(null, tooLong.header("X-Request-ID"), "what is refused is not echoed");
    }

    @Test
    void aGatewayAsksTheOpsWardenPolicyAndTheDecisionsAreLogged(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        try (TestServer s = TestServer.start(TestServer.config().withLog(log).withPublicUrl("https://flex-auth.example/"))) {
            Reply allow = post(s, "/access/v1/evaluation", "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
                    + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}");
            assertEquals(true, allow.json().get("decision").booleanValue());
            assertEquals("agt-task-bridge", allow.json().at("/context/outputs/principal").textValue());
            Reply batch = post(s, "/access/v1/evaluations", "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
                    + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},"
                    + "\"evaluations\":[{\"context\":{\"ttl_hours\":999}},{\"resource\":{\"type\":\"actor\",\"id\":\"agt-gone\"}}]}");
            JsonNode items = batch.json().get("evaluations");
            assertEquals("ttl_out_of_bounds", items.get(0).at("/context/reason").textValue());
            assertEquals("unknown_actor_resource", items.get(1).at("/context/reason").textValue());
            assertEquals("https://flex-auth.example", s.get("/.well-known/authzen-configuration").json().get("issuer").textValue());

            List<String> lines = Files.readAllLines(log);
            assertEquals(3, lines.size(), "one log line per decision, batch items included");
            assertTrue(lines.get(0).contains(allow.json().at("/context/decision_id").textValue()));
            assertTrue(lines.get(1).contains(items.get(0).at("/context/decision_id").textValue()));
            assertTrue(LogVerifier.verify(log).ok());
        }
    }

    @Test
    void aPublicUrlWithAPathIsDiscoveredUnderThatPath() throws Exception {
        try (TestServer s = TestServer.start(TestServer.config().withPublicUrl("https://pdp.example/tenant1/"))) {
            for (String path : List.of("/.well-known/authzen-configuration/tenant1", "/.well-known/authzen-configuration")) {
                Reply r = s.get(path);
                assertEquals(200, r.status(), path);
                assertEquals("https://pdp.example/tenant1", r.json().get("policy_decision_point").textValue());
                assertEquals("https://pdp.example/tenant1/access/v1/evaluation", r.json().get("access_evaluation_endpoint").textValue());
            }
            assertEquals(404, s.get("/.well-known/authzen-configuration/tenant2").status());
        }
    }

    @Test
    void theCheckTokenGuardsTheAuthzenEndpointsButNotTheMetadata(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("check.token"), "check-token-0123456789\n");
        try (TestServer s = TestServer.start(TestServer.config().withTokenFile(token))) {
            String body = "{\"subject\":{\"type\":\"i\",\"id\":\"agt-state-hub-bridge\"},\"action\":{\"name\":\"ssh.sign\"},"
                    + "\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}";
            assertEquals(401, post(s, "/access/v1/evaluation", body).status());
            assertEquals(200, post(s, "/access/v1/evaluation", body, "Authorization", "Bearer check-token-0123456789").status());
            assertEquals(200, s.get("/.well-known/authzen-configuration").status());
        }
    }
}
