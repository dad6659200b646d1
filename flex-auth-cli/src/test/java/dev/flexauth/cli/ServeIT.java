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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flex-auth serve} from the real jar: it becomes healthy, answers an allow and a deny,
 * writes them to the decision log, and on SIGTERM stops gracefully with exit 0.
 */
class ServeIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    @Test
    void servesChecksAndExitsZeroOnSigterm() throws Exception {
        Path log = dir.resolve("decisions.jsonl");
        Path err = dir.resolve("serve.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                Cli.JAR.toString(), "serve", "--addr", "127.0.0.1:0", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY,
                "--log", log.toString(), "--public-url", "https://flex-auth.example.com")
                .directory(Cli.ROOT.toFile()).redirectOutput(dir.resolve("serve.out").toFile()).redirectError(err.toFile()).start();
        try {
            int port = awaitPort(p, err);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = awaitHealthy(http, port);
            HttpResponse<String> allow = check(http, port,
                    "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"ttl_hours\":24}");
            HttpResponse<String> deny = check(http, port,
                    "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\",\"action\":\"ssh.sign\",\"ttl_hours\":25}");
            HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/.well-known/authzen-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "serve did not stop within 60 s of SIGTERM");
            JsonNode allowed = TestJson.MAPPER.readTree(allow.body());
            JsonNode denied = TestJson.MAPPER.readTree(deny.body());
            Cli.Result verified = Cli.run(dir, "", "verify-log", log.getFileName().toString());
            assertAll(Files.readString(err),
                    () -> assertEquals(200, health.statusCode()),
                    () -> assertEquals(200, allow.statusCode()),
                    () -> assertEquals("allow", allowed.get("effect").asText()),
                    () -> assertEquals("signing_policy_matched", allowed.get("reason").asText()),
                    () -> assertEquals(200, deny.statusCode()),
                    () -> assertEquals("deny", denied.get("effect").asText()),
                    () -> assertEquals("ttl_out_of_bounds", denied.get("reason").asText()),
                    () -> assertEquals("https://flex-auth.example.com",
                            TestJson.MAPPER.readTree(metadata.body()).get("issuer").asText(), metadata.body()),
                    () -> assertEquals(0, p.exitValue()),
                    () -> assertTrue(Files.readString(err).contains("flex-auth: stopped"), "the server logs its graceful stop"),
                    () -> assertEquals(List.of("ok: 2 lines verified (seq 1..2, starting at genesis)"), verified.outLines()));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void aBrokenSnapshotStopsTheStartWithItsProblems() {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "serve", "--addr", "127.0.0.1:0", "--registry", "registry_duplicate_actor.json",
                "--policy", Cli.ROOT.resolve(Cli.POLICY).toString());
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertTrue(r.err().contains("registry_duplicate_actor.json: entities.actor[2].id: duplicate id \"adm-example\""),
                        r.err()));
    }

    /** Issue 14: a device as the registry fails the start at once (it used to read /dev/zero without end). */
    @Test
    void devZeroAsTheRegistryStopsTheStartInsteadOfHanging() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here");
        Cli.Result r = Cli.run("serve", "--addr", "127.0.0.1:0", "--registry", "/dev/zero", "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertTrue(r.err().contains("/dev/zero: /dev/zero is a character device, not a regular file; flex-auth"
                        + " reads only regular files (or symlinks to them), so that no read can block or run without end"), r.err()));
    }

    @Test
    void aMalformedDurationIsAUsageError() {
        Cli.Result r = Cli.run("serve", "--max-registry-age", "36 hours", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth serve: Invalid value for option '--max-registry-age': expected a duration such as"
                        + " 250ms, 1s, 36h or 7d (or ISO-8601 such as PT36H) but found '36 hours'", r.errLines().get(0)));
    }

    /** Issue 21: the policy can be a URL only with the registry pulled too. */
    @Test
    void aPolicyUrlWithARegistryFileIsAUsageError() {
        Cli.Result r = Cli.run("serve", "--registry", Cli.REGISTRY, "--policy", "https://snapshots.example.com/policy.md?sig=s3cret");
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth serve: --policy https://snapshots.example.com/policy.md?… is a URL, but --registry is"
                        + " the file " + Cli.REGISTRY + ": pull both (--registry URL too), or give --policy a file",
                        r.errLines().get(0)),
                () -> assertFalse(r.err().contains("s3cret"), r.err()));
    }

    @Test
    void aPlainHttpPolicyWithoutSignersStopsTheStart() {
        Cli.Result r = Cli.run("serve", "--addr", "127.0.0.1:0", "--registry", "https://127.0.0.1:1/r.json",
                "--policy", "http://127.0.0.1:1/policy.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertTrue(r.err().contains("--policy http://127.0.0.1:1/policy.md is plain http, where anyone on the path"
                        + " can change the policy package: give --registry-signers so only a signed policy package is loaded,"
                        + " or use https"), r.err()));
    }

    @Test
    void sourceOptionsWithARegistryFileAreAUsageError() {
        Cli.Result r = Cli.run("serve", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--max-source-silence", "30s");
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth serve: --source-ca, --source-token-file, --source-poll,"
                        + " --source-connect-timeout, --source-read-timeout, --source-max-bytes, --source-max-redirects,"
                        + " --max-source-silence and --cache-dir apply to a --registry URL only, and --registry is the file " + Cli.REGISTRY, r.errLines().get(0)));
    }

    @Test
    void fetchLimitsOutOfRangeAreUsageErrorsNamingTheOption() {
        String url = "https://snapshots.example.com/registry.json";
        Cli.Result zero = Cli.run("serve", "--registry", url, "--policy", Cli.POLICY, "--source-connect-timeout", "0s");
        Cli.Result slow = Cli.run("serve", "--registry", url, "--policy", Cli.POLICY, "--source-read-timeout", "11m");
        Cli.Result big = Cli.run("serve", "--registry", url, "--policy", Cli.POLICY, "--source-max-bytes", "3GiB");
        Cli.Result typo = Cli.run("serve", "--registry", url, "--policy", Cli.POLICY, "--source-max-bytes", "64MB");
        Cli.Result hops = Cli.run("serve", "--registry", url, "--policy", Cli.POLICY, "--source-max-redirects", "11");
        assertAll(
                () -> assertEquals(2, zero.exit(), zero.toString()),
                () -> assertEquals("flex-auth serve: --source-connect-timeout: expected a source connect timeout above zero and"
                        + " at most 1m but found PT0S", zero.errLines().get(0)),
                () -> assertEquals("flex-auth serve: --source-read-timeout: expected a source read timeout above zero and at"
                        + " most 10m but found PT11M", slow.errLines().get(0)),
                () -> assertEquals("flex-auth serve: --source-max-bytes: expected a source size cap from 1 KiB (1024 bytes) to"
                        + " 2 GiB (2147483639 bytes) but found 3221225472 bytes", big.errLines().get(0)),
                () -> assertEquals("flex-auth serve: Invalid value for option '--source-max-bytes': expected a size in bytes, or"
                        + " a whole number of KiB, MiB or GiB such as 64MiB, but found '64MB'", typo.errLines().get(0)),
                () -> assertEquals("flex-auth serve: --source-max-redirects: expected a source redirect limit from 0 to 10 but"
                        + " found 11", hops.errLines().get(0)),
                () -> assertEquals(2, hops.exit(), hops.toString()));
    }

    @Test
    void aPlainHttpRegistryWithoutSignersStopsTheStartWithoutShowingTheQuery() {
        Cli.Result r = Cli.run("serve", "--addr", "127.0.0.1:0", "--registry", "http://127.0.0.1:1/r.json?sig=s3cret",
                "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertTrue(r.err().contains("--registry http://127.0.0.1:1/r.json?… is plain http, where anyone on the path"
                        + " can change the snapshot: give --registry-signers so only a signed snapshot is loaded, or use https"),
                        r.err()),
                () -> assertFalse(r.err().contains("s3cret"), r.err()));
    }

    @Test
    void aMalformedAddressIsAUsageError() {
        Cli.Result r = Cli.run("serve", "--addr", "8080", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth serve: Invalid value for option '--addr': expected HOST:PORT, e.g. 127.0.0.1:8080, "
                        + "but found '8080'", r.errLines().get(0)));
    }

    static int awaitPort(Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(err));
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

    static HttpResponse<String> awaitHealthy(HttpClient http, int port) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz"))
                .timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> last = null;
        for (int i = 0; i < 100 && (last == null || last.statusCode() != 200); i++) {
            if (last != null) {
                Thread.sleep(100);
            }
            last = http.send(get, HttpResponse.BodyHandlers.ofString());
        }
        return last;
    }

    static HttpResponse<String> check(HttpClient http, int port, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/check"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
