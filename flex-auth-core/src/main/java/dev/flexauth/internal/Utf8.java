package dev.flexauth.internal;

/**
 * A strict UTF-8 checker (RFC 3629, Unicode table 3-7): no overlong forms, no UTF-16 surrogates,
 * nothing beyond U+10FFFF, no truncated sequence. Jackson's decoder is lenient about overlong forms
 * (it reads {@code C1 A1} as "a"), so bytes that never spelled a key could match one; every JSON
 * input of flex-auth is checked with this first. Feed it bytes in chunks of any size; not
 * thread-safe (one checker per input).
 */
public final class Utf8 {
    private long offset;
    private int need;
    private int low = 0x80;
    private int high = 0xBF;
    private long sequenceStart;

    /** The offset of the first byte of the first ill-formed sequence in {@code bytes}, or -1. */
    public static long firstInvalid(byte[] bytes) {
        Utf8 u = new Utf8();
        long bad = u.feed(bytes, 0, bytes.length);
        return bad >= 0 ? bad : u.end();
    }

    /**
     * Checks the next {@code len} bytes; returns the offset (from the start of the input) of the
     * ill-formed sequence's first byte, or -1 while all is well.
     */
    public long feed(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++, offset++) {
            int c = b[i] & 0xff;
            if (need == 0) {
                if (c < 0x80) {
                    continue;
                }
                sequenceStart = offset;
                if (c >= 0xC2 && c <= 0xDF) {
                    start(1, 0x80, 0xBF);
                } else if (c == 0xE0) {
                    start(2, 0xA0, 0xBF);
                } else if (c == 0xED) {
                    start(2, 0x80, 0x9F);
                } else if (c >= 0xE1 && c <= 0xEF) {
                    start(2, 0x80, 0xBF);
                } else if (c == 0xF0) {
                    start(3, 0x90, 0xBF);
                } else if (c == 0xF4) {
                    start(3, 0x80, 0x8F);
                } else if (c >= 0xF1 && c <= 0xF3) {
                    start(3, 0x80, 0xBF);
                } else {
                    return offset;
                }
            } else {
                if (c < low || c > high) {
                    return sequenceStart;
                }
                low = 0x80;
                high = 0xBF;
                need--;
            }
        }
        return -1;
    }

    /** At the end of the input: the offset of a truncated final sequence, or -1. */
    public long end() {
        return need == 0 ? -1 : sequenceStart;
    }

    private void start(int continuation, int secondLow, int secondHigh) {
        need = continuation;
        low = secondLow;
        high = secondHigh;
    }
}
