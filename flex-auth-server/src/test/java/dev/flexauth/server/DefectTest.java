package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.transport.Response;
import dev.flexauth.server.transport.Router;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: an unexpected exception in an endpoint is a defect: 500 internal_error (never an
 * allow), one server-log line with the stack trace of the exception and its causes but not their
 * messages (which may quote a request), and one more in the defect counter.
 */
class DefectTest {

    private static final class Boom {
        static Response fail() {
            throw new IllegalStateException("message quoting the request: s3cret-value",
                    new ArithmeticException("cause quoting s3cret-value"));
        }
    }

    @Test
    void an_unexpected_exception_is_a_500_logged_with_its_stack_trace_and_counted() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Metrics metrics = new Metrics();
        Router router = new Router(List.of(new Router.Route("/boom", List.of("GET"), Router.Access.OPEN, call -> Boom.fail())),
                null, null, 1024, metrics, new ServerLog(new PrintStream(logged, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", router);
        server.start();
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/boom")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(500, r.statusCode(), r::body);
            JsonNode body = TestJson.MAPPER.readTree(r.body());
            assertEquals("internal_error", body.path("error").asText());
            assertEquals("flex-auth failed to answer; this is a defect, see the server log", body.path("message").asText());
            assertEquals(1, metrics.defects());
            String log = logged.toString(StandardCharsets.UTF_8);
            assertEquals(1, log.lines().count(), log);
            assertTrue(log.contains(" flex-auth: defect answering GET /boom: java.lang.IllegalStateException | \tat "
                    + "dev.flexauth.server.DefectTest$Boom.fail(DefectTest.java:"), log);
            assertTrue(log.contains(" | caused by: java.lang.ArithmeticException | \tat dev.flexauth.server.DefectTest$Boom.fail("), log);
            assertFalse(log.contains("s3cret-value"), log);
        } finally {
            server.stop(0);
        }
    }
}
