package dev.flexauth.server;

import dev.flexauth.json.Json;
import java.util.Map;

/**
 * What an endpoint answers: status, content type, body and extra headers. The router adds the
 * common headers and sends it (headers only for HEAD).
 */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON = "application/json";

    Response {
        headers = Map.copyOf(headers);
    }

    static Response json(int status, byte[] body) {
        return new Response(status, JSON, body, Map.of());
    }

    Response withHeader(String name, String value) {
        java.util.Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new Response(status, contentType, body, h);
    }

    static Response json(int status, Object value) {
        return json(status, Json.writeAscii(value));
    }
}
