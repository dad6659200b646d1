package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --require-examples} on the real jar (issue 16, point 7): a package whose Examples
 * fail against the snapshot does not start; a passing pair starts, and a later reload to a
 * snapshot that fails Examples still lands, so a revocation is never held back.
 */
class RequireExamplesIT {
    @TempDir
    Path dir;

    @Test
    void failingExamplesRefuseTheStartWithEachFailure() {
        Cli.Result r = Cli.run("serve", "--addr", "127.0.0.1:0", "--require-examples", "--registry", Cli.REGISTRY,
                "--policy", Cli.FIXTURE_DIR + "policy_failing_example.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of(
                        "error: --require-examples: 1 of 19 examples of " + Cli.FIXTURE_DIR + "policy_failing_example.md fail against "
                                + Cli.REGISTRY + "; not starting (flex-auth test shows each with its explain trace)",
                        "  FAILED " + Cli.FIXTURE_DIR + "policy_failing_example.md:123 (administrator over max TTL): "
                                + "expected allow signing_policy_matched, got deny ttl_out_of_bounds"), r.errLines()),
                () -> assertFalse(r.err().contains("listening"), "it never bound"));
    }

    @Test
    void aPassingPairStartsAndAReloadToFailingExamplesStillLands() throws Exception {
        Path registry = dir.resolve("snapshot.json");
        Files.copy(Cli.ROOT.resolve(Cli.REGISTRY), registry);
        Path err = dir.resolve("serve.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Cli.JAR.toString(), "serve", "--addr", "127.0.0.1:0", "--require-examples", "--registry", registry.toString(),
                "--policy", Cli.POLICY)
                .directory(Cli.ROOT.toFile()).redirectOutput(dir.resolve("serve.out").toFile()).redirectError(err.toFile()).start();
        try {
            int port = ServeIT.awaitPort(p, err);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> healthy = ServeIT.awaitHealthy(http, port);
            String backup = "{\"actor\":\"atm-backup-daily\",\"subject\":\"iam:atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":8}";
            String before = TestJson.MAPPER.readTree(ServeIT.check(http, port, backup).body()).get("reason").asText();

            // The inventory drops the backup actor; three Examples still name it, so the new pair fails them.
            Path next = dir.resolve("next.json");
            Files.copy(Cli.FIXTURES.resolve("registry_backup_removed.json"), next);
            Files.move(next, registry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            JsonNode health = awaitExamplesFailed(http, port);
            String after = TestJson.MAPPER.readTree(ServeIT.check(http, port, backup).body()).get("reason").asText();
            assertAll(Files.readString(err),
                    () -> assertEquals(200, healthy.statusCode()),
                    () -> assertEquals("signing_policy_matched", before),
                    () -> assertEquals("degraded", health.get("status").asText()),
                    () -> assertEquals(3, health.at("/examples/failed").asInt()),
                    () -> assertEquals("unknown_actor_resource", after));
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not stop within 60 s of SIGTERM");
        }
    }

    /** /healthz once the reload has landed (its examples count changes), waiting generously on a loaded machine. */
    private static JsonNode awaitExamplesFailed(HttpClient http, int port) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = TestJson.MAPPER.readTree(http.send(get, HttpResponse.BodyHandlers.ofString()).body());
            if (last.at("/examples/failed").asInt() > 0) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the reload did not land within 60 s: " + last);
    }
}
