package dev.flexauth.server.transport;

import dev.flexauth.server.observability.ServerLog;
import java.time.Duration;

/**
 * The connection settings of the JDK's HTTP server. They are system properties that its
 * implementation reads once, when the first server of the process is created, so they are
 * process-wide: the first flex-auth server sets them (unless given with {@code -D}) and a later one
 * with another read timeout gets a warning in the server log. What they bound:
 * <ul>
 * <li>{@code sun.net.httpserver.maxReqTime} (the read timeout): from a request's first byte to the
 *     end of its body, a TLS handshake included, and for a new connection the wait for a first byte;
 * <li>{@code sun.net.httpserver.maxRspTime} (the read timeout again): from the end of the request to
 *     the end of the answer, so a client that stops reading cannot hold a worker;
 * <li>{@code sun.net.httpserver.idleInterval} (30 s): an idle keep-alive connection;
 * <li>{@code jdk.httpserver.maxConnections} (1024): open connections; more are closed on accept;
 * <li>{@code sun.net.httpserver.timerMillis} and {@code clockTick} (250 ms, 1 s): how often the two
 *     clocks above are checked, so a timeout fires at most that much late.
 * </ul>
 * And {@code sun.net.httpserver.nodelay} (true): without TCP_NODELAY an answer written in two
 * segments waits for the client's delayed ACK, about 40 ms per request. And
 * {@code sun.net.httpserver.drainAmount} (0): the JDK reads the unread rest of a request body (up
 * to 64 KiB by default) after the answer, so that the connection can be reused; a body that never
 * comes held the thread until the read timeout, and two stalled bodies held both threads that
 * answer 503 {@code overloaded}. With 0 the connection is closed instead, and the router says
 * {@code Connection: close} on such answers.
 * Thread-safe.
 */
public final class JdkHttpProperties {
    static final int MAX_CONNECTIONS = 1024;

    private static Duration applied;

    private JdkHttpProperties() {
    }

    public static synchronized void apply(Duration readTimeout, ServerLog log) {
        if (applied == null) {
            String seconds = Long.toString(readTimeout.toSeconds());
            setIfAbsent("sun.net.httpserver.maxReqTime", seconds);
            setIfAbsent("sun.net.httpserver.maxRspTime", seconds);
            setIfAbsent("sun.net.httpserver.idleInterval", "30");
            setIfAbsent("sun.net.httpserver.timerMillis", "250");
            setIfAbsent("sun.net.httpserver.clockTick", "1000");
            setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
            setIfAbsent("sun.net.httpserver.nodelay", "true");
            setIfAbsent("sun.net.httpserver.drainAmount", "0");
            applied = readTimeout;
            String effective = System.getProperty("sun.net.httpserver.maxReqTime");
            if (!effective.equals(seconds)) {
                log.info("read timeout: -Dsun.net.httpserver.maxReqTime=" + effective + " given to the JVM overrides "
                        + seconds + " s");
            }
        } else if (!applied.equals(readTimeout)) {
            log.info("read timeout: this process already runs an HTTP server with " + applied.toSeconds()
                    + " s; the JDK sets it once per process, so " + readTimeout.toSeconds() + " s is ignored");
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
