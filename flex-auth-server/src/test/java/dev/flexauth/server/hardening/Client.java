package dev.flexauth.server.hardening;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A keep-alive HTTP/1.1 client on one raw connection, reopened only after the server asked to
 * close it; and one-shot requests on a fresh connection. Used by one thread.
 */
final class Client implements AutoCloseable {
    private final int port;
    private Wire wire;

    Client(int port) {
        this.port = port;
    }

    Answer post(String target, String json, String... headers) {
        return post(target, json.getBytes(StandardCharsets.UTF_8), headers);
    }

    Answer post(String target, byte[] body, String... headers) {
        List<String> h = new ArrayList<>(List.of("Content-Type: application/json", "Content-Length: " + body.length));
        h.addAll(List.of(headers));
        return exchange(Wire.concat(Wire.head("POST", target, h.toArray(String[]::new)).getBytes(StandardCharsets.ISO_8859_1), body));
    }

    Answer get(String target, String... headers) {
        return exchange(Wire.head("GET", target, headers).getBytes(StandardCharsets.ISO_8859_1));
    }

    private Answer exchange(byte[] request) {
        if (wire == null) {
            wire = Wire.open(port);
        }
        Answer a = wire.send(request).read();
        if (!a.answered() || "close".equalsIgnoreCase(a.header("Connection"))) {
            wire.close();
            wire = null;
        }
        return a;
    }

    /** One request on a fresh connection that the server is asked to close afterwards. */
    static Answer once(int port, byte[] request) {
        try (Wire w = Wire.open(port)) {
            return w.send(request).read();
        }
    }

    static Answer get(int port, String target) {
        return once(port, Wire.head("GET", target, "Connection: close").getBytes(StandardCharsets.ISO_8859_1));
    }

    static Answer postOnce(int port, String target, String json, String... headers) {
        return once(port, Wire.post(target, json.getBytes(StandardCharsets.UTF_8), headers));
    }

    @Override
    public void close() {
        if (wire != null) {
            wire.close();
        }
    }
}
