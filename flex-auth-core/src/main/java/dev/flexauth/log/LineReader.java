package dev.flexauth.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads {@code \n}-terminated lines from a stream of any size, holding at most one line (capped
 * at {@link LineFormat#MAX_LINE_BYTES}) in memory. Not thread-safe.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int end;
    private byte[] line = new byte[1024];
    private int length;
    private boolean terminated;
    private boolean tooLong;

    LineReader(InputStream in) {
        this.in = in;
    }

    /** Reads the next line (without its newline); false at the end of the stream. */
    boolean next() throws IOException {
        length = 0;
        terminated = false;
        tooLong = false;
        boolean any = false;
        while (true) {
            if (position == end) {
                end = Math.max(0, in.read(buffer));
                position = 0;
                if (end == 0) {
                    return any;
                }
            }
            any = true;
            int newline = position;
            while (newline < end && buffer[newline] != '\n') {
                newline++;
            }
            keep(position, newline - position);
            position = Math.min(newline + 1, end);
            if (newline < end) {
                terminated = true;
                return true;
            }
        }
    }

    byte[] bytes() {
        return line;
    }

    int length() {
        return length;
    }

    /** False for final bytes that have no newline after them. */
    boolean terminated() {
        return terminated;
    }

    /** The line was longer than the cap; its bytes past the cap were dropped. */
    boolean tooLong() {
        return tooLong;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void keep(int from, int count) {
        if (length + count > LineFormat.MAX_LINE_BYTES) {
            tooLong = true;
            return;
        }
        if (length + count > line.length) {
            line = Arrays.copyOf(line, Math.max(length + count, line.length * 2));
        }
        System.arraycopy(buffer, from, line, length, count);
        length += count;
    }
}
