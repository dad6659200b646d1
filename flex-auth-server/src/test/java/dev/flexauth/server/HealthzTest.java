package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET}/{@code HEAD /healthz}: the operators' pre-flight. */
class HealthzTest {
    static TestServer server;
    static Engine expected;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestServer.config());
        expected = EngineLoader.defaults().load(TestServer.REGISTRY, TestServer.POLICY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void answers_200_ok_with_the_digests_of_the_pair_in_service() {
        Reply r = server.get("/healthz");

        assertEquals(200, r.status(), r::toString);
        assertEquals("application/json", r.header("Content-Type"));
        JsonNode h = r.json();
        assertEquals("ok", h.path("status").asText());
        assertEquals("ops-warden.ssh-signing", h.path("policy").path("package").asText());
        assertEquals("2026.06.23", h.path("policy").path("version").asText());
        assertEquals(expected.policy().digest(), h.path("policy").path("digest").asText());
        assertEquals(expected.registry().digest(), h.path("registry").path("digest").asText());
        assertEquals("2026-06-23T00:00:00Z", h.path("registry").path("generated_at").asText());
        assertEquals("ops-warden", h.path("registry").path("source").path("system").asText());
        assertEquals("production", h.path("registry").path("source").path("inventory").asText());
        assertEquals(4, h.path("registry").path("entities").path("actor").asInt());
        assertTrue(Instant.parse(h.path("policy").path("loaded_at").asText()).isBefore(Instant.now().plusSeconds(1)));
        Instant.parse(h.path("registry").path("loaded_at").asText());
    }

    @Test
    void reports_the_examples_the_properties_and_the_startup_load() {
        // The start-up pair's Properties are checked once it serves: until then "checked" is false.
        JsonNode h = server.awaitHealth(j -> j.path("properties").path("checked").asBoolean());

        assertEquals(expected.policy().examples().size(), h.path("examples").path("passed").asInt());
        assertEquals(0, h.path("examples").path("failed").asInt());
        assertEquals(0, h.path("examples").path("failures").size());
        assertEquals(6, h.path("properties").path("held").asInt());
        assertEquals(0, h.path("properties").path("failed").asInt());
        assertEquals(430, h.path("properties").path("cases").asInt());
        assertEquals(true, h.path("properties").path("exact").asBoolean());
        assertEquals(0, h.path("properties").path("failures").size());
        assertEquals("accepted", h.path("last_reload").path("result").asText());
        assertEquals("startup", h.path("last_reload").path("trigger").asText());
        assertEquals(0, h.path("last_reload").path("errors").size());
        assertEquals(false, h.path("decision_log").path("enabled").asBoolean(true));
    }

    @Test
    void the_startup_line_says_the_properties_come_after_it_and_a_second_line_gives_them() {
        server.awaitHealth(j -> j.path("properties").path("checked").asBoolean());
        String log = server.serverLog();

        assertTrue(log.contains("; examples: " + expected.policy().examples().size() + " passed, 0 failed; properties: "
                + "checked once serving"), log);
        assertTrue(log.contains("checked the start-up pair's Properties; properties: 6 hold, 0 fail (exact over 430 requests)"),
                log);
    }

    @Test
    void head_answers_the_status_and_length_without_a_body() {
        Reply get = server.get("/healthz");
        Reply head = server.head("/healthz");

        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(Integer.toString(get.body().length()), head.header("Content-Length"));
    }

    @Test
    void other_methods_get_405_with_allow() {
        Reply r = server.post("/healthz", "application/json", "{}".getBytes());

        assertEquals(405, r.status());
        assertEquals("method_not_allowed", r.error());
        assertEquals("GET, HEAD", r.header("Allow"));
        assertEquals("/healthz answers GET and HEAD, not POST", r.message());
    }

    @Test
    void needs_no_token_when_the_check_endpoints_do(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path token = java.nio.file.Files.writeString(dir.resolve("token"), "check-token-1\n");
        try (TestServer guarded = TestServer.start(TestServer.config().withTokenFile(token))) {
            assertEquals(200, guarded.get("/healthz").status());
            assertEquals(401, guarded.check("{}").status());
        }
    }
}
