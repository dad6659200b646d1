package dev.flexauth.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The checkpoint record, a chained line like any other whose members are fixed by the writer:
 * {@code {"seq":<n>,"time":"<instant>","event":"checkpoint","reason":"<why>","lines":<n-1>,
 * "head":"<chain of line n-1>","key":"hmac-sha256:<16 hex>","mac":"<64 hex>","prev":...,"chain":...}}.
 * The MAC is the HMAC-SHA256, under the log key, of the line's bytes before {@code ,"mac":}, so it
 * covers seq, time, reason, the line count and the chain head, and through the head every line
 * before. Shared by the writer and the verifier.
 */
final class Checkpoint {

    /** Why the writer wrote a checkpoint. */
    enum Reason {
        /** Every so many lines. */
        LINES,
        /** Lines were written and the interval passed. */
        TIME,
        /** The writer closed the log: nothing follows in this run. */
        CLOSE,
        /** The writer reopened a log whose last line was not a checkpoint: the lines since the one before were not vouched by a close. */
        OPEN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What the verifier reads from a checkpoint line. */
    record Parsed(String reason, long lines, String head, String keyId, byte[] mac, int signedLength) {}

    private static final byte[] MARKER = bytes(",\"event\":\"checkpoint\",");
    private static final byte[] MAC = bytes(",\"mac\":\"");
    /** {@code ,"mac":"} + 64 hex + {@code "}: what sits between the signed bytes and {@code ,"prev":}. */
    private static final int MAC_MEMBER = MAC.length + 64 + 1;
    private static final int PREV_SUFFIX = 74;
    private static final JsonFactory JSON = new JsonFactory();
    private static final HexFormat HEX = HexFormat.of();

    private Checkpoint() {}

    /** The body of the checkpoint that will be line {@code seq}, after the line whose chain is {@code head}. */
    static byte[] body(long seq, String head, Instant time, Reason reason, LogKey key) {
        String members = "\"time\":\"" + time + "\",\"event\":\"checkpoint\",\"reason\":\"" + reason.label()
                + "\",\"lines\":" + (seq - 1) + ",\"head\":\"" + head + "\",\"key\":\"" + key.id() + "\"";
        byte[] signed = bytes("{\"seq\":" + seq + "," + members);
        return bytes(members + ",\"mac\":\"" + HEX.formatHex(key.mac(signed, signed.length)) + "\"");
    }

    /** Whether a parsed record line is a checkpoint: its top-level event member says so. */
    static boolean isCheckpoint(byte[] line, int length) {
        return indexOf(line, length, MARKER) >= 0 && "checkpoint".equals(topLevel(line, length).event);
    }

    /**
     * Reads a checkpoint line (one {@link #isCheckpoint} accepted and {@link LineFormat#parse} parsed).
     *
     * @throws LineFormat.BadLine if a member is missing or the mac is not where the format puts it
     */
    static Parsed parse(byte[] line, int length, LineFormat.Parsed record) throws LineFormat.BadLine {
        Members m = topLevel(line, length);
        int macAt = record.prefixLength() - PREV_SUFFIX - MAC_MEMBER;
        if (m.reason == null || m.lines < 0 || m.head == null || m.key == null || m.mac == null
                || !m.mac.matches("[0-9a-f]{64}") || macAt < 0
                || !Arrays.equals(line, macAt, macAt + MAC.length, MAC, 0, MAC.length)
                || !m.mac.equals(new String(line, macAt + MAC.length, 64, StandardCharsets.US_ASCII))) {
            throw new LineFormat.BadLine(VerifyReport.Kind.MALFORMED, Messages.notACheckpoint());
        }
        return new Parsed(m.reason, m.lines, m.head, m.key, HEX.parseHex(m.mac), macAt);
    }

    /** Whether the checkpoint's MAC is right under {@code key}; constant time. */
    static boolean verifies(byte[] line, Parsed checkpoint, LogKey key) {
        return MessageDigest.isEqual(key.mac(line, checkpoint.signedLength()), checkpoint.mac());
    }

    private static final class Members {
        String event;
        String reason;
        long lines = -1;
        String head;
        String key;
        String mac;
    }

    private static Members topLevel(byte[] line, int length) {
        Members m = new Members();
        try (JsonParser p = JSON.createParser(line, 0, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return m;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.VALUE_STRING) {
                    switch (name) {
                        case "event" -> m.event = p.getText();
                        case "reason" -> m.reason = p.getText();
                        case "head" -> m.head = p.getText();
                        case "key" -> m.key = p.getText();
                        case "mac" -> m.mac = p.getText();
                        default -> { }
                    }
                } else if (value == JsonToken.VALUE_NUMBER_INT && name.equals("lines")) {
                    m.lines = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // The line parsed as a record before: it cannot fail here; if it does, it is no checkpoint.
        }
        return m;
    }

    private static int indexOf(byte[] b, int length, byte[] what) {
        outer:
        for (int i = 0; i + what.length <= length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (b[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
