package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Clients that open a request and never finish it (slowloris) must not starve the clients that
 * do: while more stalled requests than there are worker threads are open, a well-behaved client
 * is still answered at once. Before this was fixed, each stalled body held a worker until the read
 * timeout, the well-behaved requests waited unread in the queue, and the JDK's request timer,
 * which starts at a request's first byte, closed them unanswered.
 */
class SlowClientsTest {
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";

    @Test
    void stalled_requests_do_not_starve_well_behaved_clients() throws Exception {
        int workers = 4;
        int perWave = Scale.of(2 * workers, 20 * workers);
        byte[] body = ALLOW.getBytes(StandardCharsets.UTF_8);
        byte[] stalledRequest = Wire.concat(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                "Content-Length: " + (body.length + 1)).getBytes(StandardCharsets.ISO_8859_1), body);
        List<Wire> open = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> outcomes = new TreeMap<>();
        long worstMillis = 0;
        int requests = 0;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config().withWorkerThreads(workers))) {
            // The attacker opens a wave of requests that never finish every 500 ms, as each is cut off.
            Thread attacker = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    for (int i = 0; i < perWave; i++) {
                        open.add(Wire.open(server.port()).send(stalledRequest));
                    }
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "slowloris");
            attacker.start();
            HostileInputTest.sleep(200);
            long until = System.nanoTime() + InProcessServer.READ_TIMEOUT.plusSeconds(1).toNanos();
            while (System.nanoTime() < until) {
                long start = System.nanoTime();
                Answer a = Client.postOnce(server.port(), "/v1/check", ALLOW);
                worstMillis = Math.max(worstMillis, (System.nanoTime() - start) / 1_000_000);
                outcomes.merge(a.grants() ? "allowed" : a.label(), 1, Integer::sum);
                requests++;
                HostileInputTest.sleep(50);
            }
            attacker.interrupt();
            attacker.join();
            // Before the server stops, so that it need not wait out the stalled requests.
            open.forEach(Wire::close);
        } finally {
            open.forEach(Wire::close);
        }

        Figures.of("slow-clients").put("workers", workers).put("stalled_per_500ms", perWave).put("stalled_total", open.size())
                .put("requests", requests).put("outcomes", outcomes).put("slowest_answer_ms", worstMillis).print();
        assertEquals(Map.of("allowed", requests), outcomes);
        long worst = worstMillis;
        assertTrue(worst < 1000, () -> "a well-behaved request waited " + worst + " ms behind stalled ones");
    }
}
