package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.log.LogVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every accepted reload says what it changed in who may do what: the grants gained and lost, in
 * the server log and as a {@code reload} event line of the decision log, whose chain still verifies.
 */
class ReloadGrantsTest {
    private static final Path TTL_48 = Path.of("..", "flex-auth-core", "src", "test", "resources", "analysis",
            "registry_bridge_ttl_48.json").toAbsolutePath().normalize();
    private static final String GAINED = "actor agt-state-hub-bridge: subject=\"agt-state-hub-bridge\"|\"iam:agt-state-hub-bridge\""
            + " action=\"ssh.sign\" principal=absent|\"agt-task-bridge\" ttl_hours=25..48";

    @TempDir
    Path dir;

    @Test
    void aPromotionThatRaisesATtlRecordsTheGrantItGainsAndAReversalTheOneItLoses() throws Exception {
        TestServer.copyExamples(dir);
        Path registry = dir.resolve("registry.json");
        Path policy = dir.resolve("policy.md");
        Path log = dir.resolve("decisions.jsonl");
        String original = Files.readString(registry);
        try (TestServer s = TestServer.start(TestServer.config(registry, policy).withLog(log).withWatchFiles(true)
                .withReloadPoll(Duration.ZERO))) {
            Fixtures.replaceAtomically(registry, Files.readString(TTL_48));
            String raised = EngineLoader.defaults().load(registry, policy).registry().digest();
            s.awaitHealth(j -> j.path("registry").path("digest").asText().equals(raised));
            s.awaitServerLog("reload grants: 1 gained, 0 lost; gained " + GAINED);

            Fixtures.replaceAtomically(registry, original);
            String back = EngineLoader.defaults().load(registry, policy).registry().digest();
            s.awaitHealth(j -> j.path("registry").path("digest").asText().equals(back));
            s.awaitServerLog("reload grants: 0 gained, 1 lost; lost " + GAINED);
        }
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode first = TestJson.MAPPER.readTree(lines.get(0));
        assertEquals("reload", first.path("event").asText());
        assertEquals("file", first.path("trigger").asText());
        assertEquals(1, first.path("grants").path("gained").asLong());
        assertEquals(0, first.path("grants").path("lost").asLong());
        assertEquals(GAINED, first.path("grants").path("first_gained").get(0).asText());
        assertTrue(first.path("decision_id").isMissingNode(), "an event line is not a decision");
        JsonNode second = TestJson.MAPPER.readTree(lines.get(1));
        assertEquals(GAINED, second.path("grants").path("first_lost").get(0).asText());
        assertEquals(first.path("registry").path("after").asText(), second.path("registry").path("before").asText());
        assertTrue(LogVerifier.verify(log).ok(), "the chain holds the event lines like any other");
    }
}
