package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flexauth.internal.Sha256;
import dev.flexauth.server.ServerConfig;
import dev.flexauth.server.ServerStartException;
import dev.flexauth.server.SignedRegistryTest;
import dev.flexauth.server.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The URL source against a real nginx (Debian's package) serving the snapshot and its .sig from a
 * directory, on an ephemeral loopback port with a private nginx.conf. Skipped where nginx is not
 * installed, unless {@code FLEX_AUTH_REQUIRE_TOOLS=1} (or {@code -Dflexauth.requireTools=true}), as
 * {@code .ci/run} sets: there a missing nginx fails the test.
 */
class NginxSourceTest {
    private static final List<Path> NGINX = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"),
            Path.of("/usr/bin/nginx"));

    @TempDir
    Path dir;

    private Process nginx;
    private int port;
    private final SourceFetcher fetcher = new SourceFetcher(new SourceFetcher.Options(Duration.ofSeconds(5), Duration.ofSeconds(10),
            1 << 20, 3, null, null), Clock.systemUTC());

    static Path nginxOrSkip() {
        Path found = NGINX.stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (found == null) {
            String why = "nginx is not installed (looked for " + NGINX + "); install it (apt-get install nginx) to run this test";
            if ("1".equals(System.getenv("FLEX_AUTH_REQUIRE_TOOLS")) || Boolean.getBoolean("flexauth.requireTools")) {
                fail(why + "; FLEX_AUTH_REQUIRE_TOOLS=1 makes this a failure rather than a skip");
            }
            Assumptions.abort(why);
        }
        return found;
    }

    @BeforeEach
    void startNginx() throws Exception {
        Path binary = nginxOrSkip();
        Path html = Files.createDirectories(dir.resolve("html"));
        Files.createDirectories(dir.resolve("tmp"));
        // A worker started by root drops to "nobody", which cannot read a private temp dir; keep it as the owner.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Files.writeString(dir.resolve("nginx.conf"), user
                    + "worker_processes 1;\n"
                    + "pid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("error.log") + " warn;\n"
                    + "events { worker_connections 64; }\n"
                    + "http {\n"
                    + "  access_log " + dir.resolve("access.log") + ";\n"
                    + "  client_body_temp_path " + dir.resolve("tmp/body") + ";\n"
                    + "  proxy_temp_path " + dir.resolve("tmp/proxy") + ";\n"
                    + "  fastcgi_temp_path " + dir.resolve("tmp/fastcgi") + ";\n"
                    + "  uwsgi_temp_path " + dir.resolve("tmp/uwsgi") + ";\n"
                    + "  scgi_temp_path " + dir.resolve("tmp/scgi") + ";\n"
                    + "  default_type application/octet-stream;\n"
                    + "  server {\n"
                    + "    listen 127.0.0.1:" + port + ";\n"
                    + "    location /etag/ { alias " + html + "/; etag on; }\n"
                    + "    location /modified/ { alias " + html + "/; etag off; }\n"
                    + "  }\n"
                    + "}\n");
            nginx = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-e", dir.resolve("error.log").toString(),
                    "-c", dir.resolve("nginx.conf").toString(), "-g", "daemon off;")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            if (awaitListening()) {
                return;
            }
            nginx.destroyForcibly();
            if (attempt == 3) {
                fail("nginx did not listen on 127.0.0.1:" + port + ":\n" + Files.readString(dir.resolve("nginx.out"))
                        + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
            }
        }
    }

    @AfterEach
    void stopNginx() throws Exception {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(30, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    private boolean awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
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

    /** Publishes like a sync job: write beside, then rename over, the snapshot first and its .sig second. */
    private void publish(byte[] snapshot, Instant mtime) throws IOException {
        write("r.json", snapshot, mtime);
        write("r.json.sig", ("sha256:" + Sha256.hex(snapshot)).getBytes(StandardCharsets.US_ASCII), mtime);
    }

    private void write(String name, byte[] content, Instant mtime) throws IOException {
        Path next = dir.resolve("html/." + name + ".next");
        Files.write(next, content);
        Files.setLastModifiedTime(next, FileTime.from(mtime));
        Files.move(next, dir.resolve("html/" + name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private SourceUrl url(String location) {
        return SourceUrl.parse("http://127.0.0.1:" + port + "/" + location + "/r.json");
    }

    private static SignatureCheck digestCheck() {
        return (snapshot, signature) -> {
            if (!new String(signature, StandardCharsets.US_ASCII).equals("sha256:" + Sha256.hex(snapshot))) {
                throw new SignatureCheck.Invalid("not the signature of this snapshot");
            }
        };
    }

    private static byte[] snapshot(String actor) {
        return ("{\"actors\":[\"" + actor + "\"]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void nginxWithEtagAnswers304UntilTheNextPublication() throws Exception {
        publish(snapshot("adm-example"), Instant.parse("2026-12-07T04:00:00Z"));
        SourceFetcher.Result first = fetcher.fetch(url("etag"), SourceFetcher.Validators.NONE);
        SourceFetcher.Result again = fetcher.fetch(url("etag"), first.validators());
        publish(snapshot("agt-state-hub-bridge"), Instant.parse("2026-12-07T04:00:07Z"));
        SourceFetcher.Result next = fetcher.fetch(url("etag"), first.validators());
        assertAll(
                () -> assertNotNull(first.validators().etag(), "nginx sends an ETag"),
                () -> assertEquals(304, again.status()),
                () -> assertArrayEquals(snapshot("agt-state-hub-bridge"), next.body()));
    }

    @Test
    void nginxWithLastModifiedOnlyAnswers304ToIfModifiedSince() throws Exception {
        publish(snapshot("adm-example"), Instant.parse("2026-12-07T04:00:00Z"));
        SourceFetcher.Result first = fetcher.fetch(url("modified"), SourceFetcher.Validators.NONE);
        SourceFetcher.Result again = fetcher.fetch(url("modified"), first.validators());
        assertAll(
                () -> assertNull(first.validators().etag(), "etag off"),
                () -> assertEquals("Mon, 07 Dec 2026 04:00:00 GMT", first.validators().lastModified()),
                () -> assertEquals(304, again.status()));
    }

    @Test
    void aPairIsTakenWholeAndASameSecondRepublicationIsCaughtByTheFullFetch() throws Exception {
        Instant second = Instant.parse("2026-12-07T04:00:00Z");
        publish(snapshot("adm-example"), second);
        UrlSource source = new UrlSource(url("etag"), fetcher, digestCheck(), Duration.ofMillis(100), 3);
        UrlSource.Poll p1 = source.poll();
        // Same size, same second: nginx's ETag (mtime-size) and Last-Modified cannot tell the two apart.
        publish(snapshot("adm-exampla"), second);
        UrlSource.Poll p2 = source.poll();
        UrlSource.Poll p3 = source.poll();
        assertAll(
                () -> assertArrayEquals(snapshot("adm-example"), p1.pair().snapshot()),
                () -> assertFalse(p2.changed(), "a conditional GET is fooled by the same validators"),
                () -> assertEquals(304, p2.status()),
                () -> assertTrue(p3.changed(), "every third poll is a full fetch and compares the content"),
                () -> assertArrayEquals(snapshot("adm-exampla"), p3.pair().snapshot()));
    }

    /** Publishes a signed fixture (and its .sig, second) as {@code name}, like a sync job. */
    private void publishSigned(String fixture, String name, Instant mtime) throws IOException {
        write(name, Files.readAllBytes(SignedRegistryTest.SIGNING.resolve(fixture)), mtime);
        write(name + ".sig", Files.readAllBytes(SignedRegistryTest.SIGNING.resolve(fixture + ".sig")), mtime);
    }

    /** A server pulling both the snapshot and the policy package from this nginx, signatures required. */
    private TestServer pullingBoth() throws ServerStartException {
        return pullingBoth(null);
    }

    /** As above, keeping the last pulled pair in {@code cacheDir} (null: none). */
    private TestServer pullingBoth(Path cacheDir) throws ServerStartException {
        String base = "http://127.0.0.1:" + port + "/etag/";
        return TestServer.start(ServerConfig.defaults(new ServerConfig.RegistrySource(base + "registry.json", null, null,
                        ServerConfig.RegistrySource.DEFAULT_POLL, null, cacheDir).withPolicyUrl(base + "policy.md"), null)
                .withAddress(new java.net.InetSocketAddress("127.0.0.1", 0)).withReadTimeout(TestServer.READ_TIMEOUT)
                .withWatchFiles(false).withReloadOnSighup(false).withWorkerThreads(4)
                .withRegistrySigners(SignedRegistryTest.SIGNERS));
    }

    @Test
    void aPulledPolicyIsPolledWithTheSnapshotAndABrokenOneKeepsTheLastGoodPair() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T04:00:00Z");
        publishSigned("registry_production.json", "registry.json", t0);
        publishSigned("policy_package.md", "policy.md", t0);
        try (TestServer server = pullingBoth()) {
            com.fasterxml.jackson.databind.JsonNode h = server.get("/healthz").json();
            assertEquals("2026.06.23", h.path("policy").path("version").asText(), h.toString());
            assertEquals("http://127.0.0.1:" + port + "/etag/policy.md", h.path("policy").path("pull").path("url").asText());
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());

            // The next policy lands on the next poll, with the snapshot in service.
            publishSigned("policy_package_next.md", "policy.md", t0.plusSeconds(60));
            h = server.awaitHealth(j -> j.path("policy").path("version").asText().equals("2026.06.24"));
            assertEquals("source", h.path("last_reload").path("trigger").asText(), h.toString());
            String registry = h.path("registry").path("digest").asText();

            // A broken policy, validly signed: refused; the last good pair keeps serving.
            publishSigned("policy_package_broken.md", "policy.md", t0.plusSeconds(120));
            h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));
            assertEquals("2026.06.24", h.path("policy").path("version").asText(), h.toString());
            assertEquals("degraded", h.path("status").asText(), h.toString());
            assertTrue(h.path("last_reload").path("errors").toString().contains("no_such_reason"), h.toString());
            assertEquals("allow", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());

            // A new snapshot still lands, with the last good policy, while the broken one is published.
            publishSigned("registry_bridge_removed.json", "registry.json", t0.plusSeconds(180));
            h = server.awaitHealth(j -> !j.path("registry").path("digest").asText().equals(registry));
            assertEquals("2026.06.24", h.path("policy").path("version").asText(), h.toString());
            assertTrue(h.path("policy").path("pull").path("latest_refused").asBoolean(), h.toString());
            assertEquals("degraded", h.path("status").asText(), h.toString());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("\nflexauth_policy_source_latest_refused 1\n"), metrics);
            assertTrue(metrics.contains("\nflexauth_policy_source_up{url=\"http://127.0.0.1:" + port + "/etag/policy.md\"} 1\n"),
                    metrics);
            assertEquals("deny", server.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());

            // The policy fixed: the latest pair loads.
            publishSigned("policy_package.md", "policy.md", t0.plusSeconds(240));
            // (Still degraded: the package's Examples name the revoked actor.)
            server.awaitHealth(j -> j.path("policy").path("version").asText().equals("2026.06.23")
                    && !j.path("policy").path("pull").path("latest_refused").asBoolean());
        }
    }

    @Test
    void aPulledPolicyWhoseSignatureDoesNotVerifyIsNeverLoaded() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T04:00:00Z");
        publishSigned("registry_production.json", "registry.json", t0);
        publishSigned("policy_package.md", "policy.md", t0);
        try (TestServer server = pullingBoth()) {
            // The next policy with the old policy's signature: a forgery as far as the server can tell.
            write("policy.md", Files.readAllBytes(SignedRegistryTest.SIGNING.resolve("policy_package_next.md")), t0.plusSeconds(60));
            com.fasterxml.jackson.databind.JsonNode h = server.awaitHealth(
                    j -> j.path("policy").path("pull").path("last_error").asText().contains("do not verify together"));
            assertEquals("2026.06.23", h.path("policy").path("version").asText(), h.toString());
            assertEquals("degraded", h.path("status").asText(), h.toString());
        }
        // At start, an unsigned policy is a start error naming --policy.
        Files.delete(dir.resolve("html/policy.md.sig"));
        ServerStartException e = org.junit.jupiter.api.Assertions.assertThrows(ServerStartException.class, this::pullingBoth);
        assertTrue(e.problems().get(0).startsWith("--policy http://127.0.0.1:" + port + "/etag/policy.md: "), e.problems().toString());
    }

    @Test
    void aPulledPolicyOverPlainHttpWithoutSignersIsRefusedAtStart() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T04:00:00Z");
        publishSigned("registry_production.json", "registry.json", t0);
        publishSigned("policy_package.md", "policy.md", t0);
        String base = "http://127.0.0.1:" + port + "/etag/";
        ServerConfig c = ServerConfig.defaults(ServerConfig.RegistrySource.of(base + "registry.json").withPolicyUrl(base + "policy.md"),
                null).withAddress(new java.net.InetSocketAddress("127.0.0.1", 0)).withWatchFiles(false).withReloadOnSighup(false);
        ServerStartException e = org.junit.jupiter.api.Assertions.assertThrows(ServerStartException.class, () -> TestServer.start(c));
        assertTrue(e.problems().toString().contains("is plain http, where anyone on the path can change the"), e.problems().toString());
    }

    @Test
    void withACacheDirAReplicaRestartedDuringAnOutageStartsFromTheLastPulledPolicyAndSnapshot() throws Exception {
        Instant t0 = Instant.parse("2026-12-07T04:00:00Z");
        publishSigned("registry_production.json", "registry.json", t0);
        publishSigned("policy_package.md", "policy.md", t0);
        Path cache = dir.resolve("cache");
        try (TestServer server = pullingBoth(cache)) {
            publishSigned("policy_package_next.md", "policy.md", t0.plusSeconds(60));
            server.awaitHealth(j -> j.path("policy").path("version").asText().equals("2026.06.24"));
        }
        assertArrayEquals(Files.readAllBytes(SignedRegistryTest.SIGNING.resolve("policy_package_next.md")),
                Files.readAllBytes(cache.resolve("policy.md")));
        nginx.destroy();
        assertTrue(nginx.waitFor(30, TimeUnit.SECONDS), "nginx stopped");
        try (TestServer restarted = pullingBoth(cache)) {
            com.fasterxml.jackson.databind.JsonNode h = restarted.get("/healthz").json();
            assertEquals("2026.06.24", h.path("policy").path("version").asText(), h.toString());
            assertEquals("allow", restarted.check(SignedRegistryTest.BRIDGE).json().path("effect").asText());
            assertTrue(restarted.serverLog().contains("the policy source cannot be reached at start"), restarted.serverLog());
        }
        // A cached policy that does not verify is refused like a forged one.
        Files.writeString(cache.resolve("policy.md"), "# tampered\n", StandardCharsets.UTF_8);
        ServerStartException e = org.junit.jupiter.api.Assertions.assertThrows(ServerStartException.class,
                () -> pullingBoth(cache));
        assertTrue(e.problems().toString().contains("and the policy package in --cache-dir " + cache + " does not verify"),
                e.problems().toString());
    }
}
