package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input to {@code POST /v1/check} (SPEC section 6): every refusal is a JSON error body with
 * the right status and a message naming what to fix; none is a 5xx or an allow.
 */
class BadInputTest {
    static final String VALID = "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";

    @TempDir
    static Path dir;
    static TestServer server;
    static Path log;

    @BeforeAll
    static void start() throws Exception {
        log = dir.resolve("decisions.jsonl");
        server = TestServer.start(TestServer.config().withLog(log));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "unknown field | {\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"role\":\"admin\"}"
            + " | unknown_field | unknown field \"role\"; the policy's request fields are actor, subject, action, principal, ttl_hours",
        "missing field | {\"actor\":\"adm-example\",\"subject\":\"adm-example\"}"
            + " | missing_field | missing required field \"action\" (string: What is asked; warden sign always sends ssh.sign.)",
        "duplicate key | {\"actor\":\"adm-example\",\"actor\":\"atm-backup-daily\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}"
            + " | duplicate_key | member \"actor\" appears twice; send it once",
        "wrong type | {\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":\"24\"}"
            + " | wrong_type | field \"ttl_hours\" must be integer, got a string",
        "fraction | {\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":1.5}"
            + " | wrong_type | field \"ttl_hours\" must be integer, got the number 1.5",
        "entity key not a string | {\"actor\":7,\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}"
            + " | wrong_type | field \"actor\" must be string (the key of a actor), got the number 7",
        "nested object | {\"actor\":{\"id\":{\"id\":{\"id\":\"adm-example\"}}},\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}"
            + " | wrong_type | field \"actor\" must be string (the key of a actor), got an object",
        "huge integer | {\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":99999999999999999999}"
            + " | bad_value | field \"ttl_hours\" is outside the 64-bit integer range",
        "required null | {\"actor\":null,\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}"
            + " | missing_field | field \"actor\" is required and cannot be null",
        "trailing content | {\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"} {}"
            + " | invalid_json | unexpected content after the JSON object; send exactly one object",
        "not an object | [1,2] | invalid_json | expected a JSON object, got a list",
        "empty body | `` | invalid_json | empty body: send a JSON object with the fields actor, subject, action, principal, ttl_hours",
    })
    void is_refused_with_400_and_a_message_naming_the_field(String what, String body, String code, String message) {
        Reply r = server.check(body);

        assertEquals(400, r.status(), r::toString);
        assertEquals("application/json", r.header("Content-Type"));
        assertEquals(code, r.error(), r::toString);
        assertEquals(message, r.message());
    }

    @Test
    void broken_json_says_where() {
        Reply r = server.check("{\"actor\":\"adm-example\",");

        assertEquals(400, r.status());
        assertEquals("invalid_json", r.error());
        assertTrue(r.message().startsWith("not valid JSON at line 1, column "), r::toString);
    }

    @Test
    void deep_nesting_is_refused_without_a_5xx() {
        Reply topLevel = server.check("[".repeat(5000) + "]".repeat(5000));
        Reply inField = server.check("{\"actor\":" + "[".repeat(5000) + "]".repeat(5000) + "}");

        assertEquals(400, topLevel.status(), topLevel::toString);
        assertEquals("invalid_json", topLevel.error());
        assertEquals(400, inField.status(), inField::toString);
        assertEquals("wrong_type", inField.error());
        assertTrue(inField.message().startsWith("field \"actor\""), inField::toString);
    }

    @Test
    void a_number_longer_than_the_limit_is_refused() {
        Reply r = server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":"
                + "9".repeat(1000) + "}");

        assertEquals(400, r.status(), r::toString);
        assertEquals("invalid_json", r.error());
        assertTrue(r.message().startsWith("the body is nested or sized beyond the limits"), r::toString);
    }

    @Test
    void non_utf_8_bytes_are_refused() {
        byte[] body = "{\"actor\":\"adm-\u00e9xample\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}"
                .getBytes(StandardCharsets.ISO_8859_1);

        Reply r = server.post("/v1/check", "application/json", body);

        assertEquals(400, r.status(), r::toString);
        assertEquals("invalid_json", r.error());
        assertTrue(r.message().contains("UTF-8"), r::toString);
    }

    @Test
    void a_member_named_like_a_secret_is_refused_and_its_value_is_never_written() throws Exception {
        String secret = "s3cr3t-VALUE-that-must-not-leak";
        Reply r = server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"api_token\":\""
                + secret + "\"}");

        assertEquals(400, r.status(), r::toString);
        assertEquals("secret_material", r.error());
        assertEquals("member \"api_token\" looks like a credential; flex-auth never accepts secrets, remove it from the request",
                r.message());
        assertNeverWritten(secret, r);
    }

    @Test
    void a_value_shaped_like_a_private_key_is_refused_and_never_written() throws Exception {
        String key = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\\n-----END OPENSSH PRIVATE KEY-----";
        Reply r = server.check("{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"principal\":\""
                + key + "\"}");

        assertEquals(400, r.status(), r::toString);
        assertEquals("secret_material", r.error());
        assertEquals("field \"principal\" holds what looks like a private key or token; flex-auth never accepts secrets",
                r.message());
        assertNeverWritten("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ", r);
    }

    private static void assertNeverWritten(String secret, Reply r) throws Exception {
        assertFalse(r.body().contains(secret), "answer");
        assertFalse(server.serverLog().contains(secret), "server log");
        assertFalse(Files.readString(log).contains(secret), "decision log");
    }

    @Test
    void a_body_without_content_type_is_415() {
        Reply r = server.post("/v1/check", null, VALID.getBytes(StandardCharsets.UTF_8));

        assertEquals(415, r.status(), r::toString);
        assertEquals("unsupported_media_type", r.error());
        assertEquals("no Content-Type; send the body as application/json (UTF-8)", r.message());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"text/plain", "application/json; charset=iso-8859-1", "application/jsonx"})
    void a_body_of_another_media_type_is_415(String type) {
        Reply r = server.post("/v1/check", type, VALID.getBytes(StandardCharsets.UTF_8));

        assertEquals(415, r.status(), r::toString);
        assertEquals("unsupported_media_type", r.error());
        assertEquals("Content-Type \"" + type + "\"; send the body as application/json (UTF-8)", r.message());
    }

    @Test
    void a_declared_length_over_the_limit_is_413_before_the_body_is_read() {
        try (RawHttp raw = new RawHttp(server.port())) {
            Reply r = raw.send(RawHttp.head("POST", "/v1/check", "Content-Type: application/json", "Content-Length: 70000")).read();

            assertEquals(413, r.status(), r::toString);
            assertEquals("payload_too_large", r.error());
            assertEquals("the body declares 70000 bytes (Content-Length), over the limit of 65536 bytes; a decision request is a"
                    + " small JSON object", r.message());
            assertEquals("close", r.header("Connection"));
        }
    }

    /** Transfer-Encoding is refused before a byte of the body is read, whatever the body; the answer closes the connection. */
    @Test
    void a_chunked_body_is_refused_with_411_without_being_read() {
        byte[] body = VALID.getBytes(StandardCharsets.UTF_8);
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send(RawHttp.head("POST", "/v1/check", "Content-Type: application/json", "Transfer-Encoding: chunked"));
            raw.send(Integer.toHexString(body.length) + "\r\n" + VALID + "\r\n0\r\n\r\n");
            Reply r = raw.read();

            assertEquals(411, r.status(), r::toString);
            assertEquals("length_required", r.error());
            assertEquals("the body was sent with Transfer-Encoding, which flex-auth does not read; send it with a Content-Length"
                    + " (curl -d, Java's HttpClient with BodyPublishers.ofString, Go's net/http with a bytes.Reader do)", r.message());
            assertEquals("close", r.header("Connection"));
        }
    }

    @Test
    void an_unknown_path_is_a_json_404() {
        Reply r = server.get("/v1/checks");

        assertEquals(404, r.status());
        assertEquals("not_found", r.error());
        assertEquals("no endpoint at /v1/checks; the endpoints are /healthz, /v1/check, /metrics, /access/v1/evaluation, /access/v1/evaluations, /.well-known/authzen-configuration,"
                + " /access/v1/search/subject, /access/v1/search/resource, /access/v1/search/action", r.message());
    }

    @Test
    void the_admin_endpoint_does_not_exist_without_an_admin_token() {
        Reply r = server.post("/v1/admin/reload", "application/json", "{}".getBytes());

        assertEquals(404, r.status());
        assertEquals("not_found", r.error());
    }

    @Test
    void get_on_check_is_405_with_allow() {
        Reply r = server.get("/v1/check");

        assertEquals(405, r.status());
        assertEquals("method_not_allowed", r.error());
        assertEquals("POST", r.header("Allow"));
    }

    @Test
    void an_unknown_query_parameter_or_explain_value_is_400() {
        Reply unknown = server.post("/v1/check?explian=true", "application/json", VALID.getBytes(StandardCharsets.UTF_8));
        Reply badValue = server.post("/v1/check?explain=yes", "application/json", VALID.getBytes(StandardCharsets.UTF_8));

        assertEquals(400, unknown.status());
        assertEquals("bad_request", unknown.error());
        assertEquals("unknown query parameter \"explian\"; this endpoint accepts explain", unknown.message());
        assertEquals(400, badValue.status());
        assertEquals("query parameter \"explain\" must be true or false, got \"yes\"", badValue.message());
    }

    @Test
    void refused_requests_are_not_decisions_and_are_not_logged() throws Exception {
        long before = Files.readAllLines(log).size();

        server.check("{\"actor\":\"adm-example\"}");
        server.post("/v1/check", "text/plain", VALID.getBytes(StandardCharsets.UTF_8));

        assertEquals(before, Files.readAllLines(log).size());
    }
}
