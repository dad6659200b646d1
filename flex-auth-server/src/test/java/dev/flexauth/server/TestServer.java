package dev.flexauth.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.server.observability.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/** A real server on an ephemeral loopback port, with a client and the server log captured. */
public final class TestServer implements AutoCloseable {
    static final Path EXAMPLES = Path.of("..", "examples", "ops-warden").toAbsolutePath().normalize();
    static final Path REGISTRY = EXAMPLES.resolve("production_registry_snapshot.json");
    static final Path POLICY = EXAMPLES.resolve("policy_package.md");
    /** The JDK sets it once per process, so every test server uses the same. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(3);

    final FlexAuthServer server;
    private final ByteArrayOutputStream log;
    private final HttpClient client;
    private final String base;

    private TestServer(FlexAuthServer server, ByteArrayOutputStream log, SSLContext trust) {
        this.server = server;
        this.log = log;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if (trust != null) {
            b.sslContext(trust);
        }
        this.client = b.build();
        this.base = (trust != null ? "https://" : "http://") + "127.0.0.1:" + server.address().getPort();
    }

    /** A config for tests: port 0, short debounce, no file watching and no SIGHUP unless a test turns them on. */
    static ServerConfig config(Path registry, Path policy) {
        return ServerConfig.defaults(registry, policy)
                .withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withReadTimeout(READ_TIMEOUT)
                .withReloadDebounce(Duration.ofMillis(50))
                .withWatchFiles(false)
                .withReloadOnSighup(false)
                .withWorkerThreads(4);
    }

    /** The example pair, served from where it is checked in. */
    static ServerConfig config() {
        return config(REGISTRY, POLICY);
    }

    public static TestServer start(ServerConfig config) throws ServerStartException {
        return start(config, null);
    }

    public static TestServer start(ServerConfig config, SSLContext trust) throws ServerStartException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FlexAuthServer server = FlexAuthServer.start(config, new ServerLog(new PrintStream(log, true, StandardCharsets.UTF_8),
                Clock.systemUTC()));
        return new TestServer(server, log, trust);
    }

    /** Copies the example pair into {@code dir} (reload tests change the copies). */
    public static void copyExamples(Path dir) {
        try {
            Files.copy(REGISTRY, dir.resolve("registry.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(POLICY, dir.resolve("policy.md"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return base + path;
    }

    public Reply get(String path, String... headers) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET(), headers);
    }

    Reply head(String path) {
        return send(HttpRequest.newBuilder(URI.create(url(path))).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    }

    Reply post(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b, headers);
    }

    public Reply check(String json, String... headers) {
        return post("/v1/check", "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    Reply send(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Map<String, java.util.List<String>> h = new TreeMap<>();
            r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), v));
            return new Reply(r.statusCode(), h, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls /healthz until {@code until} holds (at most 10 s), and returns that body. */
    public JsonNode awaitHealth(Predicate<JsonNode> until) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get("/healthz").json();
            if (until.test(last)) {
                return last;
            }
            pause(20);
        }
        throw new AssertionError("/healthz did not reach the expected state within 10 s; last: " + last);
    }

    /** Polls the server log until it contains {@code text} (at most 10 s); for lines written after a state change. */
    void awaitServerLog(String text) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!serverLog().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server log did not say \"" + text + "\" within 10 s:\n" + serverLog());
            }
            pause(20);
        }
    }

    /** What the server wrote to its log so far. */
    public String serverLog() {
        return log.toString(StandardCharsets.UTF_8);
    }

    int port() {
        return server.address().getPort();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
