package dev.flexauth.server.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The server log writes one line per event, whatever the message holds. */
class ServerLogTest {
    @Test
    void line_breaks_in_a_message_cannot_split_or_forge_lines() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServerLog log = new ServerLog(new PrintStream(out, true, StandardCharsets.UTF_8),
                Clock.fixed(Instant.parse("2026-06-23T00:00:00.123456Z"), ZoneOffset.UTC));

        log.info("reload rejected; 2 problems: a.json: bad\nb.md:1:1: worse\r\n2026-06-23T00:00:00Z flex-auth: forged");

        assertEquals("2026-06-23T00:00:00.123Z flex-auth: reload rejected; 2 problems: a.json: bad | b.md:1:1: worse"
                + " | 2026-06-23T00:00:00Z flex-auth: forged" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
    }
}
