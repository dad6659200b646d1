package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, faults: the decision log on a full device and on a path that cannot be written, and
 * the registry file deleted or made unreadable, each while clients keep checking. Pass: no
 * decision is answered while the log cannot be written (every 200 a client got is in a log file),
 * /healthz and the metrics report the fault, decisions resume when it clears, and the log's chain
 * runs on across the files; a registry that cannot be read is a rejected reload while the last
 * good pair keeps serving. DecisionLoggingTest and ReloadTest hold the single-fault cases.
 *
 * <p>Tests run as root here, and root writes into a read-only directory and reads a mode-000
 * file (CAP_DAC_OVERRIDE), so permissions cannot make a fault; the faults used instead fail for
 * root too: /dev/full (ENOSPC on every write), a directory where the log file must be created
 * (EISDIR), a deleted file, a directory or a dangling symlink where the registry was. The
 * permission variant runs only when the tests do not run as root.
 */
class FaultsTest {
    static final int LOG_FAULTS = Scale.of(1, 10);
    static final int CLIENTS = 4;
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}";
    static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    /** Clients that check without pause and keep every answer. */
    private static final class Load implements AutoCloseable {
        final List<Answer> answers = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Load(int port) {
            for (int c = 0; c < CLIENTS; c++) {
                Thread t = new Thread(() -> {
                    try (Client client = new Client(port)) {
                        while (!stop.get()) {
                            answers.add(client.post("/v1/check", ALLOW));
                        }
                    }
                }, "fault-client-" + c);
                t.start();
                threads.add(t);
            }
        }

        @Override
        public void close() {
            stop.set(true);
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Points {@code link} at {@code target} in one atomic rename, as a volume swap would. */
    private void relink(Path link, Path target) throws Exception {
        Path tmp = dir.resolve("link.tmp");
        Files.deleteIfExists(tmp);
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonNode awaitHealth(int port, Predicate<JsonNode> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = Client.get(port, "/healthz").json();
            if (until.test(last)) {
                return last;
            }
            HostileInputTest.sleep(20);
        }
        throw new AssertionError("/healthz did not get there within 10 s: " + last);
    }

    private static Set<String> decisionsIn(List<Path> files) throws Exception {
        Set<String> ids = new HashSet<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                JsonNode j = TestJson.MAPPER.readTree(line);
                if (j.has("decision_id")) {
                    ids.add(j.path("decision_id").asText());
                }
            }
        }
        return ids;
    }

    @Test
    void a_log_on_a_full_device_refuses_every_decision_until_it_can_be_written_again() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "needs /dev/full");
        Path link = dir.resolve("decisions.jsonl");
        List<Path> files = new ArrayList<>(List.of(dir.resolve("decisions-0.jsonl")));
        relink(link, files.get(0));
        long detectMillis = 0;
        long recoverMillis = 0;
        int refusedWhileDown = 0;
        Load load;
        String metrics;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config().withLog(link))) {
            int port = server.port();
            load = new Load(port);
            try {
                for (int fault = 1; fault <= LOG_FAULTS; fault++) {
                    HostileInputTest.sleep(300);
                    long t0 = System.nanoTime();
                    relink(link, Path.of("/dev/full"));
                    JsonNode down = awaitHealth(port, h -> "failed".equals(h.path("decision_log").path("state").asText()));
                    detectMillis = Math.max(detectMillis, (System.nanoTime() - t0) / 1_000_000);
                    assertEquals("unavailable", down.path("status").asText());
                    assertTrue(down.path("decision_log").path("last_error").asText().contains("No space left on device"), down::toString);
                    assertEquals(503, Client.get(port, "/healthz").status());
                    for (int i = 0; i < 5; i++) {
                        Answer a = Client.postOnce(port, "/v1/check", ALLOW);
                        assertEquals(503, a.status(), a::toString);
                        assertEquals("decision_log_unavailable", a.error());
                        refusedWhileDown++;
                    }
                    Path next = dir.resolve("decisions-" + fault + ".jsonl");
                    files.add(next);
                    long t1 = System.nanoTime();
                    relink(link, next);
                    awaitHealth(port, h -> "ok".equals(h.path("status").asText()));
                    recoverMillis = Math.max(recoverMillis, (System.nanoTime() - t1) / 1_000_000);
                }
                HostileInputTest.sleep(300);
            } finally {
                load.close();
            }
            metrics = Client.get(port, "/metrics").text();
            assertTrue(server.serverLog().contains("decision log failed: "), server::serverLog);
            assertTrue(server.serverLog().contains("decision log recovered: "), server::serverLog);
        }

        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> answered = new ArrayList<>();
        for (Answer a : load.answers) {
            outcomes.merge(a.label(), 1, Integer::sum);
            if (a.status() == 200) {
                answered.add(a.json().path("decision_id").asText());
            }
        }
        Set<String> logged = decisionsIn(files);
        List<String> lost = answered.stream().filter(id -> !logged.contains(id)).toList();
        VerifyReport chain = LogVerifier.verify(files.toArray(Path[]::new));
        Figures.of("fault-log-full-device").put("faults_injected", LOG_FAULTS).put("requests", load.answers.size() + refusedWhileDown)
                .put("outcomes", outcomes).put("refused_while_down_checked", refusedWhileDown)
                .put("slowest_detection_ms", detectMillis).put("slowest_recovery_ms", recoverMillis)
                .put("files", files.size()).put("decisions_lost", lost.size()).print();

        assertTrue(lost.isEmpty(), () -> "answered but not in any log file: " + lost);
        assertTrue(chain.ok() && chain.startsAtGenesis(), chain::summary);
        assertTrue(outcomes.keySet().stream().allMatch(k -> k.equals("flex-auth 200") || k.equals("flex-auth 503 decision_log_unavailable")),
                outcomes::toString);
        assertTrue(metrics.contains("flexauth_decision_log_write_failures_total " + LOG_FAULTS + "\n"), metrics);
        assertTrue(metrics.contains("flexauth_decision_log_up 1\n"), metrics);
        for (int f = 1; f < files.size(); f++) {
            String first = Files.readAllLines(files.get(f)).get(0);
            assertTrue(first.contains("\"event\":\"log_recovered\""), first);
        }
    }

    /**
     * The log file is rotated away and a directory takes its path, so no new file can be created
     * there: the rotation fails the log (EISDIR, which stops root as well), and removing the
     * directory lets it recover into a new file.
     */
    @Test
    void a_log_path_that_cannot_be_created_fails_closed_and_recovers() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Path rotated = dir.resolve("decisions.jsonl.1");
        Load load;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config().withLog(log))) {
            int port = server.port();
            load = new Load(port);
            try {
                HostileInputTest.sleep(300);
                Files.move(log, rotated);
                Files.createDirectory(log);
                JsonNode down = awaitHealth(port, h -> "failed".equals(h.path("decision_log").path("state").asText()));
                assertEquals(503, Client.get(port, "/healthz").status());
                assertTrue(down.path("decision_log").path("last_error").asText().contains("Is a directory"), down::toString);
                Answer refused = Client.postOnce(port, "/v1/check", ALLOW);
                assertEquals("decision_log_unavailable", refused.error(), refused::toString);

                Files.delete(log);
                awaitHealth(port, h -> "ok".equals(h.path("status").asText()));
                HostileInputTest.sleep(300);
            } finally {
                load.close();
            }
        }
        Set<String> logged = decisionsIn(List.of(rotated, log));
        long answered = load.answers.stream().filter(a -> a.status() == 200).count();
        List<String> lost = load.answers.stream().filter(a -> a.status() == 200).map(a -> a.json().path("decision_id").asText())
                .filter(id -> !logged.contains(id)).toList();
        long refused = load.answers.stream().filter(a -> "decision_log_unavailable".equals(a.error())).count();
        VerifyReport chain = LogVerifier.verify(rotated, log);
        Figures.of("fault-log-path-taken").put("faults_injected", 1).put("answered", answered).put("refused", refused)
                .put("decisions_lost", lost.size()).print();

        assertTrue(lost.isEmpty(), () -> "answered but not logged: " + lost);
        assertTrue(chain.ok(), chain::summary);
        assertTrue(Files.readAllLines(log).get(0).contains("\"event\":\"log_recovered\""));
    }

    /**
     * The registry is deleted, replaced by a directory, or by a dangling symlink while the server
     * watches it: each is a rejected reload reported in /healthz, and every check still gets the
     * last good pair's answer; restoring the file is accepted again.
     */
    @Test
    void a_registry_that_cannot_be_read_is_a_rejected_reload_and_the_last_good_pair_keeps_serving() throws Exception {
        Path registry = dir.resolve("registry.json");
        Path policy = dir.resolve("policy.md");
        Files.copy(InProcessServer.REGISTRY, registry);
        Files.copy(InProcessServer.POLICY, policy);
        Map<String, String> faults = new TreeMap<>();
        Load load;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config(registry, policy).withWatchFiles(true))) {
            int port = server.port();
            String good = Client.get(port, "/healthz").json().path("registry").path("digest").asText();
            load = new Load(port);
            try {
                List<String> kinds = List.of("deleted", "a directory", "a dangling symlink");
                for (int round = 0; round < Scale.of(1, 5); round++) {
                    for (String kind : kinds) {
                        java.time.Instant since = java.time.Instant.now().minusMillis(2);
                        Files.delete(registry);
                        if (kind.equals("a directory")) {
                            Files.createDirectory(registry);
                        } else if (kind.equals("a dangling symlink")) {
                            Files.createSymbolicLink(registry, dir.resolve("nowhere.json"));
                        }
                        JsonNode h = awaitHealth(port, j -> "rejected".equals(j.path("last_reload").path("result").asText())
                                && java.time.Instant.parse(j.path("last_reload").path("time").asText()).isAfter(since));
                        assertEquals("degraded", h.path("status").asText());
                        assertEquals(good, h.path("registry").path("digest").asText());
                        faults.put(kind, h.path("last_reload").path("errors").get(0).asText().replace(registry.toString(), "<registry>"));
                        Answer a = Client.postOnce(port, "/v1/check", ALLOW);
                        assertTrue(a.grants(), a::toString);
                        assertEquals(good, a.json().path("registry").path("digest").asText());

                        if (Files.isDirectory(registry, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                            Files.delete(registry);
                        } else {
                            Files.deleteIfExists(registry);
                        }
                        Files.copy(InProcessServer.REGISTRY, registry);
                        awaitHealth(port, j -> "ok".equals(j.path("status").asText()));
                    }
                }
            } finally {
                load.close();
            }
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        load.answers.forEach(a -> outcomes.merge(a.grants() ? "allowed" : a.label(), 1, Integer::sum));
        Figures.of("fault-registry-unreadable").put("faults_injected", Scale.of(1, 5) * 3).put("requests", load.answers.size())
                .put("outcomes", outcomes).put("errors_reported", faults).print();

        assertEquals(Map.of("allowed", load.answers.size()), outcomes, "every check answered by the last good pair");
    }

    /** Only meaningful without root: permission bits do not stop root (see the class description). */
    @Test
    void a_registry_made_unreadable_is_a_rejected_reload() throws Exception {
        assumeFalse(ROOT, "root reads a file whatever its mode (CAP_DAC_OVERRIDE); the other faults stand in");
        Path registry = dir.resolve("registry.json");
        Path policy = dir.resolve("policy.md");
        Files.copy(InProcessServer.REGISTRY, registry);
        Files.copy(InProcessServer.POLICY, policy);
        try (InProcessServer server = InProcessServer.start(InProcessServer.config(registry, policy).withWatchFiles(true))) {
            String changed = Files.readString(registry).replace("\"max_ttl_hours\": 48", "\"max_ttl_hours\": 47");
            Files.writeString(registry, changed);
            Files.setPosixFilePermissions(registry, PosixFilePermissions.fromString("---------"));
            JsonNode h = awaitHealth(server.port(), j -> "rejected".equals(j.path("last_reload").path("result").asText()));
            assertFalse(h.path("last_reload").path("errors").isEmpty(), h::toString);
            assertTrue(Client.postOnce(server.port(), "/v1/check", ALLOW).grants());
        } finally {
            Files.setPosixFilePermissions(registry, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
