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
        // Within the server's capacity: at most 6 waves (3 s of them) in progress, under workers + queue.
        Result r = attack(4, 256, Scale.of(8, 40));
        Figures.of("slow-clients").put("workers", 4).put("queue", 256).put("stalled_per_500ms", r.perWave)
                .put("stalled_total", r.stalled).put("requests", r.requests).put("outcomes", r.outcomes)
                .put("slowest_answer_ms", r.slowestMillis).print();

        assertEquals(Map.of("allowed", r.requests), r.outcomes);
        assertTrue(r.slowestMillis < 1000, () -> "a well-behaved request waited " + r.slowestMillis + " ms behind stalled ones");
    }

    /**
     * Beyond the capacity (2 workers and a queue of 8, attacked with 20 stalled requests every
     * 500 ms) well-behaved clients are shed with 503 and Retry-After, never dropped unanswered, and
     * are allowed again as soon as the attack stops. Before, the JDK read the unread rest of each
     * shed request's body after the 503, so two stalled bodies held both shedding threads until
     * the read timeout, the shedding queue filled, and new connections were closed unanswered.
     */
    @Test
    void beyond_the_capacity_well_behaved_clients_are_shed_with_503_and_served_after() throws Exception {
        Result r = attack(2, 8, 20);
        Figures.of("slow-clients-over-capacity").put("workers", 2).put("queue", 8).put("stalled_per_500ms", r.perWave)
                .put("stalled_total", r.stalled).put("requests", r.requests).put("outcomes", r.outcomes)
                .put("allowed_after_the_attack", r.after).print();

        assertTrue(r.outcomes.keySet().stream().allMatch(k -> k.equals("allowed") || k.equals("flex-auth 503 overloaded")),
                r.outcomes::toString);
        assertTrue(r.after, "a well-behaved request after the attack");
    }

    /** What the well-behaved client saw during an attack. */
    private record Result(int perWave, int stalled, int requests, Map<String, Integer> outcomes, long slowestMillis, boolean after) {
    }

    /** Opens {@code perWave} requests that never finish every 500 ms while a client checks every 50 ms. */
    private static Result attack(int workers, int queue, int perWave) throws Exception {
        byte[] body = ALLOW.getBytes(StandardCharsets.UTF_8);
        byte[] stalledRequest = Wire.concat(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                "Content-Length: " + (body.length + 1)).getBytes(StandardCharsets.ISO_8859_1), body);
        List<Wire> open = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, Integer> outcomes = new TreeMap<>();
        long worstMillis = 0;
        int requests = 0;
        boolean after;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config().withWorkerThreads(workers)
                .withQueueCapacity(queue))) {
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
            long until = System.nanoTime() + java.time.Duration.ofMillis(2500).toNanos();
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
            HostileInputTest.sleep(300);
            after = Client.postOnce(server.port(), "/v1/check", ALLOW).grants();
        } finally {
            open.forEach(Wire::close);
        }
        return new Result(perWave, open.size(), requests, outcomes, worstMillis, after);
    }
}
