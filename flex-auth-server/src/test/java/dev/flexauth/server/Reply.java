package dev.flexauth.server;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** An HTTP answer as the tests look at it: status, headers (names lowercase), body text. */
public record Reply(int status, Map<String, List<String>> headers, String body) {

    /** The first value of header {@code name}, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    public JsonNode json() {
        try {
            return TestJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("expected a JSON body but got: " + body, e);
        }
    }

    /** The {@code error} code of a JSON error body. */
    String error() {
        return json().path("error").asText(null);
    }

    String message() {
        return json().path("message").asText(null);
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
