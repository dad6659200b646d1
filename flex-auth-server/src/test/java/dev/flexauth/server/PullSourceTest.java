package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.EngineLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --registry URL}: the real server pulls a signed snapshot from an in-process origin (see
 * {@link Origin}), loads a published revocation within the poll period, keeps the last good pair
 * through a failing source and says so, denies with {@code registry_stale} once the source is
 * silent past {@code --max-source-silence}, and never shows the URL's query string.
 */
class PullSourceTest {
    static final Path SIGNING = SignedRegistryTest.SIGNING;
    static final String SNAPSHOT = "/snapshots/registry.json";
    /** A presigned URL's credential: it must never appear in /healthz, the metrics or the server log. */
    static final String SECRET = "X-Amz-Signature=0123456789abcdef-secret";

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

    /** Publishes a fixture and its signature, snapshot first, as a publisher writing two files does. */
    private void publish(String fixture, Instant modified) throws IOException {
        origin.put(SNAPSHOT, Files.readAllBytes(SIGNING.resolve(fixture)), true, true, modified);
        origin.put(SNAPSHOT + ".sig", Files.readAllBytes(SIGNING.resolve(fixture + ".sig")), true, true, modified);
    }

    private static String digestOf(String fixture) throws Exception {
        return EngineLoader.defaults().load(SIGNING.resolve(fixture), TestServer.POLICY).registry().digest();
    }

    private ServerConfig config(Duration maxSilence) {
        return TestServer.config().withRegistrySource(new ServerConfig.RegistrySource(origin.url(SNAPSHOT + "?" + SECRET), null,
                null, ServerConfig.RegistrySource.DEFAULT_POLL, maxSilence, null)).withRegistrySigners(SignedRegistryTest.SIGNERS);
    }

    @Test
    void a_published_revocation_is_pulled_and_the_query_string_is_never_shown() throws Exception {
        String after = digestOf("registry_bridge_removed.json");
        try (TestServer server = TestServer.start(config(null))) {
            Reply allowed = server.check(SignedRegistryTest.BRIDGE);
            assertEquals("allow", allowed.json().path("effect").asText(), allowed.body());
            assertEquals(digestOf("registry_production.json"), allowed.json().path("registry").path("digest").asText());
            JsonNode pull = server.get("/healthz").json().path("registry").path("pull");
            assertEquals(origin.url(SNAPSHOT) + "?…", pull.path("url").asText());
            // 200 at start; a poll since (every 250 ms) confirms it with 304.
            assertTrue(List.of(200, 304).contains(pull.path("last_status").asInt()), pull.toString());

            publish("registry_bridge_removed.json", Instant.parse("2026-01-01T00:05:00Z"));
            server.awaitHealth(h -> h.path("registry").path("digest").asText().equals(after));
            Reply denied = server.check(SignedRegistryTest.BRIDGE);
            assertEquals("deny", denied.json().path("effect").asText(), denied.body());
            assertEquals("unknown_actor_resource", denied.json().path("reason").asText());
            JsonNode last = server.get("/healthz").json().path("last_reload");
            assertEquals("source", last.path("trigger").asText());
            assertEquals("accepted", last.path("result").asText());

            String shown = server.get("/healthz").body() + server.get("/metrics").body() + server.serverLog();
            assertFalse(shown.contains("secret"), shown);
            assertTrue(server.get("/metrics").body().contains("flexauth_source_up{url=\"" + origin.url(SNAPSHOT) + "?…\"} 1"));
            // The query string did reach the origin: it is the credential the origin asks for.
            assertTrue(origin.seen().stream().anyMatch(s -> s.target().endsWith("?" + SECRET)));
        }
    }

    @Test
    void a_failing_source_keeps_the_last_good_pair_and_shows_the_failure_until_it_answers_again() throws Exception {
        String good = digestOf("registry_production.json");
        try (TestServer server = TestServer.start(config(null))) {
            origin.status(SNAPSHOT, 503);
            JsonNode h = server.awaitHealth(j -> j.path("status").asText().equals("degraded"));
            JsonNode pull = h.path("registry").path("pull");
            assertEquals(good, h.path("registry").path("digest").asText());
            assertTrue(pull.path("last_error").asText().contains(origin.url(SNAPSHOT) + "?…"), pull.toString());
            assertTrue(pull.path("last_status").isNull(), pull.toString());
            assertTrue(pull.path("failures").asLong() >= 1, pull.toString());
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
            assertTrue(server.get("/metrics").body().contains("flexauth_source_up{url=\"" + origin.url(SNAPSHOT) + "?…\"} 0"));
            server.awaitServerLog("registry source poll failed; still serving registry " + good + ": ");

            origin.heal(SNAPSHOT);
            server.awaitHealth(j -> j.path("status").asText().equals("ok"));
            server.awaitServerLog("registry source " + origin.url(SNAPSHOT) + "?… answers again (");
            assertFalse(server.serverLog().contains("secret"), server.serverLog());
        }
    }

