package dev.flexauth.server.transport;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.flexauth.reason.HttpError;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one handler of the server, mounted at {@code /}: overload and shutdown first, then route,
 * flex-auth's {@link RequestRules}, route, method, token, and the endpoint, whose {@link ApiError}s
 * become JSON error bodies here. Every answer, error or not, is counted by status and carries
 * {@code Cache-Control: no-store}. A defect in an endpoint answers 500 {@code internal_error},
 * never an allow, and is logged with its stack trace and counted apart. Thread-safe.
 */
public final class Router implements HttpHandler {

    /** Who may call a route. */
    public enum Access {
        /** Anyone: health and metrics. */
        OPEN,
        /** The check token, when one is configured: the decision endpoints. */
        CHECK,
        /** The admin token: reloads. */
        ADMIN
    }

    /** What an endpoint does with one call. */
    @FunctionalInterface
    public interface Endpoint {
        Response handle(Call call) throws ApiError, IOException;
    }

    /** An endpoint at a path, the methods it answers and who may call it. */
    public record Route(String path, List<String> methods, Access access, Endpoint endpoint) {
        public Route {
            methods = List.copyOf(methods);
        }
    }

    private final Map<String, Route> routes = new LinkedHashMap<>();
    private final BearerToken checkToken;
    private final BearerToken adminToken;
    private final int maxBodyBytes;
    private final Metrics metrics;
    private final ServerLog log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    public Router(List<Route> routes, BearerToken checkToken, BearerToken adminToken, int maxBodyBytes, Metrics metrics, ServerLog log) {
        routes.forEach(r -> this.routes.put(r.path(), r));
        this.checkToken = checkToken;
        this.adminToken = adminToken;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void handle(HttpExchange exchange) {
        inFlight.incrementAndGet();
        try {
            Response response;
            Call call = new Call(exchange, maxBodyBytes);
            try {
                response = route(exchange).endpoint().handle(call);
            } catch (ApiError e) {
                response = e.toResponse();
            } catch (IOException e) {
                // The client went away or timed out while sending; there is nobody to answer.
                return;
            } catch (RuntimeException e) {
                metrics.defect();
                log.defect("defect answering " + Call.shorten(exchange.getRequestMethod()) + " "
                        + Call.shorten(exchange.getRequestURI().getRawPath()), e);
                response = ApiError.of(HttpError.INTERNAL_ERROR, "flex-auth failed to answer; this is a defect, see the server log")
                        .toResponse();
            }
            if (call.bodyLeftUnread()) {
                // The JDK will close the connection rather than drain the body; say so, or a client may reuse it.
                response = response.withHeader("Connection", "close");
            } else {
                try {
                    call.finishEmptyBody();
                } catch (IOException e) {
                    return; // The client went away.
                }
            }
            send(exchange, response, "HEAD".equals(exchange.getRequestMethod()));
        } finally {
            exchange.close();
            inFlight.decrementAndGet();
        }
    }

    /** The route for the request, after the checks that need no body: overload, shutdown, the request rules, path, method, token. */
    private Route route(HttpExchange exchange) throws ApiError {
        if (Admission.shedding()) {
            throw ApiError.of(HttpError.OVERLOADED, "every worker is busy and the queue is full; retry in a moment")
                    .withHeader("Retry-After", "1").closing();
        }
        if (closing) {
            throw ApiError.of(HttpError.SHUTTING_DOWN, "the server is stopping; send the request to another instance").closing();
        }
        RequestRules.check(exchange);
        String path = exchange.getRequestURI().getRawPath();
        Route route = routes.get(path);
        if (route == null) {
            throw ApiError.of(HttpError.NOT_FOUND, "no endpoint at " + Call.shorten(path) + "; the endpoints are "
                    + String.join(", ", routes.keySet()));
        }
        if (!route.methods().contains(exchange.getRequestMethod())) {
            throw ApiError.of(HttpError.METHOD_NOT_ALLOWED, path + " answers " + String.join(" and ", route.methods())
                    + ", not " + Call.shorten(exchange.getRequestMethod())).withHeader("Allow", String.join(", ", route.methods()));
        }
        BearerToken token = route.access() == Access.ADMIN ? adminToken : route.access() == Access.CHECK ? checkToken : null;
        if (route.access() == Access.ADMIN && token == null) {
            // Without an admin token there is no admin endpoint, whatever the route table says.
            throw ApiError.of(HttpError.NOT_FOUND, "no endpoint at " + path + "; configure an admin token file to enable it");
        }
        List<String> authorization = exchange.getRequestHeaders().get("Authorization");
        // One header, or none: with two, a proxy and flex-auth could each read a different one.
        if (token != null && (authorization == null || authorization.size() != 1 || !token.accepts(authorization.get(0)))) {
            throw ApiError.of(HttpError.UNAUTHORIZED, path + " needs the " + (route.access() == Access.ADMIN ? "admin" : "check")
                    + " token as \"Authorization: Bearer <token>\"").withHeader("WWW-Authenticate", "Bearer realm=\"flex-auth\"");
        }
        return route;
    }

    private void send(HttpExchange exchange, Response response, boolean head) {
        metrics.response(response.status());
        Headers h = exchange.getResponseHeaders();
        h.set("Content-Type", response.contentType());
        h.set("Cache-Control", "no-store");
        h.set("X-Content-Type-Options", "nosniff");
        response.headers().forEach(h::set);
        List<String> requestIds = exchange.getRequestHeaders().get("X-Request-ID");
        // Echoed as sent, so a caller (an AuthZEN PEP) can match answers to requests. RequestRules refuses a
        // second one, a long one and control bytes; the refusal itself must not echo what it refused.
        if (requestIds != null && requestIds.size() == 1 && requestIds.get(0).length() <= RequestRules.MAX_REQUEST_ID
                && RequestRules.controlAt(requestIds.get(0)) < 0) {
            h.set("X-Request-ID", requestIds.get(0));
        }
        try {
            if (head) {
                // The length a GET would have, as HEAD promises; the JDK then sends no body.
                h.set("Content-Length", Integer.toString(response.body().length));
                exchange.sendResponseHeaders(response.status(), -1);
            } else {
                exchange.sendResponseHeaders(response.status(), response.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        } catch (IOException e) {
            // The client went away or stopped reading; the JDK closes the connection.
        }
    }

    /** Requests being answered now. */
    public int inFlight() {
        return inFlight.get();
    }

    /** Refuses new requests from now on with 503 {@code shutting_down}. */
    public void beginShutdown() {
        closing = true;
    }

    /** Waits up to {@code millis} for the requests being answered to finish; returns whether they did. */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (inFlight.get() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
