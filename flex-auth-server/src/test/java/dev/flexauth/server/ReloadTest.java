package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.EngineLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reloads (SPEC section 8): file changes of every kind, SIGHUP, the admin endpoint. A valid pair
 * is swapped in; an invalid one is refused while the last good pair keeps serving and /healthz,
 * the metrics and the server log name the error until a later reload succeeds.
 */
class ReloadTest {
    static final String BRIDGE = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final String ADMIN_TOKEN = "admin-token-for-reload-tests";

    @TempDir
    Path dir;

    private Path registry() {
        return dir.resolve("registry.json");
    }

    private Path policy() {
        return dir.resolve("policy.md");
    }

    private TestServer watching() throws Exception {
        TestServer.copyExamples(dir);
        // The periodic look at the files is off, so the file events these tests name are what reloads.
        return TestServer.start(TestServer.config(registry(), policy()).withWatchFiles(true).withReloadPoll(Duration.ZERO));
    }

    private static String digestOf(Path registry, Path policy) throws Exception {
        return EngineLoader.defaults().load(registry, policy).registry().digest();
    }

    @Test
    void an_atomically_renamed_registry_is_swapped_in_and_revokes_the_removed_actor() throws Exception {
        try (TestServer server = watching()) {
            String before = server.get("/healthz").json().path("registry").path("digest").asText();
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());

            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            String after = digestOf(registry(), policy());
            JsonNode h = server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(after));

