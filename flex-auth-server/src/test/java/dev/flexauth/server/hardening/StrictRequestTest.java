package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The defects the hostile battery found, each pinned by its smallest request: bytes or framing
 * that a strict reading refuses and that flex-auth once decided (some of them allowed).
 */
class StrictRequestTest {
    static final String CHECK_TAIL = "dm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\"}";
    static final String EVALUATION_HEAD = "{\"subject\":{\"type\":\"identity\",\"id\":\"adm-example\"},\"action\":{\"name\":\"ssh.sign\"},"
            + "\"resource\":{\"type\":\"actor\",\"id\":\"";

    static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(InProcessServer.config());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * "adm-example" with its first letter encoded in more bytes than UTF-8 allows (overlong forms,
     * which decoders must refuse: RFC 3629 section 3), or with a UTF-16 surrogate or a code point
     * beyond U+10FFFF put before it. A lenient decoder reads the overlong forms as "a" and the
     * policy then allows an actor the bytes never named.
     */
    @ParameterizedTest
    @ValueSource(strings = {"c1a1", "e081a1", "f08081a1", "eda080", "f4908080"})
    void a_body_that_is_not_utf_8_is_refused_on_every_decision_endpoint(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] a = hex.endsWith("a1") ? bad : Wire.concat(bad, latin1("a"));
        byte[] check = Wire.concat(latin1("{\"actor\":\""), a, latin1(CHECK_TAIL));
        byte[] evaluation = Wire.concat(latin1(EVALUATION_HEAD), a, latin1("dm-example\"}}"));
        byte[] batch = Wire.concat(latin1(EVALUATION_HEAD), a, latin1("dm-example\"},\"evaluations\":[{}]}"));