    @Test
    void a_source_silent_past_the_maximum_denies_every_check_with_registry_stale_and_fails_healthz() throws Exception {
        try (TestServer server = TestServer.start(config(Duration.ofSeconds(2)))) {
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
            assertEquals(2000, server.get("/healthz").json().path("registry").path("pull").path("max_silence_ms").asLong());
            origin.close();
            JsonNode h = server.awaitHealth(j -> j.path("status").asText().equals("stale"));
            assertTrue(h.path("registry").path("stale").asBoolean(), h.toString());
            assertEquals(503, server.get("/healthz").status());
            Reply r = server.check(SignedRegistryTest.BRIDGE);
            assertEquals("deny", r.json().path("effect").asText(), r.body());
            assertEquals("registry_stale", r.json().path("reason").asText());
            server.awaitServerLog("has not confirmed snapshot " + digestOf("registry_production.json")
                    + " for longer than the maximum source silence of PT2S: every check denies with registry_stale");
        }
    }

    @Test
    void a_publication_whose_signature_does_not_verify_does_not_confirm_the_pair_in_service() throws Exception {
        try (TestServer server = TestServer.start(config(Duration.ofSeconds(2)))) {
            // The origin answers 200 to every poll, but never with a pair that verifies: that is no confirmation.
            origin.put(SNAPSHOT, "{\"not\":\"a snapshot\"}".getBytes(), true, true, Instant.parse("2026-01-01T00:10:00Z"));
            JsonNode h = server.awaitHealth(j -> j.path("status").asText().equals("stale"));
            assertEquals(digestOf("registry_production.json"), h.path("registry").path("digest").asText());
            assertEquals("registry_stale", server.check(SignedRegistryTest.BRIDGE).json().path("reason").asText());
        }
    }

    @Test
    void with_a_cache_dir_a_replica_restarted_during_an_outage_starts_from_the_last_verified_pair(@TempDir Path dir)
            throws Exception {
        Path cache = dir.resolve("cache");
        ServerConfig c = config(Duration.ofSeconds(3));
        c = c.withRegistrySource(new ServerConfig.RegistrySource(c.registrySource().url(), null, null,
                ServerConfig.RegistrySource.DEFAULT_POLL, Duration.ofSeconds(3), cache));
        String after = digestOf("registry_bridge_removed.json");
        try (TestServer server = TestServer.start(c)) {
            assertArrayEquals(Files.readAllBytes(SIGNING.resolve("registry_production.json")),
                    Files.readAllBytes(cache.resolve("registry.json")));
            publish("registry_bridge_removed.json", Instant.parse("2026-01-01T00:05:00Z"));
            server.awaitHealth(h -> h.path("registry").path("digest").asText().equals(after));
        }
        assertArrayEquals(Files.readAllBytes(SIGNING.resolve("registry_bridge_removed.json")),
                Files.readAllBytes(cache.resolve("registry.json")));
        assertArrayEquals(Files.readAllBytes(SIGNING.resolve("registry_bridge_removed.json.sig")),
                Files.readAllBytes(cache.resolve("registry.json.sig")));

        origin.close();
        try (TestServer server = TestServer.start(c)) {
            Reply r = server.check(SignedRegistryTest.BRIDGE);
            assertEquals(after, r.json().path("registry").path("digest").asText(), r.body());
            assertEquals("unknown_actor_resource", r.json().path("reason").asText(), r.body());
            assertTrue(server.serverLog().contains("starting from the pair in --cache-dir " + cache + ", last confirmed by the"
                    + " source at "), server.serverLog());
            assertFalse(server.serverLog().contains("secret"), server.serverLog());
            // The source stays silent: the cached pair serves only until the silence bound, counted from its last confirmation.
            server.awaitHealth(h -> h.path("status").asText().equals("stale"));
            assertEquals("registry_stale", server.check(SignedRegistryTest.BRIDGE).json().path("reason").asText());
        }
    }