            assertTrue(!before.equals(after));
            assertEquals("accepted", h.path("last_reload").path("result").asText());
            assertEquals("file", h.path("last_reload").path("trigger").asText());
            assertEquals(3, h.path("registry").path("entities").path("actor").asInt());
            Reply r = server.check(BRIDGE);
            assertEquals("deny", r.json().path("effect").asText());
            assertEquals("unknown_actor_resource", r.json().path("reason").asText());
            assertEquals(after, r.json().path("registry").path("digest").asText());
            assertTrue(server.serverLog().contains("reload accepted (trigger file)"), server.serverLog());
        }
    }

    @Test
    void a_property_that_no_longer_holds_is_reported_like_a_failing_example() throws Exception {
        try (TestServer server = watching()) {
            JsonNode before = server.awaitHealth(j -> j.path("properties").path("checked").asBoolean());
            assertEquals(6, before.path("properties").path("held").asInt(), before::toString);

            Fixtures.replaceAtomically(policy(), Fixtures.policyWithHardCodedTtl());
            JsonNode h = server.awaitHealth(j -> !j.path("policy").path("digest").equals(before.path("policy").path("digest")));

            assertEquals("accepted", h.path("last_reload").path("result").asText(), h::toString);
            assertEquals("degraded", h.path("status").asText());
            assertEquals(5, h.path("properties").path("held").asInt());
            assertEquals(1, h.path("properties").path("failed").asInt());
            assertEquals(true, h.path("properties").path("exact").asBoolean());
            assertEquals("line 151 (No certificate outlives the actor's maximum): {\"actor\":\"atm-backup-daily\","
                    + "\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":9} gets allow signing_policy_matched",
                    h.path("properties").path("failures").get(0).asText());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_policy_properties{result=\"failed\"} 1\n"), metrics);
            assertTrue(server.serverLog().contains("; properties: 5 hold, 1 fail (exact over "), server.serverLog());
        }
    }

    @Test
    void examples_that_no_longer_hold_are_reported_but_do_not_block_a_revocation() throws Exception {
        try (TestServer server = watching()) {
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            JsonNode h = server.awaitHealth(j -> j.path("registry").path("entities").path("actor").asInt() == 3);

            assertEquals("degraded", h.path("status").asText());
            assertEquals(9, h.path("examples").path("failed").asInt(), h::toString);
            assertEquals(10, h.path("examples").path("passed").asInt());
            assertEquals("line 127 (bridge agent at max TTL): expected allow signing_policy_matched, got deny unknown_actor_resource",
                    h.path("examples").path("failures").get(0).asText());
            assertTrue(server.get("/metrics").body().contains("flexauth_policy_examples{result=\"failed\"} 9\n"));
        }
    }

    @Test
    void an_invalid_registry_written_in_place_is_refused_and_the_old_pair_keeps_serving() throws Exception {
        try (TestServer server = watching()) {
            JsonNode before = server.get("/healthz").json();

            Fixtures.writeInPlace(registry(), Fixtures.registryWithStringTtl());
            JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));

            assertEquals("degraded", h.path("status").asText());
            assertEquals("file", h.path("last_reload").path("trigger").asText());
            assertEquals(registry() + ": entities.actor[2].max_ttl_hours: expected integer, got string \"24\"",
                    h.path("last_reload").path("errors").get(0).asText(), h::toString);
            assertEquals(before.path("registry").path("digest"), h.path("registry").path("digest"));
            assertEquals(before.path("registry").path("loaded_at"), h.path("registry").path("loaded_at"));
            Reply r = server.check(BRIDGE);
            assertEquals("allow", r.json().path("effect").asText());
            assertEquals(before.path("registry").path("digest"), r.json().path("registry").path("digest"));
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_last_reload_rejected 1\n"), metrics);
            assertTrue(metrics.contains("flexauth_reloads_total{result=\"rejected\",trigger=\"file\"} 1\n"), metrics);
            assertTrue(server.serverLog().contains("reload rejected (trigger file); still serving"), server.serverLog());
            assertTrue(server.serverLog().contains("entities.actor[2].max_ttl_hours: expected integer"), server.serverLog());

            Fixtures.writeInPlace(registry(), Fixtures.registry());
            JsonNode fixed = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("accepted"));
            assertEquals("ok", fixed.path("status").asText());
            assertEquals(0, fixed.path("last_reload").path("errors").size());
            assertTrue(server.get("/metrics").body().contains("flexauth_last_reload_rejected 0\n"));
        }
    }

    @Test
    void an_invalid_policy_is_refused_with_its_file_line_and_column() throws Exception {
        try (TestServer server = watching()) {
            Fixtures.replaceAtomically(policy(), Fixtures.policyWithTypo());
            JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));

            assertEquals(policy() + ":71:32: unknown_field: unknown field \"acton\"; did you mean \"actor\"?",
                    h.path("last_reload").path("errors").get(0).asText());
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
        }
    }

    @Test
    void a_deleted_registry_is_a_rejected_reload_not_an_outage() throws Exception {
        try (TestServer server = watching()) {
            Files.delete(registry());
            JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));

            assertTrue(h.path("last_reload").path("errors").get(0).asText().startsWith(registry() + ": "), h::toString);
            assertEquals(200, server.get("/healthz").status());
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());

            Fixtures.writeInPlace(registry(), Fixtures.registry());
            server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("accepted"));
        }
    }

    /**
     * A Kubernetes ConfigMap volume: {@code registry.json -> ..data/registry.json}, {@code ..data ->
     * ..<timestamp>}; an update writes a new timestamped directory and renames a new {@code ..data}
     * symlink over the old one.
     */
    @Test
    void a_configmap_style_symlink_swap_is_swapped_in() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_06_23_00_00_00.000000001"));
        Files.writeString(v1.resolve("registry.json"), Fixtures.registry());
        Files.writeString(v1.resolve("policy.md"), Fixtures.policy());
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(registry(), Path.of("..data", "registry.json"));
        Files.createSymbolicLink(policy(), Path.of("..data", "policy.md"));
        try (TestServer server = TestServer.start(TestServer.config(registry(), policy()).withWatchFiles(true))) {
            Path v2 = Files.createDirectory(dir.resolve("..2026_06_24_00_00_00.000000002"));
            Files.writeString(v2.resolve("registry.json"), Fixtures.registryWithout("atm-backup-daily"));
            Files.writeString(v2.resolve("policy.md"), Fixtures.policy());
            String after = digestOf(v2.resolve("registry.json"), v2.resolve("policy.md"));

            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            JsonNode h = server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(after));

            assertEquals("accepted", h.path("last_reload").path("result").asText());
            assertEquals("file", h.path("last_reload").path("trigger").asText());
            Reply r = server.check("{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\"}");
            assertEquals("unknown_actor_resource", r.json().path("reason").asText());
        }
    }

    @Test
    void sighup_reloads() throws Exception {
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(TestServer.config(registry(), policy()).withReloadOnSighup(true))) {
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("adm-example"));
            String after = digestOf(registry(), policy());

            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
            assertEquals(0, kill.waitFor());
            JsonNode h = server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(after));

            assertEquals("signal", h.path("last_reload").path("trigger").asText());
            assertTrue(server.serverLog().contains("reload accepted (trigger signal)"), server.serverLog());
        }
    }

    @Test
    void the_admin_endpoint_answers_what_it_did() throws Exception {
        TestServer.copyExamples(dir);
        Path token = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN);
        try (TestServer server = TestServer.start(TestServer.config(registry(), policy()).withAdminTokenFile(token))) {
            String oldRegistry = digestOf(registry(), policy());
            String policyDigest = EngineLoader.defaults().load(registry(), policy()).policy().digest();
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("adm-example"));
            String newRegistry = digestOf(registry(), policy());

            Reply accepted = server.post("/v1/admin/reload", null, new byte[0], "Authorization", "Bearer " + ADMIN_TOKEN);

            assertEquals(200, accepted.status(), accepted::toString);
            JsonNode a = accepted.json();
            assertEquals("accepted", a.path("result").asText());
            assertEquals("admin", a.path("trigger").asText());
            assertEquals(oldRegistry, a.path("old").path("registry_digest").asText());
            assertEquals(newRegistry, a.path("new").path("registry_digest").asText());
            assertEquals(policyDigest, a.path("old").path("policy_digest").asText());
            assertEquals(policyDigest, a.path("new").path("policy_digest").asText());
            assertEquals(0, a.path("errors").size());
            assertEquals(16, a.path("examples").path("passed").asInt());
            assertEquals(3, a.path("examples").path("failed").asInt());

            Fixtures.replaceAtomically(registry(), Fixtures.registryWithStringTtl());
            Reply rejected = server.post("/v1/admin/reload", null, new byte[0], "Authorization", "Bearer " + ADMIN_TOKEN);

            assertEquals(422, rejected.status(), rejected::toString);
            JsonNode j = rejected.json();
            assertEquals("reload_rejected", j.path("error").asText());
            assertEquals("the registry and policy files were refused (1 problem); the previous pair keeps serving",
                    j.path("message").asText());
            assertEquals("rejected", j.path("result").asText());
            assertEquals(newRegistry, j.path("old").path("registry_digest").asText());
            assertTrue(j.path("new").isNull());
            assertEquals(registry() + ": entities.actor[2].max_ttl_hours: expected integer, got string \"24\"",
                    j.path("errors").get(0).asText());
            assertEquals(newRegistry, server.check(BRIDGE).json().path("registry").path("digest").asText());
        }
    }
}
