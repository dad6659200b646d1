package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.server.hardening.ServedProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet with the real parts: nginx (Debian's package) serves the signed snapshot from a
 * directory, three replicas (the real server, each on its own port) pull it with
 * {@code --registry URL}, and HAProxy in front health-checks their {@code /healthz} as a Kubernetes
 * Service would. Under a steady, bounded load through HAProxy, a published revocation is denied on
 * every replica (asserted within a generous 10 s; the measured figure is printed). With nginx
 * stopped, the last good snapshot keeps serving, a replica with a silence bound denies with
 * {@code registry_stale} and HAProxy stops routing to it; with nginx back, it serves again. With the
 * replicas in their own JVMs, {@code kill -9} of one under steady load costs the client at most
 * 0.5% of its checks (HAProxy sends a request that got no answer to another replica; what is lost
 * is a request whose answer had started when the replica died), and every decision the client
 * received is in some replica's decision log (a line is written before its answer). Skipped where
 * nginx or haproxy is not installed, unless {@code FLEX_AUTH_REQUIRE_TOOLS=1}, as {@code .ci/run}
 * sets.
 */
class FleetTest {
    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private final List<TestServer> replicas = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws Exception {
        for (TestServer r : replicas) {
            r.close();
        }
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static Path toolOrSkip(String name) {
        Path found = List.of(Path.of("/usr/sbin", name), Path.of("/usr/local/sbin", name), Path.of("/usr/bin", name)).stream()
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            String why = name + " is not installed; install it (apt-get install " + name + ") to run this test";
            if ("1".equals(System.getenv("FLEX_AUTH_REQUIRE_TOOLS")) || Boolean.getBoolean("flexauth.requireTools")) {
                fail(why + "; FLEX_AUTH_REQUIRE_TOOLS=1 makes this a failure rather than a skip");
            }
            Assumptions.abort(why);
        }
        return found;
    }

    private Path nginxBinary;
    private Process nginx;
    private int nginxPort;

    /**
     * Starts nginx with the production snapshot, three replicas pulling it (the third with
     * {@code thirdSilence} as its maximum source silence; null: none) and HAProxy in front; returns
     * the check URL through HAProxy once it routes.
     */
    private String fleet(Duration thirdSilence) throws Exception {
        nginxBinary = toolOrSkip("nginx");
        Path haproxyBinary = toolOrSkip("haproxy");
        Files.createDirectories(dir.resolve("html"));
        publish("registry_production.json");
        nginxPort = startNginx(0);
        String url = "http://127.0.0.1:" + nginxPort + "/snap/registry.json";
        for (int i = 1; i <= 3; i++) {
            replicas.add(TestServer.start(TestServer.config().withInstanceId("replica-" + i)
                    .withRegistrySource(new ServerConfig.RegistrySource(url, null, null, ServerConfig.RegistrySource.DEFAULT_POLL,
                            i == 3 ? thirdSilence : null, null))
                    .withRegistrySigners(SignedRegistryTest.SIGNERS)));
        }
        int front = startHaproxy(haproxyBinary, replicas.stream().map(TestServer::port).toList());
        String check = "http://127.0.0.1:" + front + "/v1/check";
        awaitAllowedThrough(check);
        return check;
    }

    @Test
    void with_nginx_stopped_the_last_good_snapshot_serves_a_replica_with_a_silence_bound_denies_and_haproxy_routes_around_it()
            throws Exception {
        String check = fleet(Duration.ofSeconds(2));
        TestServer bounded = replicas.get(2);
        nginx.destroy();
        assertTrue(nginx.waitFor(30, TimeUnit.SECONDS), "nginx stopped");

        JsonNode h = bounded.awaitHealth(j -> j.path("status").asText().equals("stale"));
        assertEquals(503, bounded.get("/healthz").status());
        assertEquals("registry_stale", bounded.check(SignedRegistryTest.BRIDGE).json().path("reason").asText(), h.toString());
        for (TestServer r : replicas.subList(0, 2)) {
            JsonNode degraded = r.awaitHealth(j -> j.path("status").asText().equals("degraded"));
            assertTrue(degraded.path("registry").path("pull").path("last_error").asText().contains("127.0.0.1:" + nginxPort),
                    degraded.toString());
            assertEquals("allow", r.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
        }
        // HAProxy's health check (every 200 ms, down after 2 failures) takes the stale replica out of rotation.
        TestServer.pause(1500);
        for (int i = 0; i < 30; i++) {
            assertEquals("allow", effectOf(check), "request " + i + " through HAProxy reached the stale replica");
        }

        nginxPort = startNginx(nginxPort);
        bounded.awaitHealth(j -> j.path("status").asText().equals("ok"));
        assertEquals("allow", bounded.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
        for (TestServer r : replicas.subList(0, 2)) {
            r.awaitHealth(j -> j.path("status").asText().equals("ok"));
        }
    }

    @Test
    void a_published_revocation_is_denied_on_every_replica_behind_haproxy_under_steady_load() throws Exception {
        String check = fleet(null);

        // Steady load through HAProxy: one request every 10 ms (at most 100/s), answers counted by effect.
        Map<String, AtomicLong> effects = new ConcurrentHashMap<>();
        AtomicLong lastAllowNanos = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (running.get()) {
                String effect = effectOf(check);
                effects.computeIfAbsent(effect, k -> new AtomicLong()).incrementAndGet();
                if (effect.equals("allow")) {
                    lastAllowNanos.set(System.nanoTime());
                }
                TestServer.pause(10);
            }
        }, "fleet-load");
        load.start();
        try {
            TestServer.pause(500);
            long published = System.nanoTime();
            publish("registry_bridge_removed.json");
            long[] deniedAfter = new long[replicas.size()];
            long deadline = published + BOUND.toNanos();
            for (int i = 0; i < replicas.size(); i++) {
                TestServer r = replicas.get(i);
                while (!r.check(SignedRegistryTest.BRIDGE).json().path("effect").asText().equals("deny")) {
                    if (System.nanoTime() > deadline) {
                        fail("replica-" + (i + 1) + " still allows the revoked actor " + BOUND.toSeconds() + " s after the"
                                + " publication; /healthz: " + r.get("/healthz").body());
                    }
                    TestServer.pause(5);
                }
                deniedAfter[i] = System.nanoTime() - published;
            }
            long worst = 0;
            StringBuilder figures = new StringBuilder();
            for (int i = 0; i < deniedAfter.length; i++) {
                worst = Math.max(worst, deniedAfter[i]);
                figures.append(" replica-").append(i + 1).append(' ').append(TimeUnit.NANOSECONDS.toMillis(deniedAfter[i])).append(" ms");
            }
            System.out.println("FleetTest: revocation denied on every replica within " + TimeUnit.NANOSECONDS.toMillis(worst)
                    + " ms of the publication (poll " + ServerConfig.RegistrySource.DEFAULT_POLL.toMillis() + " ms;" + figures + ")");
            // Once every replica denies, so does everything HAProxy answers.
            TestServer.pause(300);
            long allowsBefore = effects.getOrDefault("allow", new AtomicLong()).get();
            TestServer.pause(1000);
            assertEquals(allowsBefore, effects.getOrDefault("allow", new AtomicLong()).get(),
                    "an allow came through HAProxy after every replica denied: " + effects);
        } finally {
            running.set(false);
            load.join(30_000);
        }
        assertTrue(effects.getOrDefault("deny", new AtomicLong()).get() > 0, effects.toString());
        assertTrue(effects.getOrDefault("allow", new AtomicLong()).get() > 0, effects.toString());
        assertEquals(java.util.Set.of("allow", "deny"), effects.keySet(), "every request through HAProxy was decided: " + effects);
    }

    @Test
    void kill_9_of_a_replica_under_steady_load_costs_at_most_half_a_percent_of_checks_and_every_answer_is_in_some_log()
            throws Exception {
        nginxBinary = toolOrSkip("nginx");
        Path haproxyBinary = toolOrSkip("haproxy");
        Files.createDirectories(dir.resolve("html"));
        publish("registry_production.json");
        nginxPort = startNginx(0);
        String url = "http://127.0.0.1:" + nginxPort + "/snap/registry.json";
        // Each replica in its own JVM, so that one can be killed with SIGKILL: no shutdown hook, no last flush.
        List<ServedProcess> served = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (int i = 1; i <= 3; i++) {
                Path log = dir.resolve("replica-" + i + ".jsonl");
                logs.add(log);
                served.add(ServedProcess.start(List.of("-Xmx256m"), List.of("--registry", url,
                        "--registry-signers", SignedRegistryTest.SIGNERS.toString(), "--policy", TestServer.POLICY.toString(),
                        "--addr", "127.0.0.1:0", "--log", log.toString(), "--instance-id", "replica-" + i, "--no-sighup")));
            }
            int front = startHaproxy(haproxyBinary, served.stream().map(ServedProcess::port).toList());
            String check = "http://127.0.0.1:" + front + "/v1/check";
            awaitAllowedThrough(check);

            // Steady load through HAProxy: four clients, each a check every 2 ms at most. Counted: every
            // check sent, the decision ids received, and every check that got no decision.
            Set<String> received = ConcurrentHashMap.newKeySet();
            Map<String, AtomicLong> failures = new ConcurrentHashMap<>();
            AtomicLong sent = new AtomicLong();
            AtomicLong afterKill = new AtomicLong();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        sent.incrementAndGet();
                        if (killed.get()) {
                            afterKill.incrementAndGet();
                        }
                        String answer = decisionOf(check);
                        if (answer.startsWith("decision:")) {
                            received.add(answer);
                        } else {
                            failures.computeIfAbsent(answer, k -> new AtomicLong()).incrementAndGet();
                        }
                        TestServer.pause(2);
                    }
                }, "fleet-kill-load-" + c);
                t.start();
                clients.add(t);
            }
            try {
                awaitCount(sent, 500, "checks before the kill");
                ServedProcess victim = served.get(1);
                killed.set(true);
                victim.kill();
                // Long enough for HAProxy to notice (2 failed health checks, 200 ms apart) and well past it.
                awaitCount(afterKill, 2000, "checks after the kill");
            } finally {
                running.set(false);
                for (Thread t : clients) {
                    t.join(30_000);
                }
            }
            long lost = failures.values().stream().mapToLong(AtomicLong::get).sum();
            Set<String> logged = new java.util.HashSet<>();
            for (Path log : logs) {
                logged.addAll(decisionIds(log));
            }
            Set<String> missing = new java.util.HashSet<>(received);
            missing.removeAll(logged);
            // HAProxy's log lines of requests that did not end normally (termination state other than ----).
            String abnormal = String.join("\n", Files.readAllLines(dir.resolve("haproxy.out")).stream()
                    .filter(l -> l.contains("\"POST ") && !l.contains(" ---- ")).toList());
            System.out.println("FleetTest: kill -9 of replica-2 under load through HAProxy: " + sent.get() + " checks sent ("
                    + afterKill.get() + " after the kill), " + received.size() + " decisions received, " + lost
                    + " without a decision " + failures + ", " + logged.size() + " decisions logged by the three replicas, "
                    + missing.size() + " received but not logged" + (abnormal.isEmpty() ? "" : "; HAProxy:\n" + abnormal));
            assertTrue(lost * 200 <= sent.get(), "the kill cost more than 0.5% of " + sent.get() + " checks: " + failures
                    + "; HAProxy:\n" + abnormal);
            assertTrue(missing.isEmpty(), () -> missing.size() + " decisions the client received are in no replica's log, e.g. "
                    + missing.iterator().next());
            assertEquals(sent.get() - lost, received.size(), "every decision received has its own id");
        } finally {
            for (ServedProcess p : served) {
                p.close();
            }
        }
    }

    private static void awaitCount(AtomicLong count, long wanted, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (count.get() < wanted) {
            if (System.nanoTime() > deadline) {
                fail("only " + count.get() + " " + what + " in 120 s, expected " + wanted);
            }
            TestServer.pause(20);
        }
    }

    /** The decision ids in the complete lines of a decision log (a kill may leave the last line half written). */
    private static Set<String> decisionIds(Path log) throws IOException {
        Set<String> ids = new java.util.HashSet<>();
        String text = Files.readString(log, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return ids;
        }
        for (String line : text.substring(0, end).split("\n")) {
            JsonNode j = TestJson.MAPPER.readTree(line);
            if (j.has("decision_id")) {
                ids.add(j.path("decision_id").asText());
            }
        }
        return ids;
    }

    /** The decision id of a check of the bridge actor through {@code check}, or what came back instead. */
    private String decisionOf(String check) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(check)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SignedRegistryTest.BRIDGE)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return "status " + r.statusCode();
            }
            String id = TestJson.MAPPER.readTree(r.body()).path("decision_id").asText("");
            return id.matches("decision:[0-9a-f]{16}") ? id : "no decision id";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private String effectOf(String check) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(check)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(SignedRegistryTest.BRIDGE)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                return "status " + r.statusCode();
            }
            return TestJson.MAPPER.readTree(r.body()).path("effect").asText("none");
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private void awaitAllowedThrough(String check) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = effectOf(check);
            if (last.equals("allow")) {
                return;
            }
            TestServer.pause(50);
        }
        fail("HAProxy did not route a check to a replica within 30 s; last answer: " + last);
    }

    /** Publishes like a sync job: write beside, then rename over, the snapshot first and its .sig second. */
    private void publish(String fixture) throws IOException {
        for (String name : List.of(fixture, fixture + ".sig")) {
            String target = name.replace(fixture, "registry.json");
            Path tmp = dir.resolve("html").resolve("." + target + ".tmp");
            Files.copy(PullSourceTest.SIGNING.resolve(name), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve("html").resolve(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Starts nginx on {@code wanted} (0: a free port) and returns its port. */
    private int startNginx(int wanted) throws Exception {
        Path binary = nginxBinary;
        Path html = dir.resolve("html");
        Files.createDirectories(dir.resolve("tmp"));
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        for (int attempt = 1; ; attempt++) {
            int port = wanted != 0 ? wanted : freePort();
            Files.writeString(dir.resolve("nginx.conf"), user
                    + "worker_processes 1;\n"
                    + "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("nginx-error.log") + " warn;\n"
                    + "events { worker_connections 256; }\n"
                    + "http {\n"
                    + "  access_log off;\n"
                    + "  client_body_temp_path " + dir.resolve("tmp/body") + ";\n"
                    + "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                    + "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                    + "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                    + "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                    + "  default_type application/octet-stream;\n"
                    + "  server {\n"
                    + "    listen 127.0.0.1:" + port + ";\n"
                    + "    location /snap/ { alias " + html + "/; etag on; }\n"
                    + "  }\n"
                    + "}\n");
            Process p = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("nginx-error.log").toString(),
                    "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            processes.add(p);
            if (awaitListening(p, port)) {
                nginx = p;
                return port;
            }
            p.destroyForcibly();
            if (attempt == 3) {
                fail("nginx did not listen on 127.0.0.1:" + port + ":\n" + Files.readString(dir.resolve("nginx.out")));
            }
        }
    }

    /**
     * Starts HAProxy in front of {@code ports} as a Service would route: round robin, {@code /healthz}
     * checked every 200 ms (down after 2 failures, up after 1). A request that fails at a replica
     * without an answer (connection refused, closed before the answer, timed out) is sent again, to
     * another replica ({@code option redispatch 1}): a check is an idempotent read, so answering it
     * twice is harmless (both decisions are logged; the client receives one).
     */
    private int startHaproxy(Path binary, List<Integer> ports) throws Exception {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            StringBuilder cfg = new StringBuilder()
                    .append("global\n  maxconn 256\n  log stdout format raw local0 info\n")
                    .append("defaults\n  mode http\n  log global\n  option httplog\n  timeout connect 2s\n  timeout client 10s\n  timeout server 10s\n")
                    // A health answer slowed by a busy CPU is not a failure; a dead replica refuses at once.
                    .append("  timeout check 2s\n")
                    .append("frontend fleet\n  bind 127.0.0.1:").append(port).append("\n  default_backend replicas\n")
                    .append("backend replicas\n  balance roundrobin\n  option httpchk GET /healthz\n  http-check expect status 200\n")
                    .append("  retries 3\n  option redispatch 1\n  retry-on conn-failure empty-response response-timeout\n");
            for (int i = 0; i < ports.size(); i++) {
                cfg.append("  server r").append(i + 1).append(" 127.0.0.1:").append(ports.get(i))
                        .append(" check inter 200ms fall 2 rise 1\n");
            }
            Path file = dir.resolve("haproxy.cfg");
            Files.writeString(file, cfg.toString());
            Process p = new ProcessBuilder(binary.toString(), "-f", file.toString(), "-db")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.out").toFile()).start();
            processes.add(p);
            if (awaitListening(p, port)) {
                return port;
            }
            p.destroyForcibly();
            if (attempt == 3) {
                fail("haproxy did not listen on 127.0.0.1:" + port + ":\n" + Files.readString(dir.resolve("haproxy.out")));
            }
        }
    }

    private static boolean awaitListening(Process p, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                return false;
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
