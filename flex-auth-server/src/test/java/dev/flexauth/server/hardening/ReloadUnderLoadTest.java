package dev.flexauth.server.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8, reload under load: clients drive {@code /v1/check} without pause while the registry
 * and policy are replaced 20 times (100 with -Preliability), a quarter of them with invalid
 * content (a policy typo, a registry attribute of the wrong type, a truncated snapshot, an empty
 * file), through all three triggers in turn: a file change (atomic rename or a rewrite in place),
 * SIGHUP, and the admin endpoint. Pass: no failed request and no 5xx; every decision names the
 * digests of a pair of files that were written and are valid together (so none was decided on an
 * invalid snapshot); after the last valid swap every decision reflects it within one second.
 * ReloadTest holds each trigger and each kind of invalid file one at a time.
 */
class ReloadUnderLoadTest {
    static final int SWAPS = Scale.of(20, 100);
    static final int CLIENTS = 4;
    static final String ADMIN_TOKEN = "admin-token-for-reload-under-load";
    static final List<String> REQUESTS = List.of(
            "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}",
            "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":48}",
            "{\"actor\":\"atm-backup-daily\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\"}",
            "{\"actor\":\"agt-codex-interhub-bootstrap\",\"subject\":\"agt-codex-interhub-bootstrap\",\"action\":\"ssh.sign\",\"ttl_hours\":2}");

    enum Trigger { FILE, SIGNAL, ADMIN }

    /** One answer a client got: when its request was sent, and the pair that decided it (or what went wrong). */
    record Seen(long sentNanos, int status, String pair) {
    }

    @TempDir
    Path dir;

    private Path registry;
    private Path policy;
    /** Digest of every valid registry and policy version written, with its bytes. */
    private final Map<String, byte[]> registries = new HashMap<>();
    private final Map<String, byte[]> policies = new HashMap<>();
    /** The pairs that were on disk together and valid, as "policy registry". */
    private final Set<String> onDiskTogether = new java.util.HashSet<>();

    @Test
    void decisions_name_a_valid_pair_through_every_swap_and_follow_the_last_one_within_a_second() throws Exception {
        registry = dir.resolve("registry.json");
        policy = dir.resolve("policy.md");
        Files.copy(InProcessServer.REGISTRY, registry);
        Files.copy(InProcessServer.POLICY, policy);
        noteOnDisk();
        Path token = Files.writeString(dir.resolve("admin.token"), ADMIN_TOKEN);
        ObjectNode baseRegistry = (ObjectNode) TestJson.MAPPER.readTree(registry.toFile());
        String basePolicy = Files.readString(policy);

        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Map<Trigger, LongAdder> accepted = new ConcurrentHashMap<>();
        Map<Trigger, LongAdder> rejected = new ConcurrentHashMap<>();
        Map<Trigger, Long> slowestMillis = new ConcurrentHashMap<>();
        long lastValidSwap = 0;
        String lastValidPair = null;
        int invalid = 0;
        try (InProcessServer server = InProcessServer.start(InProcessServer.config(registry, policy)
                .withWatchFiles(true).withReloadOnSighup(true).withReloadDebounce(Duration.ofMillis(250))
                .withAdminTokenFile(token))) {
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int offset = c;
                Thread t = new Thread(() -> drive(server.port(), offset, stop, seen), "reload-client-" + c);
                t.start();
                clients.add(t);
            }
            for (int i = 0; i < SWAPS; i++) {
                Trigger trigger = Trigger.values()[i % 3];
                boolean valid = i % 4 != 3;
                long start = System.nanoTime();
                java.time.Instant startedAt = java.time.Instant.now().minusMillis(2);
                String expected;
                String before = servedPair(server.port());
                if (valid) {
                    write(registry, validRegistry(baseRegistry, i), i);
                    write(policy, basePolicy.replace("version: 2026.06.23", "version: 2026.06.23-r" + i).getBytes(StandardCharsets.UTF_8), i + 1);
                    expected = pairOnDisk();
                } else {
                    invalid++;
                    write(i % 8 == 3 ? policy : registry, invalidVariant(i, baseRegistry, basePolicy), i);
                    expected = before;
                }
                String outcome = fire(trigger, server.port());
                String reached = awaitOutcome(server.port(), valid, expected, startedAt);
                (valid ? accepted : rejected).computeIfAbsent(trigger, k -> new LongAdder()).increment();
                slowestMillis.merge(trigger, (System.nanoTime() - start) / 1_000_000, Math::max);
                assertEquals(expected, reached, "swap " + i + " (" + trigger + ", " + (valid ? "valid" : "invalid") + "): " + outcome);
                if (valid) {
                    lastValidSwap = start;
                    lastValidPair = expected;
                }
            }
            // Keep the clients going for a while after the last swap (an invalid one), then stop them.
            HostileInputTest.sleep(1500);
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
            String metrics = Client.get(server.port(), "/metrics").text();
            JsonNode health = Client.get(server.port(), "/healthz").json();

            Map<String, Integer> outcomes = new TreeMap<>();
            Map<String, Integer> pairs = new TreeMap<>();
            long afterLastValid = 0;
            List<String> late = new ArrayList<>();
            for (Seen s : seen) {
                outcomes.merge(s.status() == 200 ? "200" : "failed " + s.status(), 1, Integer::sum);
                if (s.pair() != null) {
                    pairs.merge(s.pair(), 1, Integer::sum);
                }
                if (s.sentNanos() > lastValidSwap + Duration.ofSeconds(1).toNanos()) {
                    afterLastValid++;
                    if (!lastValidPair.equals(s.pair()) && late.size() < 5) {
                        late.add((s.sentNanos() - lastValidSwap) / 1_000_000 + " ms after the swap: " + s.pair());
                    }
                }
            }
            List<String> invalidPairs = new ArrayList<>();
            int neverTogether = 0;
            for (String pair : pairs.keySet()) {
                if (!validPair(pair)) {
                    invalidPairs.add(pair);
                } else if (!onDiskTogether.contains(pair)) {
                    neverTogether++;
                }
            }
            Figures.of("reload-under-load")
                    .put("swaps", SWAPS).put("invalid", invalid)
                    .put("accepted", new TreeMap<>(Map.copyOf(accepted))).put("rejected", new TreeMap<>(Map.copyOf(rejected)))
                    .put("slowest_reload_ms", new TreeMap<>(slowestMillis))
                    .put("requests", seen.size()).put("outcomes", outcomes)
                    .put("pairs_seen", pairs.size()).put("pairs_never_on_disk_together", neverTogether)
                    .put("invalid_pairs_seen", invalidPairs.size())
                    .put("decisions_after_last_valid_swap_plus_1s", afterLastValid).put("stale_after_1s", late.size())
                    .print();

            assertEquals(Map.of("200", seen.size()), outcomes, "every request answered 200");
            assertTrue(invalidPairs.isEmpty(), () -> "decided on pairs that are not valid: " + invalidPairs);
            String finalPair = lastValidPair;
            assertTrue(late.isEmpty(), () -> "decisions not on the last valid pair " + finalPair + " a second after it: " + late);
            assertTrue(afterLastValid > 0, "decisions after the last valid swap");
            assertEquals(lastValidPair, health.path("policy").path("digest").asText() + " " + health.path("registry").path("digest").asText());
            assertEquals("rejected", health.path("last_reload").path("result").asText());
            for (Trigger t : Trigger.values()) {
                String label = t == Trigger.FILE ? "file" : t == Trigger.SIGNAL ? "signal" : "admin";
                for (String result : List.of("accepted", "rejected")) {
                    assertTrue(metrics.matches("(?s).*flexauth_reloads_total\\{result=\"" + result + "\",trigger=\"" + label
                            + "\"} [1-9].*"), () -> result + " reloads by " + label + " in\n" + metrics);
                }
            }
        }
    }

    /** Sends the requests round-robin on one keep-alive connection until told to stop. */
    private static void drive(int port, int offset, AtomicBoolean stop, List<Seen> seen) {
        try (Client client = new Client(port)) {
            for (int i = offset; !stop.get(); i++) {
                long sent = System.nanoTime();
                Answer a = client.post("/v1/check", REQUESTS.get(i % REQUESTS.size()));
                String pair = null;
                if (a.status() == 200) {
                    JsonNode j = a.json();
                    pair = j.path("policy").path("digest").asText() + " " + j.path("registry").path("digest").asText();
                }
                seen.add(new Seen(sent, a.status(), pair));
            }
        }
    }

    /** A valid registry of its own: the administrator's maximum TTL differs per swap, and every fifth lacks an actor. */
    private static byte[] validRegistry(ObjectNode base, int i) throws IOException {
        ObjectNode r = base.deepCopy();
        ArrayNode actors = (ArrayNode) r.path("entities").path("actor");
        ((ObjectNode) actors.get(0)).put("max_ttl_hours", 49 + i);
        if (i % 5 == 0) {
            actors.remove(3);
        }
        return TestJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(r);
    }

    private static byte[] invalidVariant(int i, ObjectNode baseRegistry, String basePolicy) throws IOException {
        if (i % 8 == 3) {
            // A typo in a rule, or an empty policy file.
            return (i % 16 == 3 ? basePolicy.replace("when action != \"ssh.sign\"", "when acton != \"ssh.sign\"") : "")
                    .getBytes(StandardCharsets.UTF_8);
        }
        byte[] valid = validRegistry(baseRegistry, i);
        switch ((i / 4) % 3) {
            case 0:
                return new String(valid, StandardCharsets.UTF_8).replace("\"max_ttl_hours\" : 24", "\"max_ttl_hours\" : \"24\"")
                        .getBytes(StandardCharsets.UTF_8);
            case 1:
                return java.util.Arrays.copyOf(valid, valid.length / 2);
            default:
                return new byte[0];
        }
    }

    /** Replaces a file by atomic rename, or (every third write) rewrites it in place, as editors do. */
    private void write(Path file, byte[] content, int n) throws Exception {
        if (n % 3 == 2) {
            Files.write(file, content);
        } else {
            Path tmp = Files.write(file.resolveSibling("." + file.getFileName() + ".tmp"), content);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        noteOnDisk();
    }

    /** Records the versions now on disk, and the pair if it is valid. */
    private void noteOnDisk() throws Exception {
        byte[] r = Files.readAllBytes(registry);
        byte[] p = Files.readAllBytes(policy);
        try {
            Engine e = EngineLoader.defaults().load(registry, policy);
            registries.put(e.registry().digest(), r);
            policies.put(e.policy().digest(), p);
            onDiskTogether.add(e.policy().digest() + " " + e.registry().digest());
        } catch (LoadException e) {
            // Not a valid pair: neither file is recorded from this state.
        }
    }

    private String pairOnDisk() throws Exception {
        Engine e = EngineLoader.defaults().load(registry, policy);
        return e.policy().digest() + " " + e.registry().digest();
    }

    /** Whether "policy registry" names versions that were written and load together. */
    private boolean validPair(String pair) throws Exception {
        String[] d = pair.split(" ");
        byte[] p = policies.get(d[0]);
        byte[] r = registries.get(d[1]);
        if (p == null || r == null) {
            return false;
        }
        Path check = Files.createTempDirectory(dir, "pair");
        try {
            Engine e = EngineLoader.defaults().load(Files.write(check.resolve("registry.json"), r), Files.write(check.resolve("policy.md"), p));
            return pair.equals(e.policy().digest() + " " + e.registry().digest());
        } catch (LoadException e) {
            return false;
        }
    }

    private static String fire(Trigger trigger, int port) throws Exception {
        switch (trigger) {
            case SIGNAL: {
                Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
                assertEquals(0, kill.waitFor());
                return "SIGHUP";
            }
            case ADMIN: {
                Answer a = Client.once(port, Wire.post("/v1/admin/reload", new byte[0], "Authorization: Bearer " + ADMIN_TOKEN));
                assertTrue(a.status() == 200 || a.status() == 422, a::toString);
                return a.toString();
            }
            default:
                return "file change";
        }
    }

    private static String servedPair(int port) {
        JsonNode h = Client.get(port, "/healthz").json();
        return h.path("policy").path("digest").asText() + " " + h.path("registry").path("digest").asText();
    }

    /** Polls /healthz (at most 10 s) until the swap shows: the new pair, or a rejection after {@code start}. */
    private static String awaitOutcome(int port, boolean valid, String expected, java.time.Instant since) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode h = Client.get(port, "/healthz").json();
            String pair = h.path("policy").path("digest").asText() + " " + h.path("registry").path("digest").asText();
            JsonNode last = h.path("last_reload");
            boolean rejectedSince = "rejected".equals(last.path("result").asText())
                    && java.time.Instant.parse(last.path("time").asText()).isAfter(since);
            if (valid ? pair.equals(expected) : rejectedSince) {
                return pair;
            }
            HostileInputTest.sleep(10);
        }
        return "not within 10 s: " + Client.get(port, "/healthz").text();
    }

}
