package dev.flexauth.server;

import dev.flexauth.internal.Sha256;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.markdown.PolicyReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One-time initialisation that {@code serve}'s start would otherwise do on its single thread, done
 * on a second thread while the first parses the command line and loads the pair: the security
 * providers behind SHA-256 (the files' fingerprint, the decision log), the Markdown parser of the
 * policy reader, the method handles behind records' {@code equals} and {@code hashCode}, and the
 * locale and time-zone data behind the JDK HTTP server's {@code Date}
 * header, which its first answer, the first {@code /healthz}, would otherwise load (60 to 170 ms on
 * a cold JVM). Run by {@link EarlyLoad}'s thread after its load. Only pure work on shared JDK and
 * library state: nothing here reads a file, binds,
 * or can fail or change the start; whatever is not done in time the main thread does itself, as
 * before. Measured in docs/performance.md ("Start-up, issue 18").
 */
final class Preload {
    /** The pattern, locale and zone of the JDK server's {@code Date} header (sun.net.httpserver.ExchangeImpl). */
    private static final String HTTP_DATE = "EEE, dd MMM yyyy HH:mm:ss zzz";
    private static final byte[] POLICY = "# preload\n\n| a | b |\n|---|---|\n| `x` | 1 |\n\n```text\nx\n```\n"
            .getBytes(StandardCharsets.UTF_8);

    private Preload() {
    }

    /**
     * Records of one, two and three reference fields: their first {@code equals} and
     * {@code hashCode} build the method handles that all records share, which the Properties check
     * (it keys maps by records) would otherwise spin on the main thread.
     */
    private record One(Object a) {
    }

    private record Two(String a, String b) {
    }

    private record Three(List<Object> a, Map<String, Integer> b, Object c) {
    }

    /** In the order the main thread needs them, so that it stays ahead. */
    static void run() {
        try {
            Sha256.hex(POLICY);
            try {
                PolicyReader.read(POLICY, "preload");
            } catch (PolicyException e) {
                // Expected: not a package. The parser and the reader have run.
            }
            for (Object r : List.of(new One("a"), new Two("a", "b"), new Three(List.of(), Map.of(), 1))) {
                r.equals(r);
                r.hashCode();
            }
            DateTimeFormatter.ofPattern(HTTP_DATE, Locale.US).withZone(ZoneId.of("GMT")).format(Instant.now());
        } catch (RuntimeException e) {
            // Nothing is lost: the main thread initialises whatever this did not.
        }
    }
}
