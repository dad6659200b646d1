package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.server.observability.InstanceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica names itself in every decision-log record, /healthz, the metrics and the server log's start line. */
class InstanceIdTest {
    private static final String BRIDGE = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\","
            + "\"action\":\"ssh.sign\",\"ttl_hours\":24}";
    private static final String AUTHZEN = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},"
            + "\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},"
            + "\"context\":{\"ttl_hours\":24}}";

    @TempDir
    Path dir;

    @Test
    void theInstanceIdIsInEveryPlaceAnOperatorLooks() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        String health;
        String metrics;
        String serverLog;
        JsonNode envelope;
        JsonNode evaluation;
        try (TestServer server = TestServer.start(TestServer.config().withLog(log).withInstanceId("flex-auth-5c7d9-x2m4q"))) {
            envelope = server.check(BRIDGE).json();
            evaluation = server.post("/access/v1/evaluation", "application/json", AUTHZEN.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .json();
            health = server.get("/healthz").body();
            metrics = server.get("/metrics").body();
            serverLog = server.serverLog();
        }
        List<String> lines = Files.readAllLines(log);
        JsonNode h = TestJson.MAPPER.readTree(health);
        assertAll(
                () -> assertEquals(2, lines.size()),
                () -> assertEquals("flex-auth-5c7d9-x2m4q", TestJson.MAPPER.readTree(lines.get(0)).path("instance").asText(), lines.get(0)),
                () -> assertEquals("flex-auth-5c7d9-x2m4q", TestJson.MAPPER.readTree(lines.get(1)).path("instance").asText(), lines.get(1)),
                () -> assertEquals("flex-auth-5c7d9-x2m4q", h.path("instance").asText(), health),
                () -> assertTrue(metrics.contains("\nflexauth_instance_info{instance_id=\"flex-auth-5c7d9-x2m4q\"} 1\n"), metrics),
                () -> assertTrue(serverLog.contains(" (instance flex-auth-5c7d9-x2m4q; "), serverLog),
                () -> assertEquals("2026-06-23T00:00:00Z", envelope.at("/registry/generated_at").asText(), envelope.toString()),
                () -> assertEquals("2026-06-23T00:00:00Z", evaluation.at("/context/registry/generated_at").asText(),
                        evaluation.toString()),
                () -> assertEquals(h.at("/registry/digest").asText(), evaluation.at("/context/registry/digest").asText()));
    }

    @Test
    void theDefaultIsThePodNameElseTheHostName() throws Exception {
        Path hostname = Files.writeString(dir.resolve("hostname"), "node-17.example\n");
        assertEquals("flex-auth-5c7d9-x2m4q", InstanceId.resolve(Map.of("POD_NAME", "flex-auth-5c7d9-x2m4q"), hostname));
        assertEquals("node-17.example", InstanceId.resolve(Map.of(), hostname));
        assertEquals("node-17.example", InstanceId.resolve(Map.of("POD_NAME", ""), hostname));
        assertTrue(ServerConfig.defaults(TestServer.REGISTRY, TestServer.POLICY).instanceId().matches("[A-Za-z0-9._:-]+"));
    }

    @Test
    void anIdThatCouldForgeALineOrALabelIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestServer.config().withInstanceId("a\"} 1\nflexauth_x{"));
        assertEquals("expected an instance id of 1 to 253 letters, digits, '.', '_', '-' or ':' (a pod or host name) but found"
                + " \"a\"} 1?flexauth_x{\"", e.getMessage());
    }
}
