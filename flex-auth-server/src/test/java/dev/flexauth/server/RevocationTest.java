package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an actor removed from the snapshot is denied, whatever shares the registry's directory.
 * Every test keeps the decision log beside the registry and a client checking without pause, so
 * the directory sees a write per answer; then it revokes {@code agt-state-hub-bridge} through one
 * trigger and waits (generously: 10 s; the benchmark measures the real latency) for the deny.
 */
class RevocationTest {
    static final String BRIDGE = ReloadTest.BRIDGE;

    @TempDir
    Path dir;

    private Path registry() {
        return dir.resolve("registry.json");
    }

    private Path policy() {
        return dir.resolve("policy.md");
    }

    private Path decisionLog() {
        return dir.resolve("decisions.jsonl");
    }

    /** The server as deployed: default reload timings, the decision log in the registry's directory. */
    private ServerConfig besideTheLog() {
        return TestServer.config(registry(), policy()).withLog(decisionLog())
                .withReloadDebounce(ServerConfig.DEFAULT_RELOAD_DEBOUNCE)
                .withReloadMaxDelay(ServerConfig.DEFAULT_RELOAD_MAX_DELAY);
    }

    /** File events only: the periodic check is off, so it cannot be what reloads. */
    private ServerConfig eventsOnly() {
        return besideTheLog().withWatchFiles(true).withReloadPoll(Duration.ZERO);
    }

