package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.server.transport.Admission;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Overload and slow clients: bounded queue answered with 503 and Retry-After; stalled clients cut off. */
class LimitsTest {
    static final String VALID = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";
    static final String STALLED_HEAD = RawHttp.head("POST", "/v1/check", "Content-Type: application/json", "Content-Length: 100");

    @Test
    void a_full_queue_is_answered_503_overloaded_with_retry_after() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config().withWorkerThreads(1).withQueueCapacity(1))) {
            Admission admission = server.server.admission();
            try (RawHttp busy = new RawHttp(server.port()); RawHttp waiting = new RawHttp(server.port())) {
                busy.send(STALLED_HEAD + "{");
                await(() -> admission.active() == 1, "the worker is busy with the stalled body");
                waiting.send(STALLED_HEAD + "{");
                await(() -> admission.queued() == 1, "the second request waits in the queue");

                Reply r = server.check(VALID);

                assertEquals(503, r.status(), r::toString);
                assertEquals("overloaded", r.error());
                assertEquals("1", r.header("Retry-After"));
                assertEquals("every worker is busy and the queue is full; retry in a moment", r.message());
            }
            await(() -> admission.active() == 0 && admission.queued() == 0, "the stalled clients left");
            assertEquals(200, server.check(VALID).status());
            assertTrue(server.get("/metrics").body().contains("flexauth_requests_shed_total 1\n"));
        }
    }

    @Test
    void clients_that_stall_are_disconnected_after_the_read_timeout() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config());
                RawHttp silent = new RawHttp(server.port());
                RawHttp halfHead = new RawHttp(server.port());
                RawHttp halfBody = new RawHttp(server.port())) {
            long start = System.nanoTime();
            halfHead.send("POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            halfBody.send(STALLED_HEAD + "{\"actor\":");

            assertTrue(halfHead.closedByServer(), "a client that never finishes its headers");
            assertTrue(halfBody.closedByServer(), "a client that never finishes its body");
            assertTrue(silent.closedByServer(), "a client that never sends a byte");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // The JDK checks its clocks every 250 ms (requests) and every second (new connections).
            assertTrue(took.compareTo(TestServer.READ_TIMEOUT.plusSeconds(3)) < 0, took::toString);
            assertEquals(200, server.check(VALID).status());
        }
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 5 s: " + what);
            }
            TestServer.pause(5);
        }
    }
}
