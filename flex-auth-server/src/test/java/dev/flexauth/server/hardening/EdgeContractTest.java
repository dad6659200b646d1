package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 13, flex-auth's HTTP contract (docs/http-contract.md) over raw sockets, on whatever JDK
 * runs the build: each request of the classic request-smuggling and hostile-header corpus gets its
 * exact status, and after every framing error the connection is closed with nothing more sent, so
 * the request pipelined behind it (a {@code GET /healthz}) is never answered. Where the JDK answers
 * before flex-auth (the 501, its 400 for two Content-Lengths), the status is the same on every JDK
 * and the test says so; the residuals of the contract (R1 to R4) are asserted as what they are.
 */
class EdgeContractTest {
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final String NEXT = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

    static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start(InProcessServer.config());
    }

    @AfterAll
    static void stop() {
        assertFalse(server.serverLog().contains("defect"), server::serverLog);
        server.close();
    }

    private static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A POST of the allow body to /v1/check with the given header lines between the request line and the body. */
    private static String post(String headerLines) {
        return "POST /v1/check HTTP/1.1\r\n" + headerLines + "\r\n" + ALLOW;
    }

    private static final String JSON = "Content-Type: application/json\r\n";
    private static final String LENGTH = "Content-Length: " + ALLOW.length() + "\r\n";
    private static final String HOST = "Host: 127.0.0.1\r\n";

    static Stream<Arguments> framingErrors() {
        String chunkedHead = "POST /v1/check HTTP/1.1\r\n" + HOST + JSON + "Transfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                Arguments.of("no Host", post(JSON + LENGTH), 400, "bad_request"),
                Arguments.of("no Host on a GET without a body", "GET /healthz HTTP/1.1\r\n\r\n", 400, "bad_request"),
                Arguments.of("two Hosts", post("Host: a\r\nHost: b\r\n" + JSON + LENGTH), 400, "bad_request"),
                Arguments.of("Host: a, b", post("Host: a, b\r\n" + JSON + LENGTH), 400, "bad_request"),
                Arguments.of("Host: a b", post("Host: a b\r\n" + JSON + LENGTH), 400, "bad_request"),
                Arguments.of("Host: a:port", post("Host: a:80x\r\n" + JSON + LENGTH), 400, "bad_request"),
                Arguments.of("Host folded onto two lines (obs-fold)", post("Host: a\r\n b\r\n" + JSON + LENGTH), 400, "bad_request"),
                Arguments.of("NUL in a header value", post(HOST + JSON + LENGTH + "X-A: a\u0000b\r\n"), 400, "bad_request"),
                Arguments.of("DEL in a header value", post(HOST + JSON + LENGTH + "X-A: a\u007fb\r\n"), 400, "bad_request"),
                Arguments.of("0x01 in a header value", post(HOST + JSON + LENGTH + "X-A: a\u0001b\r\n"), 400, "bad_request"),
                Arguments.of("ESC in the Authorization value", post(HOST + JSON + LENGTH + "Authorization: Bearer a\u001bb\r\n"), 400,
                        "bad_request"),
                Arguments.of("NUL inside Content-Type", post(HOST + "Content-Type: application/json\u0000x\r\n" + LENGTH), 400,
                        "bad_request"),
                Arguments.of("Content-Length with a sign", post(HOST + JSON + "Content-Length: +" + ALLOW.length() + "\r\n"), 400,
                        "bad_request"),
                Arguments.of("Content-Length over 2^63", post(HOST + JSON + "Content-Length: 99999999999999999999\r\n"), 400, null),
                Arguments.of("negative Content-Length", post(HOST + JSON + "Content-Length: -1\r\n"), 400, null),
                Arguments.of("two equal Content-Lengths", post(HOST + JSON + LENGTH + LENGTH), 400, null),
                Arguments.of("two different Content-Lengths", post(HOST + JSON + LENGTH + "Content-Length: 3\r\n"), 400, null),
                Arguments.of("Content-Length and Transfer-Encoding", post(HOST + JSON + LENGTH + "Transfer-Encoding: chunked\r\n"), 400,
                        null),
                Arguments.of("chunked", chunkedHead + Integer.toHexString(ALLOW.length()) + "\r\n" + ALLOW + "\r\n0\r\n\r\n", 411,
                        "length_required"),
                Arguments.of("chunked, size 100000000 (2^32: read as 0 by the JDK) smuggling a request",
                        chunkedHead + "100000000\r\n" + ALLOW + "\r\n0\r\n\r\nPOST /v1/check HTTP/1.1\r\n" + HOST + JSON + LENGTH + "\r\n"
                                + ALLOW, 411, "length_required"),
                Arguments.of("chunked, size over 2^31", chunkedHead + "80000000\r\n" + ALLOW + "\r\n0\r\n\r\n", 411, "length_required"),
                Arguments.of("chunked, size ffffffffff", chunkedHead + "ffffffffff\r\n" + ALLOW + "\r\n0\r\n\r\n", 411, "length_required"),
                Arguments.of("Transfer-Encoding: Chunked", chunkedHead.replace("chunked", "Chunked") + "0\r\n\r\n", 411,
                        "length_required"),
                Arguments.of("chunked with a trailer", chunkedHead + "0\r\nX-T: t\r\n\r\n", 411, "length_required"),
                // Residual R1: the JDK's own 501, before any handler, for anything but exactly one "chunked".
                Arguments.of("Transfer-Encoding: gzip (JDK 501)", chunkedHead.replace("chunked", "gzip") + ALLOW, 501, null),
                Arguments.of("Transfer-Encoding: gzip, chunked (JDK 501)", chunkedHead.replace("chunked", "gzip, chunked") + "0\r\n\r\n",
                        501, null),
                Arguments.of("Transfer-Encoding twice (JDK 501)", chunkedHead.replace("\r\n\r\n", "\r\nTransfer-Encoding: chunked\r\n\r\n")
                        + "0\r\n\r\n", 501, null),
                Arguments.of("a bare CR smuggling Transfer-Encoding (the JDK splits the line there)",
                        post(HOST + JSON + LENGTH + "X-A: a\rTransfer-Encoding: chunked\r\n"), 400, null),
                Arguments.of("HTTP/2.0 request line", "POST /v1/check HTTP/2.0\r\n" + HOST + JSON + LENGTH + "\r\n" + ALLOW, 400,
                        "bad_request"));
    }

    /** The exact status, the JSON error when flex-auth answers, and a closed connection with nothing after the answer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("framingErrors")
    void a_framing_error_gets_its_status_and_closes_the_connection(String what, String request, int status, String error) {
        try (Wire w = Wire.open(server.port())) {
            Answer a = w.send(latin1(request + NEXT)).read();

            assertEquals(status, a.status(), () -> what + ": " + a);
            if (error != null) {
                assertEquals(Answer.Source.FLEX_AUTH, a.source(), a::toString);
                assertEquals(error, a.error(), a::toString);
            }
            if (status == 501) {
                // The one 5xx: the JDK's, never flex-auth's (residual R1).
                assertEquals(Answer.Source.JDK, a.source(), a::toString);
            }
            assertEquals("close", a.header("Connection"), a::toString);
            assertEquals(0, w.bytesUntilClosed(), () -> what + ": the pipelined request after it was answered, or the connection stayed open");
        }
    }

    @Test
    void the_411_names_the_clients_that_send_a_content_length() {
        Answer a = Client.once(server.port(), latin1("POST /v1/check HTTP/1.1\r\n" + HOST + JSON
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n"));

        assertEquals("the body was sent with Transfer-Encoding, which flex-auth does not read; send it with a Content-Length"
                + " (curl -d, Java's HttpClient with BodyPublishers.ofString, Go's net/http with a bytes.Reader do)",
                a.json().path("message").asText());
    }

    @Test
    void the_refusals_say_what_to_fix() {
        assertEquals("the request has no Host header; send exactly one, as HTTP/1.1 requires",
                message(post(JSON + LENGTH + "Connection: close\r\n")));
        assertEquals("Host appears 2 times; send it once", message(post("Host: a\r\nHost: b\r\n" + JSON + LENGTH)));
        assertEquals("Host \"a, b\" is not one host[:port]; send one name or address, without a list or spaces",
                message(post("Host: a, b\r\n" + JSON + LENGTH)));
        assertEquals("header X-a has the control character 0x00 at character 1 of its value; send printable characters only",
                message(post(HOST + JSON + LENGTH + "X-A: a\u0000b\r\n")));
        assertEquals("header X-a has the control character 0x7f at character 1 of its value; send printable characters only",
                message(post(HOST + JSON + LENGTH + "X-A: a\u007fb\r\n")));
        assertEquals("Content-Length \"+" + ALLOW.length() + "\" is not a number of bytes; send digits only",
                message(post(HOST + JSON + "Content-Length: +" + ALLOW.length() + "\r\n")));
    }

    private static String message(String request) {
        Answer a = Client.once(server.port(), latin1(request));
        assertEquals(400, a.status(), a::toString);
        return a.json().path("message").asText();
    }

    static Stream<Arguments> bodies() {
        return Stream.of(
                Arguments.of("UTF-16LE without BOM", bytes(ALLOW, StandardCharsets.UTF_16LE), "a raw control byte 0x00 at byte 1"),
                Arguments.of("UTF-16LE with BOM", concat("fffe", bytes(ALLOW, StandardCharsets.UTF_16LE)), "a raw control byte 0x00 at byte 3"),
                Arguments.of("UTF-16BE with BOM", bytes(ALLOW, StandardCharsets.UTF_16), "a raw control byte 0x00 at byte 2"),
                Arguments.of("UTF-32BE without BOM", bytes(ALLOW, Charset.forName("UTF-32BE")), "a raw control byte 0x00 at byte 0"),
                Arguments.of("UTF-32BE with BOM", concat("0000feff", bytes(ALLOW, Charset.forName("UTF-32BE"))),
                        "a raw control byte 0x00 at byte 0"),
                Arguments.of("UTF-8 with BOM", concat("efbbbf", bytes(ALLOW, StandardCharsets.UTF_8)),
                        "the body starts with a byte order mark (EF BB BF); send UTF-8 without one"),
                Arguments.of("a NUL byte in a string", bytes(ALLOW.replace("agt-state-hub-bridge\",\"sub", "agt-state-hub-bridge\u0000\",\"sub"),
                        StandardCharsets.UTF_8), "a raw control byte 0x00 at byte 30"),
                Arguments.of("a NUL byte after the object", bytes(ALLOW + "\u0000", StandardCharsets.UTF_8),
                        "a raw control byte 0x00 at byte " + ALLOW.length()),
                Arguments.of("a raw 0x1f between members", bytes(ALLOW.replace(",\"action", ",\u001f\"action"), StandardCharsets.UTF_8),
                        "a raw control byte 0x1f at byte " + (ALLOW.indexOf(",\"action") + 1)));
    }

    private static byte[] bytes(String s, Charset cs) {
        return s.getBytes(cs);
    }

    private static byte[] concat(String hex, byte[] rest) {
        return Wire.concat(HexFormat.of().parseHex(hex), rest);
    }

    /** The body is UTF-8 decoded by flex-auth: never UTF-16 or UTF-32 by Jackson's detection, no BOM, no raw control bytes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void a_body_in_another_encoding_or_with_raw_control_bytes_is_refused(String what, byte[] body, String message) {
        for (String path : new String[] {"/v1/check", "/access/v1/evaluation", "/access/v1/evaluations"}) {
            Answer a = Client.once(server.port(), Wire.post(path, body));

            assertEquals(400, a.status(), () -> what + " to " + path + ": " + a);
            assertEquals("invalid_json", a.error(), a::toString);
            assertTrue(a.json().path("message").asText().startsWith(message), () -> what + " to " + path + ": " + a);
        }
    }

    /** Residuals R2 to R4: what the JDK normalises before flex-auth sees it, on every JDK; the same bytes are then decided. */
    @Test
    void what_the_jdk_normalises_is_decided_as_normalised() {
        // RFC 9110 5.5: whitespace around a value is not part of it. The JDK also strips control bytes there (R2).
        assertTrue(decided(post(HOST + "Content-Type: application/json \r\n" + LENGTH + "Connection: close\r\n")));
        assertTrue(decided(post(HOST + "Content-Type: application/json\u0000\r\n" + LENGTH + "Connection: close\r\n")));
        // obs-fold: the JDK joins the lines with a space, as RFC 9112 5.2 allows (R3).
        assertTrue(decided(post(HOST + JSON + LENGTH + "X-Note: one\r\n two\r\nConnection: close\r\n")));
        // A bare LF ends a header line (RFC 9112 2.2 allows it); a bare CR does too, which RFC 9112 2.2 forbids (R4).
        assertTrue(decided(post(HOST + JSON + LENGTH + "X-A: a\nConnection: close\r\n")));
        assertTrue(decided(post(HOST + JSON + LENGTH + "X-A: a\rConnection: close\r\n")));
    }

    /**
     * The JDK ends the request line at CRLF only: after a bare LF the next header joins the request
     * line, whose version then is not HTTP/1.x (400, closed); with no CRLF at all the line never
     * ends and the connection is closed unanswered at the read timeout.
     */
    @Test
    void a_request_line_ended_by_a_bare_lf_is_refused() {
        try (Wire w = Wire.open(server.port())) {
            Answer a = w.send(latin1("POST /v1/check HTTP/1.1\n" + HOST + JSON + LENGTH + "\r\n" + ALLOW + NEXT)).read();

            assertEquals(400, a.status(), a::toString);
            assertEquals("bad_request", a.error(), a::toString);
            assertEquals(0, w.bytesUntilClosed(), "closed, nothing more answered");
        }
        try (Wire w = Wire.open(server.port())) {
            Answer a = w.send(latin1("POST /v1/check HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: "
                    + ALLOW.length() + "\n\n" + ALLOW)).read();

            assertEquals(Answer.Source.NONE, a.source(), "closed at the read timeout: " + a);
        }
    }

    private static boolean decided(String request) {
        Answer a = Client.once(server.port(), latin1(request));
        assertEquals(200, a.status(), a::toString);
        return a.grants();
    }

    @Test
    void pipelined_requests_are_answered_in_order_until_an_error_that_closes() {
        String check = post(HOST + JSON + LENGTH);
        String unreadBody = "POST /v1/chek HTTP/1.1\r\n" + HOST + JSON + LENGTH + "\r\n" + ALLOW;
        try (Wire w = Wire.open(server.port())) {
            w.send(latin1(check + NEXT + check + unreadBody + check + NEXT));

            assertTrue(w.read().grants());
            assertEquals(200, w.read().status());
            assertTrue(w.read().grants());
            Answer notFound = w.read();
            assertEquals(404, notFound.status(), notFound::toString);
            assertEquals("close", notFound.header("Connection"));
            assertEquals(0, w.bytesUntilClosed(), "nothing after the 404 whose body was left unread is answered");
        }
    }

    @Test
    void header_floods_are_closed_without_an_answer() {
        StringBuilder many = new StringBuilder(HOST + JSON + LENGTH);
        for (int i = 0; i < 201; i++) {
            many.append("X-Filler-").append(i).append(": v\r\n");
        }
        for (String request : new String[] {post(many.toString()), post(HOST + JSON + LENGTH + "X-Huge: " + "v".repeat(400_000) + "\r\n")}) {
            try (Wire w = Wire.open(server.port())) {
                Answer a = w.send(latin1(request + NEXT)).read();

                assertEquals(Answer.Source.NONE, a.source(), "the JDK's limits (200 headers, 380 KiB) close it unanswered: " + a);
                assertEquals(0, w.bytesUntilClosed(), "closed, nothing more answered");
            }
        }
    }

    @Test
    void a_body_that_stalls_is_cut_off_unanswered_and_a_slow_one_in_time_is_decided() throws Exception {
        try (Wire w = Wire.open(server.port())) {
            Answer a = w.send(latin1(post(HOST + JSON + "Content-Length: " + (ALLOW.length() + 10) + "\r\n"))).read();

            assertFalse(a.answered(), a::toString);
            assertEquals(Answer.Source.NONE, a.source(), "closed at the read timeout: " + a);
        }
        byte[] request = latin1(post(HOST + JSON + LENGTH + "Connection: close\r\n"));
        try (Wire w = Wire.open(server.port())) {
            int half = request.length / 2;
            w.send(java.util.Arrays.copyOf(request, half));
            Thread.sleep(500);
            Answer a = w.send(java.util.Arrays.copyOfRange(request, half, request.length)).read();

            assertTrue(a.grants(), a::toString);
        }
    }
}