    /** Checks the bridge agent until it is denied (at most 10 s); asserts why it was denied. */
    private static void awaitRevoked(TestServer server) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            JsonNode r = server.check(BRIDGE).json();
            if (r.path("effect").asText().equals("deny")) {
                assertEquals("unknown_actor_resource", r.path("reason").asText(), r::toString);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the removed actor was still allowed after 10 s; /healthz: " + server.get("/healthz").body());
            }
            TestServer.pause(10);
        }
    }

    private void assertTrafficKeptFlowing(SteadyTraffic traffic, long answeredBefore) throws Exception {
        traffic.awaitAnswers(10);
        assertEquals(0, traffic.failed(), "requests failed during the reload");
        assertTrue(traffic.answered() > answeredBefore);
        assertTrue(Files.size(decisionLog()) > 0, "the decision log beside the registry was not written");
    }

    /** /healthz publishes the outcome just after the swap: waits for it to name {@code trigger}, accepted. */
    private static void awaitLastTrigger(TestServer server, String trigger) {
        JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("trigger").asText().equals(trigger));
        assertEquals("accepted", h.path("last_reload").path("result").asText(), h::toString);
    }

    @Test
    void a_registry_written_in_place_revokes() throws Exception {
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(eventsOnly()); SteadyTraffic traffic = SteadyTraffic.start(server)) {
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
            long before = traffic.answered();

            Fixtures.writeInPlace(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            awaitRevoked(server);

            awaitLastTrigger(server, "file");
            assertTrafficKeptFlowing(traffic, before);
        }
    }

    @Test
    void a_registry_renamed_into_place_revokes() throws Exception {
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(eventsOnly()); SteadyTraffic traffic = SteadyTraffic.start(server)) {
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
            long before = traffic.answered();

            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            awaitRevoked(server);

            awaitLastTrigger(server, "file");
            assertTrafficKeptFlowing(traffic, before);
        }
    }

    /** A Kubernetes ConfigMap: {@code registry.json -> ..data/registry.json}, and an update swaps {@code ..data}. */
    @Test
    void a_configmap_symlink_swap_revokes() throws Exception {
        Path v1 = Files.createDirectory(dir.resolve("..2026_06_23_00_00_00.000000001"));
        Files.writeString(v1.resolve("registry.json"), Fixtures.registry());
        Files.writeString(v1.resolve("policy.md"), Fixtures.policy());
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(registry(), Path.of("..data", "registry.json"));
        Files.createSymbolicLink(policy(), Path.of("..data", "policy.md"));
        try (TestServer server = TestServer.start(eventsOnly()); SteadyTraffic traffic = SteadyTraffic.start(server)) {
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
            long before = traffic.answered();
            Path v2 = Files.createDirectory(dir.resolve("..2026_06_24_00_00_00.000000002"));
            Files.writeString(v2.resolve("registry.json"), Fixtures.registryWithout("agt-state-hub-bridge"));
            Files.writeString(v2.resolve("policy.md"), Fixtures.policy());

            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            awaitRevoked(server);

            awaitLastTrigger(server, "file");
            assertTrafficKeptFlowing(traffic, before);
        }
    }

    @Test
    void sighup_revokes() throws Exception {
        TestServer.copyExamples(dir);
        try (TestServer server = TestServer.start(besideTheLog().withReloadOnSighup(true));
                SteadyTraffic traffic = SteadyTraffic.start(server)) {
            long before = traffic.answered();
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText(), "reloaded without a trigger");

            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
            assertEquals(0, kill.waitFor());
            awaitRevoked(server);

            awaitLastTrigger(server, "signal");
            assertTrafficKeptFlowing(traffic, before);
        }
    }

    @Test
    void the_admin_endpoint_revokes() throws Exception {
        TestServer.copyExamples(dir);
        Path token = Files.writeString(dir.resolve("admin.token"), ReloadTest.ADMIN_TOKEN);
        try (TestServer server = TestServer.start(besideTheLog().withAdminTokenFile(token));
                SteadyTraffic traffic = SteadyTraffic.start(server)) {
            long before = traffic.answered();
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));

            Reply r = server.post("/v1/admin/reload", null, new byte[0], "Authorization", "Bearer " + ReloadTest.ADMIN_TOKEN);
            assertEquals(200, r.status(), r::toString);
            awaitRevoked(server);

            awaitLastTrigger(server, "admin");
            assertTrafficKeptFlowing(traffic, before);
        }
    }

    /**
     * The registry replaced again and again, every 20 ms, for as long as the test waits: each
     * rename is an event for the watched name, so a debounce alone would never fire. The max delay
     * fires it while the renames go on.
     */
    @Test
    void a_burst_of_events_that_never_pauses_cannot_postpone_the_revocation() throws Exception {
        TestServer.copyExamples(dir);
        String revoked = Fixtures.registryWithout("agt-state-hub-bridge");
        AtomicBoolean renaming = new AtomicBoolean(true);
        AtomicLong renames = new AtomicLong();
        try (TestServer server = TestServer.start(eventsOnly()); SteadyTraffic traffic = SteadyTraffic.start(server)) {
            Thread renamer = new Thread(() -> {
                while (renaming.get()) {
                    Fixtures.replaceAtomically(registry(), revoked);
                    renames.incrementAndGet();
                    TestServer.pause(20);
                }
            }, "renamer");
            renamer.setDaemon(true);
            renamer.start();
            try {
                awaitRevoked(server);
                long renamesAtRevocation = renames.get();
                TestServer.pause(200);
                assertTrue(renames.get() > renamesAtRevocation, "the renames had stopped before the revocation");
            } finally {
                renaming.set(false);
                renamer.join(10_000);
            }
            awaitLastTrigger(server, "file");
        }
    }

    /**
     * A change no event reports: {@code registry.json -> current/registry.json}, and {@code current}
     * itself a symlink to a version directory, retargeted in a directory nobody watches. The
     * periodic check sees the identity change and reloads.
     */
    @Test
    void the_periodic_check_revokes_what_no_event_reported() throws Exception {
        Path versions = Files.createDirectories(dir.resolve("versions"));
        Path v1 = Files.createDirectory(versions.resolve("v1"));
        Path v2 = Files.createDirectory(versions.resolve("v2"));
        Files.writeString(v1.resolve("registry.json"), Fixtures.registry());
        Files.writeString(v2.resolve("registry.json"), Fixtures.registryWithout("agt-state-hub-bridge"));
        Path links = Files.createDirectory(dir.resolve("links"));
        Files.createSymbolicLink(links.resolve("current"), v1);
        Files.createSymbolicLink(registry(), links.resolve("current").resolve("registry.json"));
        Files.writeString(policy(), Fixtures.policy());
        try (TestServer server = TestServer.start(besideTheLog().withWatchFiles(true).withReloadPoll(Duration.ofMillis(500)));
                SteadyTraffic traffic = SteadyTraffic.start(server)) {
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
            long before = traffic.answered();

            Files.createSymbolicLink(links.resolve("next"), v2);
            Files.move(links.resolve("next"), links.resolve("current"), StandardCopyOption.ATOMIC_MOVE);
            awaitRevoked(server);

            awaitLastTrigger(server, "poll");
            assertTrafficKeptFlowing(traffic, before);
        }
    }
}
