package dev.flexauth.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one way flex-auth reads an input file (registry snapshot, policy package, and whatever is
 * read beside them): only a regular file (a symlink is followed), at most a given number of bytes,
 * within a deadline. A FIFO, a device, a socket or a directory is refused before it is opened, so
 * {@code /dev/zero} cannot run without end and a FIFO cannot block the reader. The open and every
 * read run on a helper thread, and the caller waits for them at most the deadline in all (the time
 * it spends on the bytes between reads, such as parsing them, does not count), so a file swapped
 * for a FIFO between the check and the open, or a hung network file system, costs the caller the
 * deadline, never its thread (the helper, stuck in the kernel, is abandoned).
 * Stateless and thread-safe; each stream is for one thread.
 */
public final class RegularFile {
    /** How long reading one whole file may take by default. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

    private static final int CHUNK = 64 * 1024;

    private RegularFile() {
    }

    /** Reads all of {@code file}: see {@link #open}. */
    public static byte[] readAllBytes(Path file, long maxBytes, Duration deadline) throws RegularFileException {
        try (InputStream in = open(file, maxBytes, deadline)) {
            return in.readAllBytes();
        } catch (RegularFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RegularFileException(RegularFileException.Kind.UNREADABLE, file, -1, "cannot read " + file + ": "
                    + e.getMessage());
        }
    }

    /**
     * Opens {@code file} for one pass: its reads throw {@link RegularFileException} when the file
     * is not a regular file, holds more than {@code maxBytes} (even if it grows while being read),
     * or waiting for the file's bytes takes longer than {@code deadline} in all.
     *
     * @throws RegularFileException before anything is read if the file is absent, not a regular
     *     file, or larger than {@code maxBytes}
     */
    public static InputStream open(Path file, long maxBytes, Duration deadline) throws RegularFileException {
        return open(file, maxBytes, deadline, List.of());
    }

    /**
     * As {@link #open}, and hands each chunk to {@code taps}, in order, on the reading thread before
     * the caller gets it: work on the bytes themselves (a digest) then runs on another core, beside
     * the caller's parse, and sees exactly the bytes the caller reads. A tap's exception ends the
     * read; the caller gets it in place of that chunk.
     */
    public static InputStream open(Path file, long maxBytes, Duration deadline, List<? extends Tap> taps)
            throws RegularFileException {
        check(file, maxBytes);
        return new Bounded(file, maxBytes, deadline, List.copyOf(taps));
    }

    /** As {@link #open}, as if {@code file} had passed the check and then been swapped: for tests of the deadline. */
    static InputStream openAfterCheck(Path file, long maxBytes, Duration deadline) {
        return new Bounded(file, maxBytes, deadline, List.of());
    }

    /** Sees a file's bytes as they are read, on the reading thread; see {@link #open(Path, long, Duration, List)}. */
    public interface Tap {
        /** The next {@code length} bytes of the file, at the start of {@code chunk}, which is reused after the call. */
        void bytes(byte[] chunk, int length) throws IOException;

        /** Called once the whole file has been read and handed to {@link #bytes}. */
        default void end() throws IOException {
        }
    }

