package dev.flexauth.server.hardening;

import dev.flexauth.server.FlexAuthServer;
import dev.flexauth.server.ServerConfig;
import dev.flexauth.server.ServerStartException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server in the test's own JVM, started through the public API, with its server log captured:
 * {@code FlexAuthServer.start} writes to the standard error stream it finds at start, so it is
 * swapped for a capturing one (which also echoes) while the server starts.
 */
final class InProcessServer implements AutoCloseable {
    /** The JDK reads its HTTP server settings once per process; every test server in a JVM uses the same. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
    static final Path EXAMPLES = Path.of("..", "examples", "ops-warden").toAbsolutePath().normalize();
    static final Path REGISTRY = EXAMPLES.resolve("production_registry_snapshot.json");
    static final Path POLICY = EXAMPLES.resolve("policy_package.md");

    final FlexAuthServer server;
    private final ByteArrayOutputStream log;

    private InProcessServer(FlexAuthServer server, ByteArrayOutputStream log) {
        this.server = server;
        this.log = log;
    }

    /** Port 0, the shared read timeout, no file watching and no SIGHUP unless a test turns them on. */
    static ServerConfig config(Path registry, Path policy) {
        return ServerConfig.defaults(registry, policy)
                .withAddress(new InetSocketAddress("127.0.0.1", 0))
                .withReadTimeout(READ_TIMEOUT)
                .withWatchFiles(false)
                .withReloadOnSighup(false)
                .withWorkerThreads(4);
    }

    static ServerConfig config() {
        return config(REGISTRY, POLICY);
    }

    static synchronized InProcessServer start(ServerConfig config) throws ServerStartException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream original = System.err;
        PrintStream capture = new PrintStream(new Tee(log, original), true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try {
            return new InProcessServer(FlexAuthServer.start(config), log);
        } finally {
            System.setErr(original);
        }
    }

    int port() {
        return server.address().getPort();
    }

    String serverLog() {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** Writes to the capture and to the original stream. */
    private static final class Tee extends java.io.OutputStream {
        private final ByteArrayOutputStream capture;
        private final PrintStream echo;

        Tee(ByteArrayOutputStream capture, PrintStream echo) {
            this.capture = capture;
            this.echo = echo;
        }

        @Override
        public void write(int b) {
            synchronized (capture) {
                capture.write(b);
            }
            echo.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (capture) {
                capture.write(b, off, len);
            }
            echo.write(b, off, len);
        }

        @Override
        public void flush() {
            echo.flush();
        }
    }
}
