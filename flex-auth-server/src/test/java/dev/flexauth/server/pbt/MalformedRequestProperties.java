package dev.flexauth.server.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.server.FlexAuthServer;
import dev.flexauth.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No input yields a 5xx or an allow (SPEC section 6), checked against a running server over
 * loopback: arbitrary bytes, and valid requests with exactly one thing broken, which must be
 * refused with 400 and a message naming the field.
 */
class MalformedRequestProperties {
    static final Path EXAMPLES = Path.of("..", "examples", "ops-warden").toAbsolutePath().normalize();
    static final Set<String> REQUEST_CODES = Arrays.stream(RequestCode.values()).map(RequestCode::code).collect(Collectors.toSet());
    static final List<String> FIELDS = List.of("actor", "subject", "action", "principal", "ttl_hours");
    static final List<String> REQUIRED = List.of("actor", "subject", "action");

    static FlexAuthServer server;
    static HttpClient client;

    @BeforeContainer
    static void start() throws Exception {
        server = FlexAuthServer.start(ServerConfig.defaults(EXAMPLES.resolve("production_registry_snapshot.json"),
                        EXAMPLES.resolve("policy_package.md"))
                .withAddress(new InetSocketAddress("127.0.0.1", 0)).withReadTimeout(Duration.ofSeconds(3))
                .withWatchFiles(false).withReloadOnSighup(false));
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/v1/check"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .timeout(Duration.ofSeconds(10)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Property(tries = 300)
    void arbitrary_bodies_are_refused_with_a_request_code(@ForAll("bodies") byte[] body) throws Exception {
        HttpResponse<String> r = post(body);

        assertEquals(400, r.statusCode(), r::body);
        JsonNode error = TestJson.MAPPER.readTree(r.body());
        assertTrue(REQUEST_CODES.contains(error.path("error").asText()), r::body);
        assertTrue(!error.path("message").asText().isEmpty(), r::body);
    }

    @Property(tries = 300)
    void a_valid_request_with_one_field_broken_is_refused_naming_that_field(@ForAll("broken") Broken broken) throws Exception {
        HttpResponse<String> r = post(broken.body().getBytes(StandardCharsets.UTF_8));

        assertEquals(400, r.statusCode(), () -> broken + " -> " + r.body());
        JsonNode error = TestJson.MAPPER.readTree(r.body());
        assertEquals(broken.code(), error.path("error").asText(), () -> broken + " -> " + r.body());
        assertTrue(error.path("message").asText().contains("\"" + broken.field() + "\""), () -> broken + " -> " + r.body());
    }

    /** A request body with one field broken, the field, and the code it must be refused with. */
    record Broken(String body, String field, String code) {
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
        Arbitrary<byte[]> jsonish = Arbitraries.strings().withChars("{}[]\":,.-+0123456789eEtrufalsn \\actorsubjetin_h")
                .ofMaxLength(96).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(bytes, jsonish);
    }

    @Provide
    Arbitrary<Broken> broken() {
        Arbitrary<Map<String, Object>> valid = Combinators.combine(
                Arbitraries.of("adm-example", "agt-codex-interhub-bootstrap", "agt-state-hub-bridge", "atm-backup-daily"),
                Arbitraries.of("", "iam:"),
                Arbitraries.integers().between(1, 2))
                .as((actor, prefix, ttl) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("actor", actor);
                    m.put("subject", prefix + actor);
                    m.put("action", "ssh.sign");
                    m.put("ttl_hours", ttl);
                    return m;
                });
        Arbitrary<String> unknownNames = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(12)
                .filter(n -> !FIELDS.contains(n) && !n.matches(".*(token|secret|passw|private|key|credential|cookie|session).*"));
        Arbitrary<Object> wrongForString = Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(List.of("x")), Arbitraries.just(Map.of()));
        Arbitrary<Object> wrongForInteger = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(5).map(s -> (Object) s),
                Arbitraries.of(1.5, -0.25).map(d -> (Object) d), Arbitraries.of(true, false).map(b -> (Object) b));

        Arbitrary<Broken> unknown = Combinators.combine(valid, unknownNames).as((m, name) -> {
            m.put(name, "x");
            return new Broken(json(m), name, "unknown_field");
        });
        Arbitrary<Broken> missing = Combinators.combine(valid, Arbitraries.of(REQUIRED)).as((m, name) -> {
            m.remove(name);
            return new Broken(json(m), name, "missing_field");
        });
        Arbitrary<Broken> wrongString = Combinators.combine(valid, Arbitraries.of(REQUIRED), wrongForString).as((m, name, v) -> {
            m.put(name, v);
            return new Broken(json(m), name, "wrong_type");
        });
        Arbitrary<Broken> wrongInteger = Combinators.combine(valid, wrongForInteger).as((m, v) -> {
            m.put("ttl_hours", v);
            return new Broken(json(m), "ttl_hours", "wrong_type");
        });
        Arbitrary<Broken> duplicate = Combinators.combine(valid, Arbitraries.of("actor", "subject", "action", "ttl_hours")).as((m, name) -> {
            String body = json(m);
            return new Broken(body.substring(0, body.length() - 1) + ",\"" + name + "\":\"again\"}", name, "duplicate_key");
        });
        Arbitrary<Broken> secret = Combinators.combine(valid, Arbitraries.of("token", "password", "private_key", "api-key",
                "client_secret", "Authorization")).as((m, name) -> {
                    m.put(name, "value");
                    return new Broken(json(m), name, "secret_material");
                });
        return Arbitraries.oneOf(unknown, missing, wrongString, wrongInteger, duplicate, secret);
    }

    private static String json(Map<String, Object> m) {
        try {
            return TestJson.MAPPER.writeValueAsString(m);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