    /** Returns if the file may be read, else throws why not. */
    private static void check(Path file, long maxBytes) throws RegularFileException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new RegularFileException(RegularFileException.Kind.NOT_FOUND, file, -1, "file not found: " + file);
        } catch (IOException e) {
            throw new RegularFileException(RegularFileException.Kind.UNREADABLE, file, -1, "cannot read " + file + ": "
                    + e.getMessage());
        }
        if (attributes.isDirectory()) {
            throw new RegularFileException(RegularFileException.Kind.NOT_REGULAR, file, -1, file
                    + " is a directory, not a regular file; give the path of the file itself");
        }
        if (!attributes.isRegularFile()) {
            throw new RegularFileException(RegularFileException.Kind.NOT_REGULAR, file, -1, file + " is " + type(file)
                    + ", not a regular file; flex-auth reads only regular files (or symlinks to them), so that no"
                    + " read can block or run without end");
        }
        if (attributes.size() > maxBytes) {
            throw tooLarge(file, attributes.size(), maxBytes);
        }
    }

    private static RegularFileException tooLarge(Path file, long size, long maxBytes) {
        return new RegularFileException(RegularFileException.Kind.TOO_LARGE, file, size, file + " is " + size
                + " bytes, more than the limit of " + maxBytes + " bytes");
    }

    /** What kind of special file {@code file} is, as precisely as the platform says. */
    private static String type(Path file) {
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode");
            switch (mode & 0170000) {
                case 0010000:
                    return "a FIFO (named pipe)";
                case 0020000:
                    return "a character device";
                case 0060000:
                    return "a block device";
                case 0140000:
                    return "a socket";
                default:
                    break;
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
            // No unix view here: the generic wording below is still true.
        }
        return "a special file";
    }

    /**
     * The caller's side of a read done by a helper thread: chunks come through a small queue, so
     * the helper is at most a few chunks ahead and the caller never waits past the deadline.
     */
    private static final class Bounded extends InputStream {
        private static final byte[] END = new byte[0];

        private final Path file;
        private final Duration deadline;
        /** What is left of the deadline for waiting on the helper. */
        private long waitLeftNanos;
        private final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(4);
        /**
         * Whole chunks the caller has read, for the helper to fill again: reading a 172 MB registry
         * then allocates a few chunks, not 172 MB of them for the young collections to copy.
         */
        private final BlockingQueue<byte[]> spent = new ArrayBlockingQueue<>(8);
        private final Thread reader;
        private volatile boolean closed;
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean ended;

        private final List<Tap> taps;

        Bounded(Path file, long maxBytes, Duration deadline, List<Tap> taps) {
            this.file = file;
            this.taps = taps;
            this.deadline = deadline;
            this.waitLeftNanos = deadline.toNanos();
            this.reader = new Thread(() -> produce(maxBytes), "flex-auth-file-read");
            reader.setDaemon(true);
            reader.start();
        }

        /** Runs on the helper thread: opens, reads, and hands over chunks, an error or the end. */
        private void produce(long maxBytes) {
            Object last;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long total = 0;
                while (true) {
                    byte[] array = spent.poll();
                    ByteBuffer buffer = ByteBuffer.wrap(array == null ? new byte[CHUNK] : array);
                    int n = channel.read(buffer);
                    if (n < 0) {
                        IOException refused = tap(null, 0);
                        last = refused == null ? END : refused;
                        break;
                    }
                    total += n;
                    if (total > maxBytes) {
                        last = new RegularFileException(RegularFileException.Kind.TOO_LARGE, file, total, file
                                + " grew past the limit of " + maxBytes + " bytes while it was read");
                        break;
                    }
                    IOException refused = n > 0 ? tap(buffer.array(), n) : null;
                    if (refused != null) {
                        last = refused;
                        break;
                    }
                    if (n > 0 && !hand(n == CHUNK ? buffer.array() : Arrays.copyOf(buffer.array(), n))) {
                        return;
                    }
                }
            } catch (NoSuchFileException e) {
                last = new RegularFileException(RegularFileException.Kind.NOT_FOUND, file, -1, "file not found: " + file);
            } catch (IOException e) {
                last = new RegularFileException(RegularFileException.Kind.UNREADABLE, file, -1, "cannot read " + file + ": "
                        + e.getMessage());
            }
            hand(last);
        }

        /** Gives the taps the next bytes ({@code chunk} null: the end); returns the first one's refusal, or null. */
        private IOException tap(byte[] chunk, int length) {
            try {
                for (Tap tap : taps) {
                    if (chunk == null) {
                        tap.end();
                    } else {
                        tap.bytes(chunk, length);
                    }
                }
                return null;
            } catch (IOException e) {
                return e;
            } catch (RuntimeException e) {
                // A defect in a tap: the caller hears of it now, not after the deadline as a silent reader.
                return new IOException("a tap on " + file + " failed: " + e, e);
            }
        }

        /** Queues {@code item} unless the caller has gone; false if it has. */
        private boolean hand(Object item) {
            try {
                while (!closed) {
                    if (chunks.offer(item, 100, TimeUnit.MILLISECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                // close() interrupts: the caller has gone.
            }
            return false;
        }

        private boolean fill() throws IOException {
            if (ended) {
                return false;
            }
            while (pos == chunk.length) {
                Object next;
                try {
                    long start = System.nanoTime();
                    next = waitLeftNanos <= 0 ? chunks.poll() : chunks.poll(waitLeftNanos, TimeUnit.NANOSECONDS);
                    waitLeftNanos -= System.nanoTime() - start;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new RegularFileException(RegularFileException.Kind.UNREADABLE, file, -1, "reading " + file
                            + " was interrupted");
                }
                if (next == null) {
                    close();
                    throw new RegularFileException(RegularFileException.Kind.TIMED_OUT, file, -1, "reading " + file
                            + " took longer than " + seconds(deadline) + "; is it on an unresponsive network file system,"
                            + " or was it replaced by a FIFO while being opened?");
                }
                if (next instanceof IOException e) {
                    // The file's own error, or a tap's refusal.
                    ended = true;
                    throw e;
                }
                if (next == END) {
                    ended = true;
                    return false;
                }
                if (chunk.length == CHUNK) {
                    spent.offer(chunk);
                }
                chunk = (byte[]) next;
                pos = 0;
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? chunk[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                // Interrupting closes the helper's channel; a helper stuck opening a FIFO stays stuck, abandoned.
                reader.interrupt();
            }
        }

        private static String seconds(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }
}
