package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, registry freshness: with {@code --max-registry-age}, a snapshot whose
 * {@code source.generated_at} is older denies every check with {@code registry_stale}, fails
 * {@code /healthz} with 503 (so {@code curl -fsS} fails) and shows in the metrics, until a fresher
 * snapshot is loaded.
 */
class StaleRegistryTest {
    static final Duration MAX_AGE = Duration.ofHours(36);

    @TempDir
    Path dir;

    private Path registry() {
        return dir.resolve("registry.json");
    }

    private ServerConfig config() {
        return TestServer.config(registry(), dir.resolve("policy.md")).withLog(dir.resolve("decisions.jsonl"))
                .withWatchFiles(true).withMaxRegistryAge(MAX_AGE);
    }

    @Test
    void a_snapshot_older_than_the_limit_denies_everything_and_fails_healthz_until_a_fresh_one_arrives() throws Exception {
        // The example snapshot was generated on 2026-06-23, far more than 36 h ago.
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(config())) {
            Reply check = server.check(ReloadTest.BRIDGE);
            assertEquals(200, check.status());
            assertEquals("deny", check.json().path("effect").asText());
            assertEquals("registry_stale", check.json().path("reason").asText());

            Reply health = server.get("/healthz");
            assertEquals(503, health.status(), health::toString);
            JsonNode h = health.json();
            assertEquals("stale", h.path("status").asText());
            assertTrue(h.path("registry").path("stale").asBoolean());
            assertEquals("2026-06-23T00:00:00Z", h.path("registry").path("generated_at").asText());
            assertEquals(129_600, h.path("registry").path("max_age_seconds").asLong());
            long age = Duration.between(Instant.parse("2026-06-23T00:00:00Z"), Instant.now()).getSeconds();
            assertTrue(Math.abs(h.path("registry").path("age_seconds").asLong() - age) < 60, h::toString);
            assertEquals(503, server.head("/healthz").status());

            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_registry_stale 1\n"), metrics);
            assertTrue(metrics.contains("flexauth_registry_max_age_seconds 129600\n"), metrics);
            assertTrue(metrics.contains("flexauth_registry_generated_timestamp_seconds 1782172800\n"), metrics);
            assertTrue(metrics.contains("flexauth_registry_age_seconds "), metrics);
            assertTrue(metrics.contains("flexauth_decisions_total{effect=\"deny\",reason=\"registry_stale\"} 1\n"), metrics);
            assertTrue(Files.readString(dir.resolve("decisions.jsonl")).contains("\"registry_stale\""));
            server.awaitServerLog("is older than the maximum registry age of PT36H: every check denies with registry_stale");

            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Fixtures.replaceAtomically(registry(), Fixtures.registryGeneratedAt(now));
            JsonNode fresh = server.awaitHealth(j -> j.path("registry").path("generated_at").asText().equals(now.toString()));

            assertEquals("ok", fresh.path("status").asText());
            assertEquals(200, server.get("/healthz").status());
            assertTrue(!fresh.path("registry").path("stale").asBoolean());
            assertEquals("allow", server.check(ReloadTest.BRIDGE).json().path("effect").asText());
            assertTrue(server.get("/metrics").body().contains("flexauth_registry_stale 0\n"));
            server.awaitServerLog("is within the maximum registry age of PT36H; checks are decided again");
        }
    }

    @Test
    void a_snapshot_turns_stale_while_it_serves() throws Exception {
        TestServer.copyExamples(dir);
        // Three seconds from its limit when the server starts.
        Instant generated = Instant.now().minus(MAX_AGE).plusSeconds(3).truncatedTo(ChronoUnit.MILLIS);
        Files.writeString(registry(), Fixtures.registryGeneratedAt(generated));
        try (TestServer server = TestServer.start(config())) {
            assertEquals("allow", server.check(ReloadTest.BRIDGE).json().path("effect").asText());
            assertEquals(200, server.get("/healthz").status());

            JsonNode h = server.awaitHealth(j -> j.path("status").asText().equals("stale"));

            assertTrue(h.path("registry").path("stale").asBoolean());
            assertEquals(503, server.get("/healthz").status());
            assertEquals("registry_stale", server.check(ReloadTest.BRIDGE).json().path("reason").asText());
            server.awaitServerLog("is older than the maximum registry age of PT36H");
        }
    }

    @Test
    void without_the_option_an_old_snapshot_serves_and_reports_its_age() throws Exception {
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(TestServer.config(registry(), dir.resolve("policy.md")))) {
            assertEquals("allow", server.check(ReloadTest.BRIDGE).json().path("effect").asText());
            JsonNode h = server.get("/healthz").json();
            assertEquals("ok", h.path("status").asText());
            assertTrue(h.path("registry").path("max_age_seconds").isNull());
            assertTrue(h.path("registry").path("age_seconds").asLong() > 0);
            List<String> lines = server.get("/metrics").body().lines().toList();
            assertTrue(lines.contains("flexauth_registry_stale 0"), lines::toString);
            assertTrue(lines.stream().noneMatch(l -> l.startsWith("flexauth_registry_max_age_seconds")), lines::toString);
        }
    }
}