        for (Object[] c : new Object[][] {{"/v1/check", check}, {"/access/v1/evaluation", evaluation},
            {"/access/v1/evaluations", batch}}) {
            Answer r = Client.once(server.port(), Wire.post((String) c[0], (byte[]) c[1]));

            assertEquals(400, r.status(), () -> c[0] + " " + hex + ": " + r);
            assertEquals("invalid_json", r.error(), r::toString);
            assertTrue(r.json().path("message").asText().startsWith("not valid UTF-8 at byte "), r::toString);
        }
    }

    @Test
    void the_same_request_in_proper_utf_8_is_allowed() {
        Answer r = Client.once(server.port(), Wire.post("/v1/check", latin1("{\"actor\":\"a" + CHECK_TAIL)));

        assertTrue(r.grants(), r::toString);
        assertFalse(r.text().contains("invalid"), r::toString);
    }

    private static byte[] allowBody() {
        return latin1("{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}");
    }

    /** Content-Type is a singleton field (RFC 9110 section 8.3); the first of two once decided the body as JSON. */
    @ParameterizedTest
    @ValueSource(strings = {"application/json", "text/plain", "application/json; charset=iso-8859-1"})
    void two_content_type_headers_are_refused_with_415(String second) {
        byte[] body = allowBody();
        Answer r = Client.once(server.port(), Wire.concat(latin1(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                "Content-Type: " + second, "Content-Length: " + body.length, "Connection: close")), body));

        assertEquals(415, r.status(), r::toString);
        assertEquals("unsupported_media_type", r.error());
        assertEquals("Content-Type appears 2 times; send it once, as application/json (UTF-8)", r.json().path("message").asText());
        assertEquals("close", r.header("Connection"));
    }

    /** Content-Length is 1*DIGIT (RFC 9110 section 8.6); Java's parseLong also takes a sign, and the JDK let it through. */
    @Test
    void a_content_length_with_a_sign_is_refused() {
        byte[] body = allowBody();
        Answer r = Client.once(server.port(), Wire.concat(latin1(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                "Content-Length: +" + body.length, "Connection: close")), body));

        assertEquals(400, r.status(), r::toString);
        assertEquals("bad_request", r.error());
        assertEquals("Content-Length \"+" + body.length + "\" is not a number of bytes; send digits only",
                r.json().path("message").asText());
    }

    /**
     * A chunked body is refused with 411 before it is read, and the connection is closed (issue 13):
     * the JDK's chunked reader wraps chunk sizes modulo 2^32 ("100000000" reads as the last chunk,
     * "ffffffffff" failed with a 500) and does not take trailers; refusing them all unread leaves
     * nothing of the body to be parsed as a next request.
     */
    @ParameterizedTest
    @ValueSource(strings = {"zz\r\n%s\r\n0\r\n\r\n", "ffffffffff\r\n%s\r\n0\r\n\r\n", "3\r\n%s\r\n0\r\n\r\n",
        "LENx\r\n%s\r\n0\r\n\r\n", "LEN\r\n%s\r\n0\r\nX-Trailer: t\r\n\r\n", "LEN\r\n%s\r\n0\r\n\r\n",
        "100000000\r\n%s\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"})
    void a_chunked_body_is_refused_with_411_unread_and_the_connection_closed(String chunks) {
        byte[] body = allowBody();
        String framed = String.format(chunks.replace("LEN", Integer.toHexString(body.length)), new String(body, StandardCharsets.ISO_8859_1));
        try (Wire w = Wire.open(server.port())) {
            Answer r = w.send(Wire.concat(latin1(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                    "Transfer-Encoding: chunked")), latin1(framed))).read();

            assertEquals(411, r.status(), r::toString);
            assertEquals("length_required", r.error());
            assertTrue(r.json().path("message").asText().startsWith("the body was sent with Transfer-Encoding"), r::toString);
            assertEquals("close", r.header("Connection"));
            assertEquals(0, w.bytesUntilClosed(), "nothing after the refused request is answered, and the connection is closed");
        }
    }

    /** The JDK frames any version as HTTP/1.1 and takes a #fragment in the target; neither is an HTTP/1.x request. */
    @ParameterizedTest
    @ValueSource(strings = {"POST /v1/check HTTP/2.0", "POST /v1/check FOO", "POST /v1/check HTTP/1.1 x",
        "POST /v1/check http/1.1", "POST /v1/check HTTP/11", "POST /v1/check#fragment HTTP/1.1"})
    void a_request_line_that_is_not_http_1_is_refused(String requestLine) {
        byte[] body = allowBody();
        Answer r = Client.once(server.port(), Wire.concat(latin1(requestLine + "\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"), body));

        assertEquals(400, r.status(), r::toString);
        assertEquals("bad_request", r.error());
        assertTrue(r.json().path("message").asText().startsWith("the request line "), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2"})
    void http_1_minor_versions_are_decided(String version) {
        byte[] body = allowBody();
        Answer r = Client.once(server.port(), Wire.concat(latin1("POST /v1/check " + version + "\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n"), body));

        assertTrue(r.grants(), r::toString);
    }

    private static String batchOf(int items) {
        return "{\"subject\":{\"type\":\"identity\",\"id\":\"iam:agt-state-hub-bridge\"},\"action\":{\"name\":\"ssh.sign\"},"
                + "\"resource\":{\"type\":\"actor\",\"id\":\"agt-state-hub-bridge\"},\"evaluations\":["
                + String.join(",", Collections.nCopies(items, "{}")) + "]}";
    }

    /**
     * A 64 KiB batch of {@code {}} items was 21,000 decisions: 21,000 decision-log lines (15 MB) and
     * a 5.7 MB answer for one request, and with --log-fsync one sync per item. A batch now holds at
     * most 100 evaluations and a larger one is refused before anything is decided.
     */
    @Test
    void a_batch_of_more_than_100_evaluations_is_refused_before_anything_is_decided(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        try (InProcessServer s = InProcessServer.start(InProcessServer.config().withLog(log))) {
            Answer over = Client.once(s.port(), Wire.post("/access/v1/evaluations", latin1(batchOf(101))));
            long linesAfterRefusal = Files.readAllLines(log).size();
            Answer limit = Client.once(s.port(), Wire.post("/access/v1/evaluations", latin1(batchOf(100))));

            assertEquals(400, over.status(), over::toString);
            assertEquals("bad_value", over.error());
            assertEquals("a batch holds at most 100 evaluations, got 101; send them in several requests",
                    over.json().path("message").asText());
            assertEquals(0, linesAfterRefusal);
            assertEquals(200, limit.status(), limit::toString);
            assertEquals(100, limit.json().path("evaluations").size());
        }
    }

    /** Authorization is a singleton too: with the right token first and another second, the first one opened the endpoint. */
    @Test
    void two_authorization_headers_are_refused_with_401(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("check.token"), "check-token-0123456789");
        try (InProcessServer s = InProcessServer.start(InProcessServer.config().withTokenFile(token))) {
            Answer one = Client.once(s.port(), Wire.post("/v1/check", allowBody(), "Authorization: Bearer check-token-0123456789"));
            Answer two = Client.once(s.port(), Wire.post("/v1/check", allowBody(), "Authorization: Bearer check-token-0123456789",
                    "Authorization: Bearer someone-else"));

            assertTrue(one.grants(), one::toString);
            assertEquals(401, two.status(), two::toString);
            assertEquals("unauthorized", two.error());
        }
    }

    /** Empty bodies keep the connection; a body left unread closes it, and the answer says so. */
    @Test
    void a_connection_is_kept_after_a_read_request_and_closed_after_an_unread_body() {
        try (Wire w = Wire.open(server.port())) {
            Answer first = w.send(Wire.head("GET", "/healthz")).read();
            Answer second = w.send(Wire.concat(latin1(Wire.head("POST", "/v1/check", "Content-Type: application/json",
                    "Content-Length: " + allowBody().length)), allowBody())).read();
            Answer unread = w.send(Wire.concat(latin1(Wire.head("POST", "/v1/chek", "Content-Type: application/json",
                    "Content-Length: " + allowBody().length)), allowBody())).read();

            assertEquals(200, first.status(), first::toString);
            assertTrue(second.grants(), second::toString);
            assertEquals(404, unread.status(), unread::toString);
            assertEquals("close", unread.header("Connection"));
            assertTrue(w.closedByServer());
        }
    }
}
