package dev.flexauth.server.hardening;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What came back for one request on a raw connection: an HTTP answer (status, headers with
 * lowercase names, body) from flex-auth or from the JDK's own HTTP parser, or no answer at all.
 */
record Answer(Source source, int status, Map<String, List<String>> headers, byte[] body) {

    /** Who answered. */
    enum Source {
        /** flex-auth's router: every answer carries {@code X-Content-Type-Options: nosniff}. */
        FLEX_AUTH,
        /** The JDK's HTTP parser refused the request before flex-auth saw it (a small HTML page). */
        JDK,
        /** The connection ended (closed or reset) before any byte of an answer. */
        NONE,
        /** Nothing came back within the client's patience, and the connection stayed open. */
        SILENT
    }

    static Answer none(Source source) {
        return new Answer(source, 0, Map.of(), new byte[0]);
    }

    boolean answered() {
        return source == Source.FLEX_AUTH || source == Source.JDK;
    }

    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
        try {
            return TestJson.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("expected a JSON body but got: " + this, e);
        }
    }

    /**
     * Whether this answer lets anything through: a 200 whose body is an allow envelope, an AuthZEN
     * {@code "decision": true}, or a batch with any {@code true}. A 200 JSON body without a readable
     * decision counts as granting, so that an unexpected body can never pass for a refusal; the
     * metrics text is the one 200 that is not JSON.
     */
    boolean grants() {
        if (status != 200) {
            return false;
        }
        String type = header("Content-Type");
        if (type != null && type.startsWith("text/plain")) {
            return false;
        }
        JsonNode j;
        try {
            j = TestJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return true;
        }
        if (j == null || !j.isObject()) {
            return true;
        }
        if (j.has("effect")) {
            return !"deny".equals(j.path("effect").asText());
        }
        if (j.has("decision")) {
            return !j.path("decision").isBoolean() || j.path("decision").booleanValue();
        }
        if (j.has("evaluations")) {
            for (JsonNode e : j.path("evaluations")) {
                if (!e.path("decision").isBoolean() || e.path("decision").booleanValue()) {
                    return true;
                }
            }
            return false;
        }
        // Health, metrics, metadata and reload answers decide nothing.
        return false;
    }

    /** The {@code error} code of a flex-auth error body, or null. */
    String error() {
        if (source != Source.FLEX_AUTH || status < 400) {
            return null;
        }
        return json().path("error").asText(null);
    }

    /** A short label for histograms: {@code flex-auth 400 invalid_json}, {@code jdk 501}, {@code none}. */
    String label() {
        switch (source) {
            case FLEX_AUTH:
                String code = error();
                return "flex-auth " + status + (code == null ? "" : " " + code);
            case JDK:
                return "jdk " + status;
            case NONE:
                return "no answer (closed)";
            default:
                return "no answer (open)";
        }
    }

    @Override
    public String toString() {
        String text = text();
        return label() + " " + (text.length() > 240 ? text.substring(0, 240) + "..." : text);
    }
}
