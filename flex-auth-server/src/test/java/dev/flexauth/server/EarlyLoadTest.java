package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code serve}'s early load ({@link EarlyLoad}) is only a guess from the raw arguments: the
 * server uses its outcome for exactly the files its parsed configuration names, and loads the pair
 * itself otherwise, so a wrong guess costs time, never a decision.
 */
class EarlyLoadTest {
    private static final String BRIDGE = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\","
            + "\"action\":\"ssh.sign\"}";

    @TempDir
    Path dir;

    @AfterEach
    void nothingLeftBehind() {
        assertNull(EarlyLoad.take(TestServer.REGISTRY, TestServer.POLICY), "each test's early load is taken or dropped");
    }

    @Test
    void a_plain_pair_is_guessed_in_either_spelling() {
        assertNotNull(EarlyLoad.guess(new String[] {"serve", "--registry", "r.json", "--policy", "p.md"}));
        assertNotNull(EarlyLoad.guess(new String[] {"--verbose", "serve", "--addr", "0.0.0.0:8080", "--registry=r.json",
            "--log", "d.jsonl", "--policy=p.md"}));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "serve --registry r.json",
        "serve --policy p.md",
        "serve --registry r.json --registry s.json --policy p.md",
        "serve --registry https://inventory/r.json --policy p.md",
        "serve --registry r.json --policy http://inventory/p.md",
        "serve --registry r.json --policy p.md --registry-signers allowed_signers",
        "serve --registry r.json --policy p.md --require-examples",
        "serve --registry r.json --policy p.md --help",
        "serve -h --registry r.json --policy p.md",
        "serve @serve.args",
        "serve --registry= --policy p.md",
        "serve --policy p.md --registry",
    })
    void anything_but_a_plain_pair_is_left_to_the_main_thread(String line) {
        assertNull(EarlyLoad.guess(line.split(" ")));
    }

    @Test
    void the_outcome_is_given_once_and_only_for_the_same_files() {
        String[] args = {"serve", "--registry", TestServer.REGISTRY.toString(), "--policy", TestServer.POLICY.toString()};
        EarlyLoad.start(args);
        EarlyLoad.Outcome outcome = EarlyLoad.take(TestServer.REGISTRY, TestServer.POLICY);
        assertNotNull(outcome);
        assertNull(outcome.refused());
        assertEquals(1, outcome.engine().registry().kinds().size());
        assertEquals(64 + 1 + 64, outcome.files().finish().length(), "the registry's and the policy's SHA-256");
        assertNull(EarlyLoad.take(TestServer.REGISTRY, TestServer.POLICY), "given once");

        EarlyLoad.start(args);
        assertNull(EarlyLoad.take(dir.resolve("other.json"), TestServer.POLICY));
        assertNull(EarlyLoad.take(TestServer.REGISTRY, TestServer.POLICY), "a load of other files is dropped, not kept");
    }

    @Test
    void the_server_takes_the_early_load_of_its_own_files() throws Exception {
        EarlyLoad.start(new String[] {"serve", "--registry", TestServer.REGISTRY.toString(), "--policy", TestServer.POLICY.toString()});
        try (TestServer server = TestServer.start(TestServer.config())) {
            assertNull(EarlyLoad.take(TestServer.REGISTRY, TestServer.POLICY), "the server took it");
            Reply r = server.check(BRIDGE);
            assertEquals("allow", r.json().path("effect").asText(), r::toString);
            assertEquals("signing_policy_matched", r.json().path("reason").asText(), r::toString);
        }
    }

    /** The guess named one registry, the parsed command line another: the server loads and serves its own. */
    @Test
    void an_early_load_of_other_files_is_never_served() throws Exception {
        Path registry = dir.resolve("registry.json");
        String withoutBridge = Files.readString(TestServer.REGISTRY).replace("\"agt-state-hub-bridge\"", "\"agt-state-hub-gone\"")
                .replace("\"iam:agt-state-hub-bridge\"", "\"iam:agt-state-hub-gone\"");
        Files.writeString(registry, withoutBridge, StandardCharsets.UTF_8);
        EarlyLoad.start(new String[] {"serve", "--registry", TestServer.REGISTRY.toString(), "--policy", TestServer.POLICY.toString()});
        try (TestServer server = TestServer.start(TestServer.config(registry, TestServer.POLICY))) {
            Reply r = server.check(BRIDGE);
            assertEquals("deny", r.json().path("effect").asText(), r::toString);
            assertEquals("unknown_actor_resource", r.json().path("reason").asText(), r::toString);
        }
    }

    /** A pair the early load refused is refused by the start with the same problems as without it. */
    @Test
    void a_refused_early_load_refuses_the_start_as_the_server_would() throws Exception {
        Path registry = Files.writeString(dir.resolve("broken.json"), "{\"format\": \"flex-auth/registry\",");
        ServerStartException alone = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config(registry, TestServer.POLICY)).close());
        EarlyLoad.start(new String[] {"serve", "--registry", registry.toString(), "--policy", TestServer.POLICY.toString()});
        ServerStartException early = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config(registry, TestServer.POLICY)).close());
        assertEquals(alone.problems(), early.problems());
    }
}
