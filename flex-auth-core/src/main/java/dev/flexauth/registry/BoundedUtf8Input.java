package dev.flexauth.registry;

import dev.flexauth.internal.Utf8;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The byte guards a snapshot passes before the JSON parser sees it: a byte limit enforced while
 * the bytes stream (nothing larger is buffered), strict UTF-8 (Jackson alone would read an overlong
 * sequence as the character it imitates), and a look at the first bytes for UTF-16/32 and for
 * Markdown (a policy package given as the snapshot).
 */
final class BoundedUtf8Input {
    /** Bytes looked at before parsing: enough for a byte order mark and for the first Markdown marker. */
    static final int HEAD = 64;

    private BoundedUtf8Input() {
    }

    /** Starts (after blank space) with a heading or front matter, as every policy package does. */
    static boolean looksLikeMarkdown(byte[] head) {
        String t = new String(head, StandardCharsets.ISO_8859_1).stripLeading();
        return t.startsWith("#") || t.startsWith("---");
    }

    static boolean looksLikeUtf16or32(byte[] head) {
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
            return true;
        }
        return head.length >= 2 && (head[0] == 0 || head[1] == 0);
    }

    /** Refuses input beyond the byte limit while it streams, so nothing larger is buffered. */
    static final class Limited extends FilterInputStream {
        private final long max;
        private long seen;

        Limited(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws SizeLimitException {
            seen += n;
            if (seen > max) {
                throw new SizeLimitException(seen);
            }
        }
    }

    /**
     * Checks the bytes as they stream by (see {@link Utf8}): Jackson alone would read an overlong
     * sequence as the character it imitates.
     */
    static final class StrictUtf8 extends FilterInputStream {
        private final Utf8 utf8 = new Utf8();

        StrictUtf8(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            long bad = n < 0 ? utf8.end() : utf8.feed(b, off, n);
            if (bad >= 0) {
                throw new InvalidUtf8Exception(bad);
            }
            return n;
        }
    }

    static final class InvalidUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;
        final long offset;

        InvalidUtf8Exception(long offset) {
            super("invalid UTF-8");
            this.offset = offset;
        }
    }

    static final class SizeLimitException extends IOException {
        private static final long serialVersionUID = 1L;
        final long seen;

        SizeLimitException(long seen) {
            super("size limit");
            this.seen = seen;
        }
    }
}
