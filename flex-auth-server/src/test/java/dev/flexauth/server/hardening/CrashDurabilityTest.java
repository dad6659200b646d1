package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, crash durability: a server in its own process with a decision log (and again with
 * --log-fsync) takes concurrent allow requests and is killed with SIGKILL mid-stream, then
 * restarted on the same file (once; five times with -Preliability). Pass: every decision a client
 * received is in the log; the chain verifies up to the last complete line; on restart the server
 * continues the chain on the same file (seq and prev follow on). Reports the decisions per second
 * each mode sustained. A SIGKILL leaves the page cache intact, so this shows that a line is
 * written before its answer leaves; a power cut is what --log-fsync is for, and is not simulated
 * here. DecisionLoggingTest holds restart and torn-tail recovery in-process.
 */
class CrashDurabilityTest {
    static final int CLIENTS = 8;
    static final int CYCLES = Scale.of(1, 5);
    static final long WARM_UP_MILLIS = Scale.of(700, 3000);
    static final long LOAD_MILLIS = Scale.of(1000, 8000);
    static final String ALLOW = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\","
            + "\"ttl_hours\":24}";

    @TempDir
    Path dir;

    /** Asks until a decision comes back (at most 10 tries); what this test holds starts from a decided request. */
    private static Answer firstDecision(int port) {
        Answer last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            last = Client.postOnce(port, "/v1/check", ALLOW);
            if (last.status() == 200) {
                return last;
            }
            HostileInputTest.sleep(500);
        }
        throw new AssertionError("no decision in 10 tries after a restart; the last answer: " + last);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--log", "--log-fsync"})
    void every_decision_a_client_received_survives_a_sigkill_and_the_chain_continues(String mode) throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        List<String> options = new ArrayList<>(List.of("--registry", InProcessServer.REGISTRY.toString(), "--policy",
                InProcessServer.POLICY.toString(), "--addr", "127.0.0.1:0", "--log", log.toString(), "--no-watch", "--no-sighup",
                "--read-timeout", "3"));
        if (mode.equals("--log-fsync")) {
            options.add("--log-fsync");
        }
        Set<String> received = Collections.synchronizedSet(new HashSet<>());
        long receivedDuringLoad = 0;
        long loadMillis = 0;
        int tornTails = 0;
        long lastSeq = 0;
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            Chain before = Chain.of(log);
            try (ServedProcess server = ServedProcess.start(List.of("-Xmx256m"), options)) {
                // The restart continued the chain: its first line links to the last complete line before.
                // The first request of a fresh JVM can go unanswered on a starved machine (reliability.md,
                // "The unanswered first request"); it is asked again, as a client would, until one is decided.
                firstDecision(server.port());
                Chain restarted = Chain.of(log);
                assertEquals(before.lastSeq + 1, restarted.seq.get(before.lines), "seq follows on after restart " + cycle);
                assertEquals(before.lastChain, restarted.prev.get(before.lines), "prev links to the last line before restart " + cycle);

                AtomicBoolean stop = new AtomicBoolean();
                AtomicLong counted = new AtomicLong();
                AtomicBoolean counting = new AtomicBoolean(false);
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    Thread t = new Thread(() -> drive(server.port(), stop, counting, counted, received), "crash-client-" + c);
                    t.start();
                    clients.add(t);
                }
                // The rate is counted once the new JVM has warmed up.
                HostileInputTest.sleep(WARM_UP_MILLIS);
                counting.set(true);
                long start = System.nanoTime();
                HostileInputTest.sleep(LOAD_MILLIS);
                counting.set(false);
                loadMillis += (System.nanoTime() - start) / 1_000_000;
                receivedDuringLoad += counted.get();
                server.kill();
                stop.set(true);
                for (Thread t : clients) {
                    t.join();
                }
            }
            if ((cycle + (mode.equals("--log-fsync") ? 0 : 1)) % 2 == 0) {
                // A kill between two write() calls leaves whole lines; a full disk or a power cut can leave
                // half of one. Half of the next record is added here, as such a crash would leave it.
                Files.writeString(log, "{\"seq\":" + (Chain.of(log).lastSeq + 1) + ",\"time\":\"2026-11-29T",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            tornTails += text.isEmpty() || text.endsWith("\n") ? 0 : 1;
            VerifyReport report = LogVerifier.verify(log);
            assertTrue(report.ok(), () -> "cycle " + report.summary());
            assertEquals(!text.endsWith("\n"), report.tornTail(), report::summary);
            lastSeq = report.lastSeq();
        }
        // A last restart moves a torn tail aside and continues the chain; then the whole file verifies.
        try (ServedProcess server = ServedProcess.start(List.of("-Xmx256m"), options)) {
            Answer a = firstDecision(server.port());
            received.add(a.json().path("decision_id").asText());
            assertEquals(0, server.terminate(), server::output);
        }
        VerifyReport whole = LogVerifier.verify(log);
        assertTrue(whole.ok() && !whole.tornTail() && whole.startsAtGenesis(), whole::summary);
        assertEquals(lastSeq + 1, whole.lastSeq(), whole::summary);
        Chain all = Chain.of(log);
        Set<String> lost = new HashSet<>(received);
        lost.removeAll(all.decisions);
        long unanswered = all.decisions.stream().filter(d -> !received.contains(d)).count();
        long sideFiles;
        try (Stream<Path> files = Files.list(dir)) {
            sideFiles = files.filter(p -> p.getFileName().toString().startsWith("decisions.jsonl.torn-")).count();
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("mode", mode);
        figures.put("kills", CYCLES);
        figures.put("decisions_per_s", receivedDuringLoad * 1000 / Math.max(1, loadMillis));
        figures.put("decisions_received", received.size());
        figures.put("decisions_logged", all.decisions.size());
        figures.put("logged_but_not_received", unanswered);
        figures.put("torn_tails_at_restart", tornTails);
        figures.put("torn_side_files", sideFiles);
        figures.put("decisions_lost", lost.size());
        Figures f = Figures.of("crash-durability");
        figures.forEach(f::put);
        f.print();

        assertTrue(lost.isEmpty(), () -> lost.size() + " decisions received by a client are not in the log, e.g. " + lost.iterator().next());
        assertTrue(received.size() > 0, "decisions were received");
    }

    /** Sends allow requests on a keep-alive connection until the server dies, noting each decision id received. */
    private static void drive(int port, AtomicBoolean stop, AtomicBoolean counting, AtomicLong counted, Set<String> received) {
        try (Client client = new Client(port)) {
            while (!stop.get()) {
                Answer a;
                try {
                    a = client.post("/v1/check", ALLOW);
                } catch (RuntimeException | AssertionError e) {
                    return; // The server is gone (refused, reset, or an answer cut off): nothing was received.
                }
                if (a.status() != 200) {
                    if (!a.answered()) {
                        return;
                    }
                    throw new AssertionError("a decision refused before the kill: " + a);
                }
                String id;
                try {
                    id = a.json().path("decision_id").asText();
                } catch (AssertionError cutOff) {
                    return;
                }
                if (!id.matches("decision:[0-9a-f]{16}")) {
                    return; // An answer whose body the kill cut short was not received.
                }
                received.add(id);
                if (counting.get()) {
                    counted.incrementAndGet();
                }
            }
        }
    }

    /** The complete lines of a log: decision ids, and each line's seq, prev and chain. */
    private static final class Chain {
        final List<Long> seq = new ArrayList<>();
        final List<String> prev = new ArrayList<>();
        final Set<String> decisions = new HashSet<>();
        long lastSeq;
        String lastChain = "0".repeat(64);
        int lines;

        static Chain of(Path log) throws Exception {
            Chain c = new Chain();
            if (!Files.exists(log)) {
                return c;
            }
            String text = Files.readString(log, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return c;
            }
            for (String line : text.substring(0, end).split("\n")) {
                JsonNode j = TestJson.MAPPER.readTree(line);
                c.seq.add(j.path("seq").asLong());
                c.prev.add(j.path("prev").asText());
                if (j.has("decision_id")) {
                    c.decisions.add(j.path("decision_id").asText());
                }
                c.lastSeq = j.path("seq").asLong();
                c.lastChain = j.path("chain").asText();
                c.lines++;
            }
            return c;
        }
    }
}
