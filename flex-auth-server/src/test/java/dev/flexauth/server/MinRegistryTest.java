package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.server.endpoints.MinRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Flex-Auth-Min-Registry}: a caller that just published a snapshot gets its decision from
 * that snapshot or a newer one, or a deny with {@code registry_stale}; never from an older one. The
 * URL source polls only once an hour here, so only the header can make it fetch.
 */
class MinRegistryTest {
    static final String SNAPSHOT = PullSourceTest.SNAPSHOT;
    static final String PRODUCTION_GENERATED_AT = "2026-06-23T00:00:00Z";
    static final String NEXT_GENERATED_AT = "2026-06-24T00:00:00Z";
    static final String EVALUATION = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
            + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}";

    private Origin origin;

    @BeforeEach
    void origin() throws IOException {
        origin = new Origin();
        publish("registry_production.json", Instant.parse("2026-01-01T00:00:00Z"));
    }

    @AfterEach
    void close() {
        origin.close();
    }

    private void publish(String fixture, Instant modified) throws IOException {
        origin.put(SNAPSHOT, Files.readAllBytes(PullSourceTest.SIGNING.resolve(fixture)), true, true, modified);
        origin.put(SNAPSHOT + ".sig", Files.readAllBytes(PullSourceTest.SIGNING.resolve(fixture + ".sig")), true, true, modified);
    }

    private TestServer start() throws Exception {
        return TestServer.start(TestServer.config().withRegistrySource(new ServerConfig.RegistrySource(origin.url(SNAPSHOT), null,
                null, Duration.ofHours(1), null, null)).withRegistrySigners(SignedRegistryTest.SIGNERS));
    }

    @Test
    void a_snapshot_as_new_as_asked_decides_at_once() throws Exception {
        try (TestServer server = start()) {
            Reply r = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, PRODUCTION_GENERATED_AT);
            assertEquals("allow", r.json().path("effect").asText(), r.body());
            Reply older = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, "2026-06-22T23:00:00-01:00");
            assertEquals("allow", older.json().path("effect").asText(), older.body());
        }
    }

    @Test
    void an_older_snapshot_makes_the_replica_fetch_at_once_and_decide_from_the_newer_one() throws Exception {
        try (TestServer server = start()) {
            publish("registry_bridge_removed.json", Instant.parse("2026-01-01T00:05:00Z"));
            // Without the header the replica still answers from what it has: the next poll is an hour away.
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());

            Reply r = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, NEXT_GENERATED_AT);
            assertEquals("deny", r.json().path("effect").asText(), r.body());
            assertEquals("unknown_actor_resource", r.json().path("reason").asText(), r.body());
            assertEquals(NEXT_GENERATED_AT, r.json().path("registry").path("generated_at").asText(), r.body());
        }
    }

    @Test
    void no_snapshot_as_new_as_asked_within_the_wait_is_a_registry_stale_deny_on_every_endpoint() throws Exception {
        try (TestServer server = start()) {
            Reply r = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, NEXT_GENERATED_AT);
            assertEquals("deny", r.json().path("effect").asText(), r.body());
            assertEquals("registry_stale", r.json().path("reason").asText(), r.body());
            assertEquals(PRODUCTION_GENERATED_AT, r.json().path("registry").path("generated_at").asText(), r.body());

            Reply one = server.post("/access/v1/evaluation", "application/json", EVALUATION.getBytes(StandardCharsets.UTF_8),
                    MinRegistry.HEADER, NEXT_GENERATED_AT);
            assertEquals(false, one.json().path("decision").booleanValue(), one.body());
            assertEquals("registry_stale", one.json().at("/context/reason").textValue(), one.body());
            Reply batch = server.post("/access/v1/evaluations", "application/json",
                    (EVALUATION.substring(0, EVALUATION.length() - 1) + ",\"evaluations\":[{},{}]}").getBytes(StandardCharsets.UTF_8),
                    MinRegistry.HEADER, NEXT_GENERATED_AT);
            JsonNode items = batch.json().path("evaluations");
            assertEquals(2, items.size(), batch.body());
            items.forEach(i -> assertEquals("registry_stale", i.at("/context/reason").textValue(), batch.body()));
            // The replica still serves requests without the header from its snapshot.
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
        }
    }

    @Test
    void a_malformed_header_is_refused_with_400_saying_what_to_send() throws Exception {
        try (TestServer server = start()) {
            Reply r = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, "yesterday");
            assertEquals(400, r.status(), r.body());
            assertEquals("bad_request", r.error());
            assertEquals("expected Flex-Auth-Min-Registry to be an RFC 3339 time such as 2026-06-24T00:00:00Z (a snapshot's"
                    + " source.generated_at) but found \"yesterday\"", r.message());
            Reply e = server.post("/access/v1/evaluation", "application/json", EVALUATION.getBytes(StandardCharsets.UTF_8),
                    MinRegistry.HEADER, "2026-06-24");
            assertEquals(400, e.status(), e.body());
        }
    }

    @Test
    void with_a_registry_file_the_header_makes_the_replica_look_at_the_file_at_once(@TempDir Path dir) throws Exception {
        TestServer.copyExamples(dir);
        // No file events and no periodic look: only the header can make the replica see the new file.
        try (TestServer server = TestServer.start(TestServer.config(dir.resolve("registry.json"), dir.resolve("policy.md"))
                .withReloadPoll(Duration.ZERO))) {
            String generated = server.get("/healthz").json().path("registry").path("generated_at").asText();
            Instant next = Instant.parse(generated).plusSeconds(3600);
            Fixtures.replaceAtomically(dir.resolve("registry.json"), Fixtures.registryGeneratedAt(next));
            assertEquals(generated, server.check(SignedRegistryTest.BRIDGE).json().path("registry").path("generated_at").asText());
            Reply r = server.check(SignedRegistryTest.BRIDGE, MinRegistry.HEADER, next.toString());
            assertEquals("allow", r.json().path("effect").asText(), r.body());
            assertTrue(Instant.parse(r.json().path("registry").path("generated_at").asText()).equals(next), r.body());
        }
    }
}
