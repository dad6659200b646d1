package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flex-auth rollout-status} from the real jar against two real servers: one serves the
 * published snapshot, the other an older one until its file is replaced and it reloads.
 */
class RolloutStatusIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void waitsUntilEveryReplicaServesTheDigest() throws Exception {
        Path published = Cli.ROOT.resolve(Cli.REGISTRY);
        Path lagging = dir.resolve("replica-b/registry.json");
        Files.createDirectories(lagging.getParent());
        Files.copy(Cli.FIXTURES.resolve("registry_bridge_ttl_8.json"), lagging);
        Process a = serve("replica-a", published);
        Process b = serve("replica-b", lagging);
        try {
            int portA = awaitPort(a, dir.resolve("replica-a.err"));
            int portB = awaitPort(b, dir.resolve("replica-b.err"));
            String digest = healthz(portA).at("/registry/digest").asText();
            String old = healthz(portB).at("/registry/digest").asText();
            assertTrue(!digest.equals(old), "the two replicas start on different snapshots");
            String targetA = "http://127.0.0.1:" + portA;
            // A name's every address: 127.0.0.1 resolves to itself, so this exercises the dns: path on loopback.
            String targetB = "dns:127.0.0.1:" + portB;

            Cli.Result behind = Cli.run("rollout-status", "--digest", digest, "--timeout", "8s", "--interval", "200ms",
                    targetA, targetB);
            assertAll(behind.toString(),
                    () -> assertEquals(1, behind.exit()),
                    () -> assertEquals(3, behind.outLines().size()),
                    () -> assertEquals(List.of("TARGET", "INSTANCE", "DIGEST", "GENERATED_AT", "LOADED_AT", "LAST_RELOAD", "STATE"),
                            List.of(behind.outLines().get(0).split("\\s+"))),
                    () -> assertTrue(behind.outLines().get(1).startsWith(targetA + " "), behind.out()),
                    () -> assertTrue(behind.outLines().get(1).contains(" replica-a ") && behind.outLines().get(1).contains(digest)
                            && behind.outLines().get(1).endsWith(" ok"), behind.out()),
                    () -> assertTrue(behind.outLines().get(2).startsWith("127.0.0.1:" + portB + " "), behind.out()),
                    () -> assertTrue(behind.outLines().get(2).contains(" replica-b ") && behind.outLines().get(2).contains(old)
                            && behind.outLines().get(2).endsWith(" behind"), behind.out()),
                    () -> assertTrue(behind.errLines().get(behind.errLines().size() - 1).equals("error: after 8 s, 1 of 2 replicas"
                            + " serve " + digest + "; the rows above without \"ok\" lag behind or did not answer"), behind.err()));

            // Publish to replica B the way a ConfigMap update does: the new file replaces the old one at once.
            Path next = dir.resolve("replica-b/registry.json.next");
            Files.copy(published, next);
            Files.move(next, lagging, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Cli.Result done = Cli.run("rollout-status", "--digest", digest, "--timeout", "90s", targetA, targetB);
            // The reload's trigger is the file event or the periodic look at the file, whichever sees the rename first.
            assertAll(done.toString(),
                    () -> assertEquals(0, done.exit()),
                    () -> assertEquals(3, done.outLines().size()),
                    () -> assertTrue(done.outLines().get(2).contains(" replica-b ") && done.outLines().get(2).contains(digest)
                            && done.outLines().get(2).contains("2026-06-23T00:00:00Z")
                            && (done.outLines().get(2).contains(" accepted file ") || done.outLines().get(2).contains(" accepted poll "))
                            && done.outLines().get(2).endsWith(" ok"), done.out()));

            // A replica that stops answering is reported, and the rollout is not done.
            a.destroy();
            assertTrue(a.waitFor(60, TimeUnit.SECONDS));
            Cli.Result gone = Cli.run("rollout-status", "--digest", digest, "--timeout", "2s", targetA, targetB);
            assertAll(gone.toString(),
                    () -> assertEquals(1, gone.exit()),
                    () -> assertTrue(gone.outLines().get(1).startsWith(targetA + " ") && gone.outLines().get(1).contains("unreachable ("),
                            gone.out()),
                    () -> assertTrue(gone.outLines().get(2).endsWith(" ok"), gone.out()));
        } finally {
            a.destroyForcibly();
            b.destroyForcibly();
        }
    }

    @Test
    void usageErrorsExitTwo() {
        String d = "sha256:" + "0".repeat(64);
        Cli.Result digest = Cli.run("rollout-status", "--digest", "1479186b", "http://127.0.0.1:1");
        Cli.Result target = Cli.run("rollout-status", "--digest", d, "flex-auth:8080");
        Cli.Result duration = Cli.run("rollout-status", "--digest", d, "--timeout", "soon", "http://127.0.0.1:1");
        Cli.Result none = Cli.run("rollout-status", "--digest", d);
        assertAll(
                () -> assertEquals(2, digest.exit(), digest::toString),
                () -> assertEquals("flex-auth rollout-status: expected --digest sha256:<64 lowercase hex> (as load-registry and"
                        + " /healthz print it) but found '1479186b'", digest.errLines().get(0)),
                () -> assertEquals(2, target.exit(), target::toString),
                () -> assertEquals("flex-auth rollout-status: expected a target such as http://10.0.0.7:8080 or"
                        + " dns:flex-auth-replicas.flex-auth.svc.cluster.local:8080 but found 'flex-auth:8080'", target.errLines().get(0)),
                () -> assertEquals(2, duration.exit(), duration::toString),
                () -> assertEquals("flex-auth rollout-status: Invalid value for option '--timeout': expected a duration such as"
                        + " 250ms, 1s, 36h or 7d (or ISO-8601 such as PT36H) but found 'soon'", duration.errLines().get(0)),
                () -> assertEquals(2, none.exit(), none::toString));
    }

    private Process serve(String instance, Path registry) throws IOException {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Cli.JAR.toString(),
                "serve", "--addr", "127.0.0.1:0", "--registry", registry.toString(), "--policy", Cli.POLICY,
                "--instance-id", instance)
                .directory(Cli.ROOT.toFile()).redirectOutput(dir.resolve(instance + ".out").toFile())
                .redirectError(dir.resolve(instance + ".err").toFile()).start();
    }

    private static int awaitPort(Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.exists(err) ? Files.readString(err) : "");
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (!p.isAlive()) {
                throw new AssertionError("serve exited with " + p.exitValue() + ":\n" + Files.readString(err));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not report its address within 60 s:\n" + Files.readString(err));
    }

    private static JsonNode healthz(int port) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return TestJson.MAPPER.readTree(r.body());
    }
}
