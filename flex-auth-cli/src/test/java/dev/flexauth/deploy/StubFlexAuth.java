package dev.flexauth.deploy;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.json.RequestJson;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * A stand-in for {@code flex-auth serve} on loopback that answers {@code /v1/check} with the real
 * engine and the real envelope codec, so the smoke script is tested against real decision JSON; each
 * test can then break one thing (the health status, the answer) to see the script refuse it. The
 * real server is smoked by {@code .ci/run}. Not thread-safe to reconfigure while requests run.
 */
final class StubFlexAuth implements AutoCloseable {
    /** One HTTP answer. */
    record Answer(int status, String body) {
    }

    private final HttpServer server;
    private final Engine engine;
    private volatile int healthStatus = 200;
    private volatile UnaryOperator<Answer> tamper = UnaryOperator.identity();
    private volatile String requiredToken;
    private volatile String lastAuthorization;

    StubFlexAuth(Engine engine) throws IOException {
        this.engine = engine;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", ex -> answer(ex, health()));
        server.createContext("/v1/check", ex -> {
            lastAuthorization = ex.getRequestHeaders().getFirst("Authorization");
            byte[] body = ex.getRequestBody().readAllBytes();
            answer(ex, tamper.apply(check(body)));
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void healthStatus(int status) {
        healthStatus = status;
    }

    void tamper(UnaryOperator<Answer> tamper) {
        this.tamper = tamper;
    }

    void requireToken(String token) {
        requiredToken = token;
    }

    String lastAuthorization() {
        return lastAuthorization;
    }

    private Answer health() {
        ObjectNode o = TestJson.MAPPER.createObjectNode();
        o.put("status", healthStatus == 200 ? "ok" : "unavailable");
        ObjectNode p = o.putObject("policy");
        p.put("package", engine.policy().name());
        p.put("version", engine.policy().version());
        p.put("digest", engine.policy().digest());
        ObjectNode r = o.putObject("registry");
        r.put("digest", engine.registry().digest());
        r.put("generated_at", engine.registry().source().generatedAt());
        ObjectNode ex = o.putObject("examples");
        ex.put("passed", engine.runExamples().stream().filter(e -> e.passed()).count());
        ex.put("failed", engine.runExamples().stream().filter(e -> !e.passed()).count());
        o.putObject("decision_log").put("state", healthStatus == 200 ? "ok" : "failed");
        return new Answer(healthStatus, o.toString());
    }

    private Answer check(byte[] body) {
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(lastAuthorization)) {
            return new Answer(401, "{\"error\":\"unauthorized\",\"message\":\"send Authorization: Bearer <check token>\"}");
        }
        try {
            Decision d = engine.check(RequestJson.read(body, engine.policy().request()));
            return new Answer(200, new String(DecisionJson.envelope(d), StandardCharsets.UTF_8));
        } catch (RequestException e) {
            return new Answer(400, "{\"error\":\"" + e.code().code() + "\",\"message\":" + TestJson.MAPPER.valueToTree(e.getMessage()) + "}");
        }
    }

    private static void answer(HttpExchange ex, Answer a) throws IOException {
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(a.status(), bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
