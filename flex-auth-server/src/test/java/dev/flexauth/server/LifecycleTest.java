package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.log.LogVerifier;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting (never without a valid pair) and stopping (gracefully). */
class LifecycleTest {
    static final String VALID = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";

    @TempDir
    Path dir;

    @Test
    void an_invalid_pair_refuses_to_start_and_lists_every_problem() throws Exception {
        Path registry = Files.writeString(dir.resolve("registry.json"), Fixtures.registryWithStringTtl());
        Path policy = Files.writeString(dir.resolve("policy.md"), Fixtures.policyWithTypo());

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config(registry, policy)));

        assertEquals(List.of(
                policy + ":71:32: unknown_field: unknown field \"acton\"; did you mean \"actor\"?",
                registry + ": entities.actor[2].max_ttl_hours: expected integer (as at entities.actor[0].max_ttl_hours), got string \"24\""),
                e.problems());
        assertTrue(e.getMessage().startsWith("flex-auth serve cannot start:\n  " + policy + ":71:32"), e.getMessage());
    }

    @Test
    void a_missing_registry_refuses_to_start() {
        Path missing = dir.resolve("missing.json");

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config(missing, TestServer.POLICY)));

        assertEquals(1, e.problems().size(), e::getMessage);
        assertTrue(e.problems().get(0).startsWith(missing + ": "), e::getMessage);
    }

    @Test
    void an_address_in_use_refuses_to_start() throws Exception {
        try (TestServer first = TestServer.start(TestServer.config())) {
            ServerStartException e = assertThrows(ServerStartException.class, () -> TestServer.start(
                    TestServer.config().withAddress(new InetSocketAddress("127.0.0.1", first.port()))));

            assertEquals(List.of("--addr 127.0.0.1:" + first.port() + ": cannot listen there (BindException: Address already in use)"),
                    e.problems());
        }
    }

    @Test
    void a_log_that_cannot_be_opened_refuses_to_start() {
        Path log = dir.resolve("no-such-directory").resolve("decisions.jsonl");

        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withLog(log)));

        assertEquals(1, e.problems().size());
        assertTrue(e.problems().get(0).startsWith("--log " + log + ": "), e::getMessage);
    }

    @Test
    void close_stops_accepting_refuses_new_requests_finishes_the_one_in_flight_and_closes_the_log() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        TestServer server = TestServer.start(TestServer.config().withLog(log));
        int port = server.port();
        byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
        try (RawHttp inFlight = new RawHttp(port); RawHttp idle = new RawHttp(port)) {
            assertEquals(200, idle.send(RawHttp.head("GET", "/healthz")).read().status(), "a kept-alive connection");
            inFlight.send(RawHttp.head("POST", "/v1/check", "Content-Type: application/json", "Content-Length: " + body.length)
                    + VALID.substring(0, 10));
            LimitsTest.await(() -> server.server.requestsInFlight() == 1, "the request is in flight");

            Thread closer = new Thread(server::close);
            closer.start();
            LimitsTest.await(() -> !accepts(port), "the listener is closed");
            assertTrue(closer.isAlive(), "close waits for the request in flight");
            Reply late = idle.send(RawHttp.head("GET", "/healthz")).read();
            assertEquals(503, late.status(), late::toString);
            assertEquals("shutting_down", late.error());
            assertEquals("close", late.header("Connection"));

            Reply r = inFlight.send(VALID.substring(10)).read();
            closer.join(5000);

            assertEquals(200, r.status(), r::toString);
            assertEquals("allow", r.json().path("effect").asText());
            assertFalse(closer.isAlive(), "close returned once the request was answered");
        }
        server.server.awaitTermination();
        List<String> lines = Files.readAllLines(log);
        assertEquals(1, lines.size());
        assertTrue(LogVerifier.verify(log).ok());
        assertTrue(server.serverLog().contains("flex-auth: stopped\n"), server.serverLog());
    }

    @Test
    void close_is_idempotent() throws Exception {
        TestServer server = TestServer.start(TestServer.config());
        server.close();
        server.close();
        server.server.awaitTermination();
        assertFalse(accepts(server.port()));
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
