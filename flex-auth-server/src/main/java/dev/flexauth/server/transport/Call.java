package dev.flexauth.server.transport;

import com.sun.net.httpserver.HttpExchange;
import dev.flexauth.reason.HttpError;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP request as the endpoints see it: method, query parameters, headers, and the JSON body
 * read under the limits (the declared length checked before reading; {@link RequestRules} has
 * refused any other framing).
 * Used by one thread, for one request.
 */
public final class Call {
    private final HttpExchange exchange;
    private final int maxBodyBytes;
    private boolean bodyRead;

    Call(HttpExchange exchange, int maxBodyBytes) {
        this.exchange = exchange;
        this.maxBodyBytes = maxBodyBytes;
    }

    String method() {
        return exchange.getRequestMethod();
    }

    public String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    /** Every value of the header {@code name} (null when absent). */
    public java.util.List<String> headers(String name) {
        return exchange.getRequestHeaders().get(name);
    }

    /**
     * The query parameters, each at most once and among {@code allowed}.
     *
     * @throws ApiError 400 {@code bad_request} naming the parameter otherwise
     */
    public Map<String, String> query(Set<String> allowed) throws ApiError {
        String raw = exchange.getRequestURI().getRawQuery();
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiError.of(HttpError.BAD_REQUEST, "the query string is not valid percent-encoding: " + e.getMessage());
            }
            if (!allowed.contains(name)) {
                throw ApiError.of(HttpError.BAD_REQUEST, "unknown query parameter \"" + shorten(name)
                        + "\"; this endpoint accepts " + (allowed.isEmpty() ? "none" : String.join(", ", allowed.stream().sorted().toList())));
            }
            if (params.put(name, value) != null) {
                throw ApiError.of(HttpError.BAD_REQUEST, "query parameter \"" + name + "\" appears twice; send it once");
            }
        }
        return params;
    }

    /** A boolean query parameter: absent or {@code false} is false, {@code true} (or bare) is true. */
    public static boolean flag(Map<String, String> query, String name) throws ApiError {
        String v = query.get(name);
        if (v == null || v.equals("false")) {
            return false;
        }
        if (v.equals("true") || v.isEmpty()) {
            return true;
        }
        throw ApiError.of(HttpError.BAD_REQUEST, "query parameter \"" + name + "\" must be true or false, got \""
                + shorten(v) + "\"");
    }

    /**
     * The body of a JSON request: Content-Type {@code application/json} (charset, if given, UTF-8),
     * with a Content-Length of at most the configured limit.
     *
     * @throws ApiError 413 (asking the client to close, as the body was not read) or 415 (the body read
     *     and dropped, so the connection stays usable)
     */
    public byte[] jsonBody() throws ApiError, IOException {
        return jsonBody(HttpError.UNSUPPORTED_MEDIA_TYPE);
    }

    /**
     * As {@link #jsonBody()}, refusing a body not declared as JSON with {@code notJson}: AuthZEN
     * (Authorization API 1.0, certification case C.2.4.3) wants 400 where {@code /v1/check} says 415.
     */
    public byte[] jsonBody(HttpError notJson) throws ApiError, IOException {
        // RequestRules has refused Transfer-Encoding and any Content-Length but one of digits; absent means no body.
        String header = header("Content-Length");
        long declared = header == null ? 0 : Long.parseLong(header);
        if (declared > maxBodyBytes) {
            throw tooLarge("declares " + declared + " bytes (Content-Length), over");
        }
        List<String> types = exchange.getRequestHeaders().get("Content-Type");
        if (types != null && types.size() > 1) {
            // A singleton field (RFC 9110 8.3): reading only the first would let a proxy and flex-auth disagree.
            throw ApiError.of(notJson, "Content-Type appears " + types.size()
                    + " times; send it once, as application/json (UTF-8)").closing();
        }
        String type = header("Content-Type");
        if (!isJson(type)) {
            // Read the body (within the limit, checked above) and drop it: a connection closed with
            // bytes unread is reset by the kernel, and a client still sending them could lose this answer.
            readDeclared(exchange.getRequestBody(), (int) declared);
            bodyRead = true;
            throw ApiError.of(notJson, (type == null ? "no Content-Type" : "Content-Type \""
                    + shorten(type) + "\"") + "; send the body as application/json (UTF-8)");
        }
        InputStream in = exchange.getRequestBody();
        // The client went away (or timed out) mid-body: the IOException goes up, there is nobody to answer.
        byte[] body = readDeclared(in, (int) declared);
        bodyRead = true;
        return body;
    }

    /** Exactly {@code length} bytes, straight into the array the decoder reads: no buffer, no copy. */
    private static byte[] readDeclared(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        for (int off = 0; off < length; ) {
            int n = in.read(body, off, length - off);
            if (n < 0) {
                throw new IOException("the body ended after " + off + " of " + length + " bytes");
            }
            off += n;
        }
        // The JDK keeps the connection only once its stream has reported the end of the body.
        if (in.read() != -1) {
            throw new IOException("the body runs past its Content-Length");
        }
        return body;
    }

    /**
     * Whether the request came with a body that was not read to its end: the connection is then
     * closed after the answer rather than drained for reuse (see {@link JdkHttpProperties}).
     */
    boolean bodyLeftUnread() {
        return hasBody() && !bodyRead;
    }

    /**
     * Reads the end of an empty body, so that the JDK sees the request as read and keeps the
     * connection (with no draining, it keeps only connections whose request body reached its end).
     */
    void finishEmptyBody() throws IOException {
        if (!hasBody() && !bodyRead) {
            exchange.getRequestBody().read();
            bodyRead = true;
        }
    }

    private boolean hasBody() {
        String length = header("Content-Length");
        return header("Transfer-Encoding") != null || (length != null && !(length.length() > 0 && length.replace("0", "").isEmpty()));
    }

    private ApiError tooLarge(String what) {
        return ApiError.of(HttpError.PAYLOAD_TOO_LARGE, "the body " + what + " the limit of " + maxBodyBytes
                + " bytes; a decision request is a small JSON object").closing();
    }

    /** A value echoed in a message, cut to a readable length (the JSON rendering escapes it). */
    static String shorten(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                return false;
            }
        }
        return true;
    }
}
