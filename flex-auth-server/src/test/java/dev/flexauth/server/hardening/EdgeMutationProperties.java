package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 13: valid request bytes, mutated (bytes flipped, deleted, inserted, segments repeated, and
 * tokens of the classic smuggling attacks spliced in), sent on one connection against a real
 * server. Two requests go out: an allow to /v1/check framed by Content-Length, then
 * {@code GET /healthz} with {@code Connection: close}. Whatever the mutation:
 * <ul>
 * <li>every answer is one well-formed HTTP/1.1 response (status line, headers, a body framed by its
 *     Content-Length), never a 5xx; the one exception is the JDK's own 501 (residual R1 of
 *     docs/http-contract.md), and only when the bytes hold a {@code Transfer-Encoding} header;
 * <li>never more answers than requests: the two sent, plus one for each line break the mutation
 *     inserted and each run it removed (each can end a request head early and so start another,
 *     as HTTP/1.1 framing does);
 * <li>nothing after an answer that says {@code Connection: close};
 * <li>at most one allow, as the first answer, and only while the allow body is intact: a
 *     mutation never smuggles a second decision.
 * </ul>
 * The corpus of EdgeContractTest and HostileInputTest holds the exact answers; this is the net
 * under them. The server's log never shows a defect, and its defect counter stays 0.
 */
class EdgeMutationProperties {
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final byte[] VALID = ("POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + ALLOW.length() + "\r\nX-Request-ID: r1\r\n\r\n" + ALLOW + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    static final List<String> TOKENS = List.of("\r\n", "\n", "\r", "\r\n\r\n", "\u0000", "\u007f", " ", "\t", ",", ":", "\r\n ",
            "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip\r\n", "Content-Length: 0\r\n", "Content-Length: 5\r\n",
            "Host: evil\r\n", "100000000\r\n", "0\r\n\r\n", "HTTP/1.0", "Expect: 100-continue\r\n", "\u00ff", "\"}", "{");

    static InProcessServer server;

    @BeforeContainer
    static void start() throws Exception {
        server = InProcessServer.start(InProcessServer.config());
    }

    @AfterContainer
    static void stop() {
        try {
            assertFalse(server.serverLog().contains("defect"), server::serverLog);
            assertTrue(Client.get(server.port(), "/metrics").text().contains("\nflexauth_http_defects_total 0\n"), "defects counted");
        } finally {
            server.close();
        }
    }

    /** One edit of the bytes: what it does and where. */
    record Edit(int kind, int at, int length, String token, int value) {
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<Edit> edit = Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, VALID.length),
                Arbitraries.integers().between(1, 24), Arbitraries.of(TOKENS), Arbitraries.integers().between(0, 255)).as(Edit::new);
        return edit.list().ofMinSize(1).ofMaxSize(4);
    }

    /**
     * Applies the edits; returns the bytes and, in {@code breaks}, how many new request heads the
     * edits could have made: one per line-break byte inserted and one per removal.
     */
    static byte[] mutate(List<Edit> edits, int[] breaks) {
        byte[] b = VALID;
        for (Edit e : edits) {
            int at = Math.min(e.at(), b.length);
            byte[] insert;
            int remove = 0;
            switch (e.kind()) {
                case 0: // replace one byte
                    insert = new byte[] {(byte) e.value()};
                    remove = at < b.length ? 1 : 0;
                    break;
                case 1: // delete a run
                    insert = new byte[0];
                    remove = Math.min(e.length(), b.length - at);
                    break;
                case 2: // repeat a segment
                    insert = java.util.Arrays.copyOfRange(b, at, Math.min(b.length, at + e.length()));
                    break;
                default: // splice in a token
                    insert = e.token().getBytes(StandardCharsets.ISO_8859_1);
                    break;
            }
            for (byte x : insert) {
                breaks[0] += x == '\r' || x == '\n' ? 1 : 0;
            }
            // A removal can join two line ends into an empty line, which ends a head early.
            breaks[0] += remove > 0 ? 1 : 0;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(b, 0, at);
            out.writeBytes(insert);
            out.write(b, at + remove, b.length - at - remove);
            b = out.toByteArray();
        }
        return b;
    }

    @Property(tries = 300)
    void mutated_requests_get_well_formed_answers_never_a_5xx_never_more_than_sent_never_a_smuggled_allow(
            @ForAll("edits") List<Edit> edits) {
        int[] breaks = {0};
        byte[] bytes = mutate(edits, breaks);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Answer> answers = new ArrayList<>();
        boolean closedAfterClose = true;
        try (Wire w = Wire.open(server.port())) {
            w.send(bytes).finishSending();
            while (true) {
                Answer a = w.read(); // throws on anything that is not a well-formed HTTP/1.x answer
                if (!a.answered()) {
                    break;
                }
                answers.add(a);
                if ("close".equalsIgnoreCase(a.header("Connection"))) {
                    closedAfterClose = w.bytesUntilClosed() == 0;
                    break;
                }
            }
        }
        String shown = text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
        assertTrue(answers.size() <= 2 + breaks[0], () -> answers.size() + " answers to " + shown + ": " + answers);
        assertTrue(closedAfterClose, () -> "bytes after an answer with Connection: close, for " + shown);
        boolean transferEncoding = text.toLowerCase(Locale.ROOT).contains("transfer-encoding");
        for (int i = 0; i < answers.size(); i++) {
            Answer a = answers.get(i);
            if (a.status() >= 500) {
                assertEquals(501, a.status(), () -> shown + ": " + a);
                assertEquals(Answer.Source.JDK, a.source(), () -> shown + ": " + a);
                assertTrue(transferEncoding, () -> "a 501 without Transfer-Encoding: " + shown);
            }
            boolean allow = a.status() == 200 && a.text().contains("\"effect\":\"allow\"");
            if (allow) {
                int index = i;
                assertEquals(0, index, () -> "an allow as answer " + index + " to " + shown);
                assertTrue(text.contains(ALLOW), () -> "an allow for a mutated body: " + shown);
            }
        }
    }
}
