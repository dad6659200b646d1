package dev.flexauth.log;

import dev.flexauth.internal.Sha256;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The record line, {@code {"seq":<n>,<body>,"prev":"<hex>","chain":"<hex>"}\n}, shared by the
 * writer and the verifier. The chain member is always last and fixed-width, so the hashed prefix
 * is "everything but the last 76 bytes" and nobody has to re-serialize JSON to check it.
 */
final class LineFormat {

    /** Longest line (without its newline) the writer writes and the verifier reads. */
    static final int MAX_LINE_BYTES = 1 << 20;
    static final String GENESIS = "0".repeat(64);

    private static final byte[] HEAD = bytes("{\"seq\":");
    private static final byte[] PREV = bytes(",\"prev\":\"");
    private static final byte[] CHAIN = bytes(",\"chain\":\"");
    private static final byte[] END = bytes("\"}\n");
    /** {@code ,"chain":"} + 64 hex + {@code "}}: the part of a line the chain does not cover. */
    private static final int CHAIN_SUFFIX = 76;
    /** {@code ,"prev":"} + 64 hex + {@code "}: the end of the hashed prefix. */
    private static final int PREV_SUFFIX = 74;
    private static final JsonFactory JSON = new JsonFactory();

    private LineFormat() {}

    /** A line ready to write, with its chain value (the next line's prev). */
    record Line(byte[] bytes, String chain) {}

    /** What the verifier and the resuming writer need from a line. */
    record Parsed(long seq, String prev, String chain, int prefixLength) {}

    /** A line that is not a record; the kind says whether it is JSON at all. */
    static final class BadLine extends Exception {
        private static final long serialVersionUID = 1L;
        final VerifyReport.Kind kind;

        BadLine(VerifyReport.Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }
    }

    static Line encode(long seq, byte[] body, String prev) {
        Encoder encoder = new Encoder();
        String chain = encoder.encode(seq, body, prev);
        return new Line(Arrays.copyOf(encoder.buffer(), encoder.length()), chain);
    }

    /**
     * Encodes the lines of one writer into one buffer with one digest, both reused: a line costs
     * no allocation but its chain string (the digest's provider look-up and the line's array were
     * the log's largest costs per decision). Not thread-safe: the writer calls it under its lock.
     */
    static final class Encoder {
        private static final byte[] HEX = bytes("0123456789abcdef");
        private final MessageDigest sha = Sha256.newDigest();
        private byte[] buffer = new byte[4096];
        private int length;

        /** Encodes the line into {@link #buffer()} (its first {@link #length()} bytes) and returns its chain value. */
        String encode(long seq, byte[] body, String prev) {
            int seqDigits = digits(seq);
            int prefixLength = HEAD.length + seqDigits + 1 + body.length + PREV_SUFFIX;
            length = prefixLength + CHAIN.length + 64 + END.length;
            if (buffer.length < length) {
                buffer = new byte[Math.max(length, buffer.length * 2)];
            }
            byte[] line = buffer;
            int at = put(line, 0, HEAD);
            for (int i = at + seqDigits - 1; i >= at; i--, seq /= 10) {
                line[i] = (byte) ('0' + seq % 10);
            }
            at += seqDigits;
            line[at++] = ',';
            at = put(line, at, body);
            at = put(line, at, PREV);
            for (int i = 0; i < 64; i++) {
                line[at++] = (byte) prev.charAt(i);
            }
            line[at++] = '"';
            sha.update(line, 0, at);
            byte[] digest = sha.digest();
            at = put(line, at, CHAIN);
            int chainAt = at;
            for (byte b : digest) {
                line[at++] = HEX[(b >> 4) & 0xf];
                line[at++] = HEX[b & 0xf];
            }
            put(line, at, END);
            return new String(line, chainAt, 64, StandardCharsets.ISO_8859_1);
        }

        byte[] buffer() {
            return buffer;
        }

        int length() {
            return length;
        }

        private static int digits(long positive) {
            int n = 1;
            for (long v = positive; v >= 10; v /= 10) {
                n++;
            }
            return n;
        }
    }

