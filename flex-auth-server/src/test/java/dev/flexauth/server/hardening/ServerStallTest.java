package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intermittent "header parser received no bytes" of a first request (docs/reliability.md):
 * the JDK's HTTP server times requests, and connections that have not yet sent a byte, by the wall
 * clock, so a serving process that is itself stalled for longer than the read timeout (starved of
 * CPU, paused) closes the connections it was about to answer. These tests pin what holds: fresh
 * servers answer their first request from fresh clients (under CPU load with -Preliability); a
 * stall shorter than the read timeout loses nothing; and with a longer stall (-Preliability, where
 * it is measured) every decision a client did receive is in the decision log.
 */
class ServerStallTest {
    static final String EVALUATION = "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":"
            + "\"ssh.sign\"},\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"}}";
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";

    @TempDir
    Path dir;

    /** Decision ids the clients of the pauses received. */
    private final List<String> received = new ArrayList<>();

    /** As AuthzenTest did when it failed once: a fresh server, a fresh HttpClient, its first request. */
    @Test
    void fresh_servers_answer_the_first_request_of_fresh_clients() throws Exception {
        int servers = Scale.of(20, 300);
        List<Process> load = new ArrayList<>();
        if (Scale.LONG) {
            // Twice as many CPU hogs as cores, as on the machine where the failure was seen.
            for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++) {
                load.add(new ProcessBuilder("yes").redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        long slowest = 0;
        try {
            for (int i = 0; i < servers; i++) {
                try (InProcessServer server = InProcessServer.start(InProcessServer.config())) {
                    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build();
                    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/access/v1/evaluation"))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(EVALUATION))
                            .timeout(Duration.ofSeconds(20)).build();
                    long start = System.nanoTime();
                    String outcome;
                    try {
                        outcome = "status " + client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                    } catch (IOException e) {
                        outcome = e.toString();
                    }
                    slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
                    outcomes.merge(outcome, 1, Integer::sum);
                }
            }
        } finally {
            load.forEach(Process::destroy);
        }
        Figures.of("fresh-servers-first-request").put("servers", servers).put("cpu_hogs", load.size()).put("outcomes", outcomes)
                .put("slowest_first_request_ms", slowest).print();
        assertEquals(Map.of("status 200", servers), outcomes);
    }

    /**
     * A serving process paused with SIGSTOP, and resumed: requests sent just before the pause and
     * during it are all answered when the pause is shorter than the read timeout.
     */
    @Test
    void a_stall_shorter_than_the_read_timeout_loses_no_request() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Map<String, Object> figures = new TreeMap<>();
        try (ServedProcess server = ServedProcess.start(List.of("-Xmx128m"), List.of("--registry", InProcessServer.REGISTRY.toString(),
                "--policy", InProcessServer.POLICY.toString(), "--addr", "127.0.0.1:0", "--log", log.toString(), "--read-timeout", "3",
                "--no-watch", "--no-sighup"))) {
            assertTrue(Client.postOnce(server.port(), "/v1/check", ALLOW).grants(), "warm-up");
            Map<String, Integer> short_ = stall(server, 2000, Scale.of(2, 10));
            figures.put("stall_2000ms", short_);
            assertEquals(Map.of("allowed", 2 * Scale.of(2, 10)), short_, "a 2 s stall, read timeout 3 s");
            if (Scale.LONG) {
                figures.put("stall_4500ms", stall(server, 4500, 10));
            }
        }
        Set<String> logged = new HashSet<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode j = TestJson.MAPPER.readTree(line);
            logged.add(j.path("decision_id").asText());
        }
        Figures.of("server-stall").put("outcomes", figures).put("decisions_logged", logged.size()).print();
        assertTrue(received.stream().allMatch(logged::contains), "every decision received is in the log");
    }

    /**
     * Pauses the server; sends requests during the pause on connections it accepted before, and on
     * connections made during it (the kernel completes those handshakes); resumes; reads.
     */
    private Map<String, Integer> stall(ServedProcess server, long millis, int perKind) throws Exception {
        byte[] request = Wire.post("/v1/check", ALLOW.getBytes(StandardCharsets.UTF_8));
        List<Wire> accepted = new ArrayList<>();
        List<Wire> queued = new ArrayList<>();
        Map<String, Integer> outcomes = new TreeMap<>();
        try {
            for (int i = 0; i < perKind; i++) {
                accepted.add(Wire.open(server.port()));
            }
            HostileInputTest.sleep(100);
            server.signal("STOP");
            accepted.forEach(w -> w.send(request));
            for (int i = 0; i < perKind; i++) {
                queued.add(Wire.open(server.port()).send(request));
            }
            HostileInputTest.sleep(millis);
            server.signal("CONT");
            for (List<Wire> kind : List.of(accepted, queued)) {
                for (Wire w : kind) {
                    Answer a = w.read();
                    if (a.grants()) {
                        received.add(a.json().path("decision_id").asText());
                    }
                    outcomes.merge(a.grants() ? "allowed" : (kind == accepted ? "connected before: " : "connected during: ")
                            + a.label(), 1, Integer::sum);
                }
            }
        } finally {
            accepted.forEach(Wire::close);
            queued.forEach(Wire::close);
        }
        return outcomes;
    }
}
