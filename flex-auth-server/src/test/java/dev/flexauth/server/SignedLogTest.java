package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.log.LogKey;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --log-key}: the server signs checkpoints of its decision log, closes it with one, and
 * shows the chain head in the metrics as an anchor to keep elsewhere.
 */
class SignedLogTest {
    @TempDir
    Path dir;

    private Path key(String permissions) throws Exception {
        Path key = Files.write(dir.resolve("log.key"), "a key of thirty-two bytes or more!".getBytes(StandardCharsets.UTF_8));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(permissions));
        return key;
    }

    private static String lastChain(List<String> lines) {
        String last = lines.get(lines.size() - 1);
        return last.substring(last.length() - 66, last.length() - 2);
    }

    @Test
    void a_keyed_log_ends_with_a_close_checkpoint_and_the_metrics_show_its_head() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Path key = key("rw-------");
        try (TestServer server = TestServer.start(TestServer.config().withLog(log).withLogKey(key))) {
            for (String request : DecisionLoggingTest.REQUESTS.subList(0, 3)) {
                assertEquals(200, server.check(request).status());
            }
            List<String> lines = Files.readAllLines(log);
            List<String> metrics = server.get("/metrics").body().lines().toList();
            assertAll(String.join("\n", metrics),
                    () -> assertEquals(3, lines.size()),
                    () -> assertTrue(metrics.contains("flexauth_decision_log_head{chain=\"" + lastChain(lines) + "\"} 3")),
                    () -> assertTrue(server.serverLog().contains("(checkpoints signed with " + LogKey.read(key).id() + ")"),
                            server.serverLog()));
        }
        List<String> lines = Files.readAllLines(log);
        VerifyReport report = LogVerifier.verify(List.of(LogKey.read(key)), List.of(log));
        assertAll(report.summary(),
                () -> assertEquals(4, lines.size()),
                () -> assertTrue(lines.get(3).contains("\"event\":\"checkpoint\",\"reason\":\"close\""), lines.get(3)),
                () -> assertTrue(report.complete()));
    }

    @Test
    void the_head_in_the_metrics_is_genesis_before_the_first_line() throws Exception {
        try (TestServer server = TestServer.start(TestServer.config().withLog(dir.resolve("decisions.jsonl")))) {
            assertTrue(server.get("/metrics").body().lines().toList()
                    .contains("flexauth_decision_log_head{chain=\"" + "0".repeat(64) + "\"} 0"));
        }
    }

    @Test
    void a_key_others_can_read_stops_the_start() throws Exception {
        Path key = key("rw-r-----");
        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withLog(dir.resolve("decisions.jsonl")).withLogKey(key)));
        assertEquals(List.of("--log-key: log key " + key + " is readable or writable by group or others (rw-r-----); whoever"
                + " can read it can forge checkpoints: run chmod 600 " + key), e.problems());
    }

    @Test
    void a_key_without_a_log_stops_the_start() throws Exception {
        Path key = key("rw-------");
        ServerStartException e = assertThrows(ServerStartException.class,
                () -> TestServer.start(TestServer.config().withLogKey(key)));
        assertEquals(List.of("--log-key " + key + " signs the decision log's checkpoints, but there is no decision log;"
                + " give --log FILE too"), e.problems());
    }
}
