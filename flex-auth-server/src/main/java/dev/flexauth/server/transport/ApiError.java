package dev.flexauth.server.transport;

import dev.flexauth.engine.RequestException;
import dev.flexauth.json.Json;
import dev.flexauth.reason.HttpError;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than the one asked for: a status, the {@code error} code, a message saying what
 * to fix, and the headers that go with it ({@code Allow}, {@code WWW-Authenticate},
 * {@code Retry-After}). Thrown by endpoints and the router's checks and turned into the JSON body
 * {@code {"error", "message"}} in one place. Carries no stack trace: it is an answer, not a defect.
 */
public final class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, Object> extra;
    private final transient Map<String, String> headers;
    private final boolean closeConnection;

    private ApiError(int status, String code, String message, Map<String, Object> extra, Map<String, String> headers,
            boolean closeConnection) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.extra = extra;
        this.headers = headers;
        this.closeConnection = closeConnection;
    }

    public static ApiError of(HttpError error, String message) {
        return new ApiError(error.status(), error.code(), message, Map.of(), Map.of(), false);
    }

    /** A refused check request: 400 with the request code; the message names the field, never a secret value. */
    public static ApiError of(RequestException e) {
        return new ApiError(400, e.code().code(), e.getMessage(), Map.of(), Map.of(), false);
    }

    public ApiError withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiError(status, code, getMessage(), extra, h, closeConnection);
    }

    /** Adds members to the body after {@code error} and {@code message}. */
    public ApiError withMembers(Map<String, Object> members) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.putAll(members);
        return new ApiError(status, code, getMessage(), m, headers, closeConnection);
    }

    /** Asks the client to close the connection: the body was not read, so the connection cannot be reused. */
    ApiError closing() {
        return new ApiError(status, code, getMessage(), extra, headers, true);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Response toResponse() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", getMessage());
        body.putAll(extra);
        Map<String, String> h = new LinkedHashMap<>(headers);
        if (closeConnection) {
            h.put("Connection", "close");
        }
        return new Response(status, Response.JSON, Json.writeAscii(body), h);
    }
}
