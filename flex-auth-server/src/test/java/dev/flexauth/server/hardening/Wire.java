package dev.flexauth.server.hardening;

import dev.flexauth.server.RawHttp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client never sends: broken framing,
 * conflicting headers, stalled bodies, garbage. A send that fails (the server may close early, e.g.
 * after a 413) is remembered rather than thrown, so the answer that came before can still be read.
 * Used by one thread.
 */
final class Wire implements AutoCloseable {
    /** How long a read waits: longer than the read timeout plus the JDK's clock ticks. */
    static final Duration PATIENCE = Duration.ofSeconds(8);

    private final Socket socket;
    private final InputStream in;
    private boolean sendFailed;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    static Wire open(int port) {
        return open(port, PATIENCE);
    }

    static Wire open(int port, Duration patience) {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout((int) patience.toMillis());
            s.setTcpNoDelay(true);
            return new Wire(s);
        } catch (IOException e) {
            try {
                s.close();
            } catch (IOException ignored) {
                // Already failing.
            }
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /** A TLS connection (handshake done) with a client that trusts {@code trust}. */
    static Wire openTls(int port, javax.net.ssl.SSLContext trust) {
        try {
            javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port);
            s.setSoTimeout((int) PATIENCE.toMillis());
            s.startHandshake();
            return new Wire(s);
        } catch (IOException e) {
            throw new UncheckedIOException("TLS to 127.0.0.1:" + port + " failed", e);
        }
    }

    /** A request head: request line, {@code Host}, the given header lines, blank line. */
    static String head(String method, String target, String... headerLines) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String h : headerLines) {
            sb.append(h).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    /** A complete POST of a JSON body with a correct length, asking the server to close afterwards. */
    static byte[] post(String target, byte[] body, String... extraHeaders) {
        List<String> headers = new ArrayList<>(List.of("Content-Type: application/json", "Content-Length: " + body.length,
                "Connection: close"));
        headers.addAll(List.of(extraHeaders));
        return concat(head("POST", target, headers.toArray(String[]::new)).getBytes(StandardCharsets.ISO_8859_1), body);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    Wire send(String latin1) {
        return send(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    Wire send(byte[] bytes) {
        if (sendFailed) {
            return this;
        }
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            sendFailed = true;
        }
        return this;
    }

    /** Closes the sending side: the server reads the end of the stream after what was sent. */
    Wire finishSending() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            sendFailed = true;
        }
        return this;
    }

    /** Whether a send failed because the server had closed or reset the connection. */
    boolean sendFailed() {
        return sendFailed;
    }

    /** Reads one answer (skipping 1xx interim answers). */
    Answer read() {
        return read(false);
    }

    /** Reads one answer to a HEAD request, which has headers but no body. */
    Answer readHead() {
        return read(true);
    }

    private Answer read(boolean head) {
        try {
            while (true) {
                String statusLine;
                try {
                    statusLine = line();
                } catch (SocketTimeoutException e) {
                    return Answer.none(Answer.Source.SILENT);
                } catch (IOException e) {
                    return Answer.none(Answer.Source.NONE);
                }
                if (statusLine == null) {
                    return Answer.none(Answer.Source.NONE);
                }
                String[] parts = statusLine.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                    throw new AssertionError("not an HTTP answer: " + statusLine);
                }
                int status = Integer.parseInt(parts[1]);
                Map<String, List<String>> headers = new TreeMap<>();
                for (String l; (l = line()) != null && !l.isEmpty(); ) {
                    int colon = l.indexOf(':');
                    headers.computeIfAbsent(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(l.substring(colon + 1).strip());
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                byte[] body = head || status == 204 || status == 304 ? new byte[0] : body(headers);
                List<String> nosniff = headers.get("x-content-type-options");
                Answer.Source source = nosniff != null && nosniff.contains("nosniff") ? Answer.Source.FLEX_AUTH : Answer.Source.JDK;
                return new Answer(source, status, headers, body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the answer broke off", e);
        }
    }

    private byte[] body(Map<String, List<String>> headers) throws IOException {
        List<String> length = headers.get("content-length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.get(0)));
        }
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";")[0].strip(), 16)) > 0; ) {
                out.writeBytes(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // Trailers.
            }
            return out.toByteArray();
        }
        return in.readAllBytes();
    }

    /**
     * Reads answers until the server closes the connection (or stays silent for the patience):
     * for pipelined requests, and to see what a server makes of bytes after a broken request.
     * Returns the answers, or the one non-answer if nothing was answered.
     */
    List<Answer> readAll() {
        List<Answer> answers = new ArrayList<>();
        while (true) {
            Answer a = read();
            if (!a.answered()) {
                if (answers.isEmpty()) {
                    answers.add(a);
                }
                return answers;
            }
            answers.add(a);
            if ("close".equalsIgnoreCase(a.header("Connection"))) {
                return answers;
            }
        }
    }

    /**
     * The number of bytes the server sent before it closed the connection (0: closed with nothing
     * more), or -1 if it kept the connection open past the patience.
     */
    int bytesUntilClosed() {
        int n = 0;
        try {
            byte[] buffer = new byte[4096];
            for (int r; (r = in.read(buffer)) != -1; ) {
                n += r;
            }
            return n;
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException e) {
            return n;
        }
    }

    /** Whether the server closes (or resets) the connection within the patience, reading and discarding what comes. */
    boolean closedByServer() {
        try {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) != -1) {
                // Discard: a stalled client may still be sent an answer before the close.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String line() throws IOException {
        return RawHttp.line(in);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Nothing to save.
        }
    }
}
