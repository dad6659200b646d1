package dev.flexauth.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flexauth.internal.Sha256;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.transport.JdkHttpProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A snapshot origin for the URL-source tests: the JDK's HTTP server on an ephemeral loopback port,
 * serving files from memory the way a static server does, with or without ETag and Last-Modified,
 * honouring If-None-Match and If-Modified-Since when it sends them, and scripted misbehaviour
 * (a status, a redirect, a stall, a lying Content-Length). It records every request's headers.
 */
public final class Origin implements AutoCloseable {
    /** What one path answers. */
    record File(byte[] body, boolean etag, boolean lastModified, Instant modified) {
    }

    /** A request as received: its path with the query, and its headers. */
    public record Seen(String target, Headers headers) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final Map<String, File> files = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private final Map<String, Long> stalls = new ConcurrentHashMap<>();
    private final Map<String, Boolean> chunked = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    public Origin() throws IOException {
        this(null);
    }

    /** An https origin when {@code tls} is given. */
    public Origin(com.sun.net.httpserver.HttpsConfigurator tls) throws IOException {
        // The JDK's server reads its timeouts once per process, when the first server starts: set flex-auth's
        // first, or a test server started later in this JVM would run without them.
        JdkHttpProperties.apply(TestServer.READ_TIMEOUT, new ServerLog(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                java.time.Clock.systemUTC()));
        if (tls == null) {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        } else {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            https.setHttpsConfigurator(tls);
            server = https;
        }
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "origin");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url(String pathAndQuery) {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:"
                + server.getAddress().getPort() + pathAndQuery;
    }

    /** Serves {@code body} at {@code path}, modified at {@code modified} (one-second resolution, as HTTP dates are). */
    public void put(String path, byte[] body, boolean etag, boolean lastModified, Instant modified) {
        files.put(path, new File(body, etag, lastModified, modified));
    }

    public void status(String path, int status) {
        statuses.put(path, status);
    }

    /** Serves {@code path}'s file again after {@link #status}. */
    void heal(String path) {
        statuses.remove(path);
    }

    public void redirect(String path, String location) {
        redirects.put(path, location);
    }

    public void stall(String path, long millis) {
        stalls.put(path, millis);
    }

    /** Sends {@code path} chunked, without a Content-Length, as a proxy or a generated answer would. */
    public void chunked(String path) {
        chunked.put(path, true);
    }

    public List<Seen> seen() {
        return List.copyOf(seen);
    }

    public Seen last() {
        return seen.get(seen.size() - 1);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            ex.getRequestBody().readAllBytes();
            seen.add(new Seen(ex.getRequestURI().toString(), ex.getRequestHeaders()));
            String path = ex.getRequestURI().getPath();
            Long stall = stalls.get(path);
            if (stall != null) {
                sleep(stall);
            }
            Integer status = statuses.get(path);
            if (status != null) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            String location = redirects.get(path);
            if (location != null) {
                ex.getResponseHeaders().set("Location", location);
                ex.sendResponseHeaders(302, -1);
                return;
            }
            File f = files.get(path);
            if (f == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String etag = "\"" + Sha256.hex(f.body()).substring(0, 16) + "\"";
            String modified = HTTP_DATE.format(f.modified());
            if (f.etag()) {
                ex.getResponseHeaders().set("ETag", etag);
            }
            if (f.lastModified()) {
                ex.getResponseHeaders().set("Last-Modified", modified);
            }
            String ifNoneMatch = ex.getRequestHeaders().getFirst("If-None-Match");
            String ifModifiedSince = ex.getRequestHeaders().getFirst("If-Modified-Since");
            boolean notModified = f.etag() && ifNoneMatch != null ? ifNoneMatch.equals(etag)
                    : f.lastModified() && ifModifiedSince != null
                            && !f.modified().isAfter(Instant.from(HTTP_DATE.parse(ifModifiedSince)));
            if (notModified) {
                ex.sendResponseHeaders(304, -1);
                return;
            }
            ex.sendResponseHeaders(200, chunked.containsKey(path) ? 0 : f.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(f.body());
            }
        } catch (IOException e) {
            // The client gave up (a cap or a deadline): nothing to answer.
        } finally {
            ex.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
