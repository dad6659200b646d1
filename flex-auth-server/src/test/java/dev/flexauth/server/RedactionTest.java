package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.server.observability.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials sent by mistake reach neither the decision log nor the server log: in their place
 * is a marker with the first 8 hex digits of their SHA-256, so an auditor holding a credential can
 * still tell whether it was sent.
 */
class RedactionTest {
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXJkZW4ifQ.c2lnbmF0dXJlLWJ5dGVz";
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    @TempDir
    Path dir;

    private static String sha8(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
    }

    @Test
    void a_token_sent_in_a_request_field_is_a_marker_in_the_decision_log() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        String ghp = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
            Reply check = server.check("{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\","
                    + "\"action\":\"ssh.sign\",\"principal\":\"Bearer " + JWT + "\"}");
            Reply authzen = server.post("/access/v1/evaluation", "application/json", ("{\"subject\":{\"type\":\"actor\",\"id\":\""
                    + ghp + "\"},\"action\":{\"name\":\"ssh.sign\"},\"resource\":{\"type\":\"host\",\"id\":\"x\"}}")
                    .getBytes(StandardCharsets.UTF_8));
            String written = Files.readString(log);
            String serverLog = server.serverLog();
            assertAll(written,
                    () -> assertEquals(200, check.status(), check::toString),
                    () -> assertTrue(written.contains("\"principal\":\"Bearer [redacted:jwt sha256:" + sha8(JWT) + "]\"")),
                    () -> assertFalse(written.contains(JWT)),
                    () -> assertFalse(written.contains(ghp)),
                    () -> assertFalse(serverLog.contains(JWT) || serverLog.contains(ghp), serverLog),
                    () -> assertEquals(200, authzen.status(), authzen::toString),
                    () -> assertTrue(written.contains("[redacted:github_token sha256:" + sha8(ghp) + "]"), written));
        }
    }

    @Test
    void a_credential_in_a_server_log_message_is_a_marker() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));
        log.info("defect answering GET /v1/check?access_token=" + JWT);
        assertEquals("2026-12-07T00:00:00Z flex-auth: defect answering GET /v1/check?access_token=[redacted:jwt sha256:"
                + sha8(JWT) + "]" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> secrets() {
        Arbitrary<String> url64 = Arbitraries.strings().withChars((ALNUM + "_-").toCharArray()).ofMinLength(4).ofMaxLength(40);
        return Arbitraries.oneOf(
                Combinators.combine(url64, url64, url64).as((h, p, s) -> "eyJ" + h + ".eyJ" + p + "." + s),
                Arbitraries.strings().withChars(ALNUM.toCharArray()).ofLength(36).map(s -> "ghs_" + s),
                Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray()).ofLength(16).map(s -> "AKIA" + s),
                Arbitraries.strings().withChars((ALNUM + "-").toCharArray()).ofMinLength(10).ofMaxLength(40).map(s -> "xoxb-" + s),
                Arbitraries.strings().withChars(ALNUM.toCharArray()).ofMinLength(20).ofMaxLength(60).map(s -> "hvs." + s),
                Arbitraries.strings().withChars((ALNUM + "\n").toCharArray()).ofMaxLength(80)
                        .map(s -> "-----BEGIN EC PRIVATE KEY-----\n" + s + "\n-----END EC PRIVATE KEY-----"));
    }

    @Property(tries = 500)
    void no_secret_reaches_the_server_log(@ForAll("secrets") String secret,
            @ForAll("around") String before, @ForAll("around") String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC());
        log.info(before + secret + after);
        String line = out.toString(StandardCharsets.UTF_8);
        assertFalse(line.contains(secret), line);
        assertFalse(line.contains(secret.replaceAll("\\R", " | ")), line);
    }

    @Provide
    Arbitrary<String> around() {
        return Arbitraries.strings().withChars((ALNUM + " .:/?=&\n").toCharArray()).ofMaxLength(16);
    }
}