    @Test
    void a_cache_that_does_not_verify_is_refused_at_start_with_both_reasons(@TempDir Path dir) throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        // A snapshot edited on disk: the production snapshot beside the next one's signature.
        Files.copy(SIGNING.resolve("registry_production.json"), cache.resolve("registry.json"));
        Files.copy(SIGNING.resolve("registry_bridge_removed.json.sig"), cache.resolve("registry.json.sig"));
        origin.status(SNAPSHOT, 503);
        ServerConfig c = config(null);
        ServerConfig withCache = c.withRegistrySource(new ServerConfig.RegistrySource(c.registrySource().url(), null, null,
                ServerConfig.RegistrySource.DEFAULT_POLL, null, cache));
        ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(withCache));
        assertEquals(1, e.problems().size(), e.problems().toString());
        String problem = e.problems().get(0);
        assertTrue(problem.startsWith("--registry " + origin.url(SNAPSHOT) + "?…: "), problem);
        assertTrue(problem.contains("; and the snapshot in --cache-dir " + cache + " does not verify ("), problem);
        assertFalse(problem.contains("secret"), problem);
    }

    @Test
    void plain_http_without_signers_is_refused_at_start() {
        ServerConfig c = TestServer.config().withRegistrySource(ServerConfig.RegistrySource.of(origin.url(SNAPSHOT + "?" + SECRET)));
        ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(c));
        assertEquals(List.of("--registry " + origin.url(SNAPSHOT) + "?… is plain http, where anyone on the path can change the"
                + " snapshot: give --registry-signers so only a signed snapshot is loaded, or use https"), e.problems());
    }

    @Test
    void an_unreachable_source_at_start_is_a_start_error_naming_it_without_its_query() {
        origin.status(SNAPSHOT, 404);
        ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(config(null)));
        assertEquals(1, e.problems().size(), e.problems().toString());
        assertTrue(e.problems().get(0).startsWith("--registry " + origin.url(SNAPSHOT) + "?…: "), e.problems().toString());
        assertFalse(e.problems().get(0).contains("secret"), e.problems().toString());
    }

    @Test
    void the_fetch_limits_apply_to_the_source_and_a_snapshot_over_the_size_cap_stops_the_start() throws Exception {
        ServerConfig c = config(null);
        ServerConfig capped = c.withRegistrySource(c.registrySource().withLimits(new ServerConfig.FetchLimits(Duration.ofSeconds(2),
                Duration.ofSeconds(30), 1024, 3)));
        long size = Files.size(SIGNING.resolve("registry_production.json"));
        ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(capped));
        assertEquals(List.of("--registry " + origin.url(SNAPSHOT) + "?…: " + origin.url(SNAPSHOT) + "?… answered more than 1024"
                + " bytes (Content-Length " + size + "); the source is not what was expected, or raise the size cap"
                + " (--source-max-bytes)"), e.problems());
    }

    @Test
    void fetch_limits_out_of_range_are_refused_with_the_range() {
        Duration s = Duration.ofSeconds(1);
        assertAll(
                () -> assertEquals("expected a source connect timeout above zero and at most 1m but found PT0S",
                        assertThrows(IllegalArgumentException.class, () -> new ServerConfig.FetchLimits(Duration.ZERO, s, 1024, 3))
                                .getMessage()),
                () -> assertEquals("expected a source read timeout above zero and at most 10m but found PT11M",
                        assertThrows(IllegalArgumentException.class,
                                () -> new ServerConfig.FetchLimits(s, Duration.ofMinutes(11), 1024, 3)).getMessage()),
                () -> assertEquals("expected a source size cap from 1 KiB (1024 bytes) to 2 GiB (2147483639 bytes) but found 1000"
                        + " bytes", assertThrows(IllegalArgumentException.class, () -> new ServerConfig.FetchLimits(s, s, 1000, 3))
                                .getMessage()),
                () -> assertEquals("expected a source redirect limit from 0 to 10 but found 11",
                        assertThrows(IllegalArgumentException.class, () -> new ServerConfig.FetchLimits(s, s, 1024, 11)).getMessage()));
    }
}
