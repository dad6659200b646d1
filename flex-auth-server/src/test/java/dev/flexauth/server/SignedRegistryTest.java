package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.EngineLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --registry-signers}, the real server serves only snapshots whose {@code .sig} (made
 * by the real ssh-keygen, see {@code flex-auth-core/src/test/resources/signing}) verifies: it does
 * not start without one, keeps the last good pair when a reload brings a snapshot that is
 * unsigned or whose signature does not match, and lands the new pair once snapshot and signature
 * match, whichever of the two is replaced first.
 */
public class SignedRegistryTest {
    public static final Path SIGNING = TestServer.EXAMPLES.resolve("../../flex-auth-core/src/test/resources/signing").normalize();
    public static final Path SIGNERS = SIGNING.resolve("allowed_signers");
    public static final String BRIDGE = ReloadTest.BRIDGE;

    @TempDir
    Path dir;
    Path registry;
    Path sig;
    Path policy;

    @BeforeEach
    void files() throws IOException {
        registry = dir.resolve("registry.json");
        sig = dir.resolve("registry.json.sig");
        policy = Files.copy(TestServer.POLICY, dir.resolve("policy.md"));
    }

    private static Path fixture(String name) {
        return SIGNING.resolve(name);
    }

    /** Writes beside {@code target} and renames over it, as a publisher of snapshots must. */
    private static void publish(Path from, Path target) {
        try {
            Path tmp = Files.copy(from, target.resolveSibling("." + target.getFileName() + ".tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String digestOf(String snapshot) throws Exception {
        return EngineLoader.defaults().load(fixture(snapshot), policy).registry().digest();
    }

    private TestServer start(boolean watch) throws Exception {
        return TestServer.start(TestServer.config(registry, policy).withRegistrySigners(SIGNERS).withWatchFiles(watch));
    }

    @Test
    void a_signed_snapshot_is_served_and_the_start_line_says_signatures_are_required() throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.ecdsa_p256.sig"), sig);
        try (TestServer server = start(false)) {
            assertEquals(digestOf("registry_production.json"), server.get("/healthz").json().path("registry").path("digest").asText());
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());
            assertTrue(server.serverLog().contains("; registry signatures required: 3 keys in " + SIGNERS + ")"), server.serverLog());
        }
    }

    @Test
    void the_server_does_not_start_without_a_valid_signature() throws Exception {
        publish(fixture("registry_production.json"), registry);
        ServerStartException missing = assertThrows(ServerStartException.class, () -> start(false));
        assertEquals(List.of(registry + ": signature " + sig + " not found; registry signers are configured, so every snapshot"
                + " needs one beside it: ssh-keygen -Y sign -n flex-auth-registry -f KEY " + registry), missing.problems());

        publish(fixture("registry_production.json.other_namespace.sig"), sig);
        ServerStartException namespace = assertThrows(ServerStartException.class, () -> start(false));
        assertEquals(List.of(registry + ": signature " + sig + " was made for namespace \"other\", expected \"flex-auth-registry\":"
                + " sign with ssh-keygen -Y sign -n flex-auth-registry"), namespace.problems());

        publish(fixture("registry_bridge_removed.json.sig"), sig);
        ServerStartException stale = assertThrows(ServerStartException.class, () -> start(false));
        assertTrue(stale.problems().get(0).startsWith(registry + ": signature " + sig + " does not match the snapshot's bytes"),
                stale::getMessage);
    }

    @Test
    void a_bad_allowed_signers_file_refuses_the_start_and_names_its_line() throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.sig"), sig);
        Path signers = Files.writeString(dir.resolve("allowed_signers"), "ops-warden-registry ssh-ed25519\n");
        ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(
                TestServer.config(registry, policy).withRegistrySigners(signers)));
        assertEquals(List.of("--registry-signers " + signers + ":1: missing base64 key; expected PRINCIPALS [OPTIONS] KEYTYPE"
                + " BASE64KEY [COMMENT]"), e.problems());
    }

    @Test
    void an_unsigned_or_mis_signed_reload_is_rejected_and_the_last_good_pair_keeps_serving() throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.sig"), sig);
        String good = digestOf("registry_production.json");
        try (TestServer server = start(true)) {
            // A snapshot edited by hand (the bridge agent removed), its old signature left beside it.
            Fixtures.replaceAtomically(registry, Fixtures.registryWithout("adm-example"));
            JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));
            assertEquals(good, h.path("registry").path("digest").asText());
            assertTrue(h.path("last_reload").path("errors").get(0).asText()
                    .startsWith(registry + ": signature " + sig + " does not match the snapshot's bytes"), h::toString);
            assertTrue(server.get("/metrics").body().contains("flexauth_last_reload_rejected 1\n"));
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());

            // The signature removed: still the last good pair.
            Files.delete(sig);
            server.awaitHealth(j -> j.path("last_reload").path("errors").toString().contains(" not found; registry signers are configured"));
            assertEquals(good, server.check(BRIDGE).json().path("registry").path("digest").asText());
            assertTrue(server.serverLog().contains("reload rejected (trigger file); still serving"), server.serverLog());
        }
    }

    @Test
    void snapshot_replaced_first_and_signature_second_the_mismatched_pair_is_never_served_then_the_new_pair_lands()
            throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.sig"), sig);
        String before = digestOf("registry_production.json");
        String after = digestOf("registry_bridge_removed.json");
        try (TestServer server = start(true)) {
            publish(fixture("registry_bridge_removed.json"), registry);
            JsonNode gap = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));
            assertEquals(before, gap.path("registry").path("digest").asText());
            assertEquals("allow", server.check(BRIDGE).json().path("effect").asText());

            publish(fixture("registry_bridge_removed.json.sig"), sig);
            JsonNode landed = server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(after));
            assertEquals("accepted", landed.path("last_reload").path("result").asText());
            Reply r = server.check(BRIDGE);
            assertEquals("deny", r.json().path("effect").asText());
            assertEquals("unknown_actor_resource", r.json().path("reason").asText());
        }
    }

    @Test
    void signature_replaced_first_and_snapshot_second_also_lands_the_new_pair() throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.sig"), sig);
        String before = digestOf("registry_production.json");
        String after = digestOf("registry_bridge_removed.json");
        try (TestServer server = start(true)) {
            publish(fixture("registry_bridge_removed.json.sig"), sig);
            JsonNode gap = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));
            assertEquals(before, gap.path("registry").path("digest").asText());

            publish(fixture("registry_bridge_removed.json"), registry);
            server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(after)
                    && j.path("last_reload").path("result").asText().equals("accepted"));
        }
    }

    @Test
    void pairs_replaced_back_to_back_never_serve_an_unsigned_snapshot_and_never_wedge() throws Exception {
        publish(fixture("registry_production.json"), registry);
        publish(fixture("registry_production.json.sig"), sig);
        String a = digestOf("registry_production.json");
        String b = digestOf("registry_bridge_removed.json");
        Set<String> served = ConcurrentHashMap.newKeySet();
        AtomicBoolean stop = new AtomicBoolean();
        try (TestServer server = start(true)) {
            Thread watcher = new Thread(() -> {
                while (!stop.get()) {
                    served.add(server.check(BRIDGE).json().path("registry").path("digest").asText());
                }
            });
            watcher.start();
            // An unsigned snapshot beside A's signature: it must never decide anything.
            Fixtures.replaceAtomically(registry, Fixtures.registryWithout("adm-example"));
            server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));
            for (int i = 0; i < 12; i++) {
                String next = i % 2 == 0 ? "registry_bridge_removed.json" : "registry_production.json";
                // Snapshot then signature, or the other way round, with no pause between.
                if (i % 4 < 2) {
                    publish(fixture(next), registry);
                    publish(fixture(next + ".sig"), sig);
                } else {
                    publish(fixture(next + ".sig"), sig);
                    publish(fixture(next), registry);
                }
                TestServer.pause(i * 15L);
            }
            // The last pair written is A's: it lands, and the server is still reloading.
            server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(a)
                    && j.path("last_reload").path("result").asText().equals("accepted"));
            publish(fixture("registry_bridge_removed.json"), registry);
            publish(fixture("registry_bridge_removed.json.sig"), sig);
            server.awaitHealth(j -> j.path("registry").path("digest").asText().equals(b)
                    && j.path("last_reload").path("result").asText().equals("accepted"));
            stop.set(true);
            watcher.join();
        }
        assertFalse(served.isEmpty());
        assertTrue(Set.of(a, b).containsAll(served), "served digests " + served + ", expected only " + a + " and " + b);
    }
}
