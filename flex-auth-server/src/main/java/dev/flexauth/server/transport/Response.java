package dev.flexauth.server.transport;

import dev.flexauth.json.Json;
import java.util.Map;

/**
 * What an endpoint answers: status, content type, body and extra headers. The router adds the
 * common headers and sends it (headers only for HEAD).
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public Response {
        headers = Map.copyOf(headers);
    }

    public static Response json(int status, byte[] body) {
        return new Response(status, JSON, body, Map.of());
    }

    Response withHeader(String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, contentType, body, h);
    }

    public static Response json(int status, Object value) {
        return json(status, Json.writeAscii(value));
    }
}
