package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision log behind the server (SPEC section 7): one chained line per answered decision,
 * written before the answer; no decision at all, allow or deny, while it cannot be written.
 */
class DecisionLoggingTest {
    static final List<String> REQUESTS = List.of(
            "{\"actor\":\"adm-example\",\"subject\":\"iam:adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":48}",
            "{\"actor\":\"adm-example\",\"subject\":\"iam:adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":49}",
            "{\"actor\":\"agt-codex-interhub-bootstrap\",\"subject\":\"agt-codex-interhub-bootstrap\",\"action\":\"ssh.sign\"}",
            "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"principal\":\"agt-task-bridge\"}",
            "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:adm-example\",\"action\":\"ssh.sign\"}",
            "{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.deploy\"}",
            "{\"actor\":\"agt-not-inventoried\",\"subject\":\"agt-not-inventoried\",\"action\":\"ssh.sign\"}");
    static final String ALLOWED = REQUESTS.get(0);

    @TempDir
    Path dir;

    @Test
    void every_answer_has_exactly_one_matching_line_and_the_chain_is_intact() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        List<JsonNode> answers = new ArrayList<>();
        try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<Reply>> pending = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                for (String request : REQUESTS) {
                    pending.add(clients.submit(() -> server.check(request)));
                }
            }
            for (Future<Reply> f : pending) {
                Reply r = f.get();
                assertEquals(200, r.status(), r::toString);
                answers.add(r.json());
            }
            clients.shutdown();
        }

        List<String> lines = Files.readAllLines(log);
        assertEquals(answers.size(), lines.size());
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : lines) {
            JsonNode record = TestJson.MAPPER.readTree(line);
            assertEquals(null, byId.put(record.path("decision_id").asText(), record), "one line per decision");
        }
        for (JsonNode answer : answers) {
            JsonNode record = byId.get(answer.path("decision_id").asText());
            assertEquals(answer.path("effect"), record.path("effect"));
            assertEquals(answer.path("reason"), record.path("reason"));
            assertEquals(answer.path("outputs"), record.path("outputs"));
            assertEquals(answer.path("policy"), record.path("policy"));
            assertEquals(answer.path("registry").path("digest"), record.path("registry").path("digest"));
            assertTrue(record.path("duration_us").asLong(-1) >= 0);
            assertTrue(record.path("request").path("actor").isTextual());
        }
        VerifyReport report = LogVerifier.verify(log);
        assertTrue(report.ok(), report::summary);
        assertEquals(answers.size(), report.lastSeq());
    }

    @Test
    void the_logged_request_is_what_was_decided() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
            server.check(REQUESTS.get(3));
        }

        JsonNode record = TestJson.MAPPER.readTree(Files.readAllLines(log).get(0));
        assertEquals(TestJson.MAPPER.readTree(REQUESTS.get(3)), record.path("request"));
        assertEquals(1, record.path("seq").asInt());
    }

    @Test
    void a_restart_on_an_existing_log_continues_its_chain() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        for (int start = 0; start < 2; start++) {
            try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, server.check(REQUESTS.get(i)).status());
                }
                assertEquals(3L * (start + 1), server.get("/healthz").json().path("decision_log").path("last_seq").asLong());
            }
        }

        VerifyReport report = LogVerifier.verify(log);
        assertTrue(report.ok(), report::summary);
        assertTrue(report.startsAtGenesis());
        assertEquals(6, report.lastSeq());
    }

    @Test
    void fsync_mode_logs_every_concurrent_decision() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        try (TestServer server = TestServer.start(TestServer.config().withLog(log).withLogFsync(true))) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Reply>> pending = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String request = REQUESTS.get(i % REQUESTS.size());
                pending.add(clients.submit(() -> server.check(request)));
            }
            for (Future<Reply> f : pending) {
                assertEquals(200, f.get().status());
            }
            clients.shutdown();
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_decision_log_lines_total 80\n"), metrics);
        }

        VerifyReport report = LogVerifier.verify(log);
        assertTrue(report.ok(), report::summary);
        assertEquals(80, report.lastSeq());
    }

    /** The log is a symlink to /dev/full (every write fails with ENOSPC), then to a writable file. */
    @Test
    void an_unwritable_log_fails_closed_and_the_server_recovers_when_it_is_writable_again() throws Exception {
        Path devFull = Path.of("/dev/full");
        assumeTrue(Files.isWritable(devFull), "needs /dev/full");
        Path log = Files.createSymbolicLink(dir.resolve("decisions.jsonl"), devFull);
        try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
            for (String request : REQUESTS) {
                Reply r = server.check(request);
                assertEquals(503, r.status(), r::toString);
                assertEquals("decision_log_unavailable", r.error());
                assertEquals("1", r.header("Retry-After"));
            }
            Reply health = server.get("/healthz");
            assertEquals(503, health.status());
            JsonNode h = health.json();
            assertEquals("unavailable", h.path("status").asText());
            assertEquals("failed", h.path("decision_log").path("state").asText());
            assertTrue(h.path("decision_log").path("last_error").asText().contains("No space left on device"), h::toString);
            assertTrue(h.path("decision_log").path("failed_since").isTextual(), h::toString);
            assertEquals(503, server.head("/healthz").status());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_decision_log_up 0\n"), metrics);
            assertTrue(metrics.contains("flexauth_decision_log_write_failures_total 1\n"), metrics);
            assertTrue(metrics.contains("flexauth_decisions_unlogged_total " + REQUESTS.size() + "\n"), metrics);
            assertTrue(!metrics.contains("flexauth_decisions_total{"), metrics);
            assertTrue(server.serverLog().contains("decision log failed: "), server.serverLog());

            Path file = dir.resolve("decisions-writable.jsonl");
            Files.createSymbolicLink(dir.resolve("next"), file);
            Files.move(dir.resolve("next"), log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            JsonNode recovered = server.awaitHealth(j -> j.path("status").asText().equals("ok"));

            assertEquals("ok", recovered.path("decision_log").path("state").asText());
            Reply r = server.check(ALLOWED);
            assertEquals(200, r.status(), r::toString);
            assertEquals("allow", r.json().path("effect").asText());
            server.awaitServerLog("decision log recovered: " + log + " accepts decisions again");
            List<String> lines = Files.readAllLines(file);
            assertTrue(lines.get(0).contains("\"event\":\"log_recovered\""), lines.get(0));
            assertTrue(lines.get(1).contains(r.json().path("decision_id").asText()), lines.get(1));
            VerifyReport report = LogVerifier.verify(file);
            assertTrue(report.ok(), report::summary);
        }
    }

    @Test
    void a_log_rotated_by_rename_continues_in_a_new_file() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Path rotated = dir.resolve("decisions.jsonl.1");
        try (TestServer server = TestServer.start(TestServer.config().withLog(log))) {
            server.check(REQUESTS.get(0));
            server.check(REQUESTS.get(1));

            Files.move(log, rotated);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!Files.exists(log) && System.nanoTime() < deadline) {
                TestServer.pause(20);
            }
            assertTrue(Files.exists(log), "a new log file within 10 s");
            server.check(REQUESTS.get(2));
        }

        assertEquals(2, Files.readAllLines(rotated).size());
        assertEquals(1, Files.readAllLines(log).size());
        VerifyReport report = LogVerifier.verify(rotated, log);
        assertTrue(report.ok(), report::summary);
        assertEquals(3, report.lastSeq());
        assertNotEquals(Files.readAllLines(rotated).get(1), Files.readAllLines(log).get(0));
    }
}