    /** Rejects bodies the format cannot carry; the caller guarantees the rest (valid members). */
    static void checkBody(byte[] body) {
        if (body.length == 0) {
            throw new IllegalArgumentException(Messages.emptyBody());
        }
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n' || body[i] == '\r') {
                throw new IllegalArgumentException(Messages.newlineInBody(i));
            }
        }
        if (body.length > MAX_LINE_BYTES - 200) {
            throw new IllegalArgumentException(Messages.bodyTooLong(body.length, MAX_LINE_BYTES - 200));
        }
    }

    /** Parses line bytes {@code [0, length)} without the newline. */
    static Parsed parse(byte[] b, int length) throws BadLine {
        if (length == 0) {
            throw malformed("the line is empty");
        }
        requireJsonObject(b, length);
        if (!Arrays.equals(b, 0, Math.min(length, HEAD.length), HEAD, 0, HEAD.length)) {
            throw malformed("it does not start with {\"seq\":");
        }
        int at = HEAD.length;
        long seq = 0;
        while (at < length && b[at] >= '0' && b[at] <= '9' && at - HEAD.length < 18) {
            seq = seq * 10 + (b[at++] - '0');
        }
        if (seq <= 0 || b[HEAD.length] == '0' || at >= length || b[at] != ',') {
            throw malformed("seq is not a positive integer of at most 18 digits");
        }
        int prevAt = length - CHAIN_SUFFIX - PREV_SUFFIX;
        int chainAt = length - CHAIN_SUFFIX;
        if (prevAt < at
                || !Arrays.equals(b, prevAt, prevAt + PREV.length, PREV, 0, PREV.length)
                || !isHex(b, prevAt + PREV.length)
                || b[chainAt - 1] != '"'
                || !Arrays.equals(b, chainAt, chainAt + CHAIN.length, CHAIN, 0, CHAIN.length)
                || !isHex(b, length - 66)
                || b[length - 2] != '"' || b[length - 1] != '}') {
            throw malformed("it does not end with ,\"prev\":\"<64 hex>\",\"chain\":\"<64 hex>\"}");
        }
        return new Parsed(seq, ascii(b, prevAt + PREV.length), ascii(b, length - 66), chainAt);
    }

    /**
     * Whether unterminated final bytes are the start of a record cut short (a crash or a full disk
     * mid-write) rather than something else: they begin like a record and the JSON runs out
     * before the object closes.
     */
    static boolean isCutRecord(byte[] b, int length) {
        int n = Math.min(length, HEAD.length);
        if (length == 0 || !Arrays.equals(b, 0, n, HEAD, 0, n)) {
            return false;
        }
        // Jackson reports a number cut after "." or "e" as a bad number, not as the end of input.
        byte[] plusDigit = Arrays.copyOf(b, length + 1);
        plusDigit[length] = '0';
        return runsOutInsideObject(b, length) || runsOutInsideObject(plusDigit, length + 1);
    }

    private static boolean runsOutInsideObject(byte[] b, int length) {
        try (JsonParser p = JSON.createParser(b, 0, length)) {
            p.nextToken();
            p.skipChildren();
            return false;
        } catch (JsonProcessingException e) {
            // Some ends of input come as JsonEOFException, others as a parse error at the end.
            return e instanceof JsonEOFException || e.getLocation().getByteOffset() >= length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256Hex(byte[] b, int offset, int length) {
        return Sha256.hex(b, offset, length);
    }

    private static void requireJsonObject(byte[] b, int length) throws BadLine {
        try (JsonParser p = JSON.createParser(b, 0, length)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw malformed("it is JSON but not an object");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                throw new BadLine(VerifyReport.Kind.NOT_JSON, Messages.notJson(
                        "content after the closing }", p.currentLocation().getByteOffset()));
            }
        } catch (JsonProcessingException e) {
            throw new BadLine(VerifyReport.Kind.NOT_JSON,
                    Messages.notJson(e.getOriginalMessage(), e.getLocation().getByteOffset()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BadLine malformed(String what) {
        return new BadLine(VerifyReport.Kind.MALFORMED, Messages.notARecord(what));
    }

    private static boolean isHex(byte[] b, int from) {
        for (int i = from; i < from + 64; i++) {
            if (!(b[i] >= '0' && b[i] <= '9' || b[i] >= 'a' && b[i] <= 'f')) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] b, int from) {
        return new String(b, from, 64, StandardCharsets.US_ASCII);
    }

    private static int put(byte[] target, int at, byte[] source) {
        System.arraycopy(source, 0, target, at, source.length);
        return at + source.length;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
