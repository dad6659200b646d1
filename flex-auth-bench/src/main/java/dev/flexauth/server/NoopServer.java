package dev.flexauth.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.transport.Admission;
import dev.flexauth.server.transport.JdkHttpProperties;
import dev.flexauth.server.transport.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The ceiling of {@code flex-auth serve} over HTTP: the JDK HTTP server exactly as flex-auth sets it
 * up (the same connection properties, backlog and {@link Admission} executor), behind a handler
 * that reads the request body and answers a fixed JSON body of the size of a flex-auth decision,
 * with the same headers. What flex-auth's {@code /v1/check} serves as a fraction of this is the
 * share of the HTTP path that is flex-auth's own. Bench only: it lives in the bench module (in the
 * server's package, to reuse those package-private parts), never in the product.
 *
 * <pre>java -cp flex-auth-bench/target/benchmarks.jar dev.flexauth.server.NoopServer PORT RESPONSE_BYTES</pre>
 */
public final class NoopServer {
    private NoopServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: NoopServer PORT RESPONSE_BYTES");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        byte[] body = body(Integer.parseInt(args[1]));
        ServerConfig defaults = ServerConfig.defaults(Path.of("unused-registry.json"), Path.of("unused-policy.md"));
        JdkHttpProperties.apply(defaults.readTimeout(), ServerLog.stderr());
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), FlexAuthServer.BACKLOG);
        http.createContext("/", exchange -> answer(exchange, body));
        http.setExecutor(new Admission(defaults.workerThreads(), defaults.queueCapacity()));
        http.start();
        System.err.println("noop server: listening on http://127.0.0.1:" + http.getAddress().getPort() + " ("
                + defaults.workerThreads() + " workers, queue " + defaults.queueCapacity() + ", " + body.length + "-byte answers)");
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
        }
        Headers h = exchange.getResponseHeaders();
        // The headers flex-auth's router sets on every answer.
        h.set("Content-Type", Response.JSON);
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A JSON object of exactly {@code size} bytes (at least 12): {"pad":"xxx...x"}. */
    static byte[] body(int size) {
        String head = "{\"pad\":\"";
        String tail = "\"}";
        char[] pad = new char[Math.max(0, size - head.length() - tail.length())];
        Arrays.fill(pad, 'x');
        return (head + new String(pad) + tail).getBytes(StandardCharsets.US_ASCII);
    }
}
