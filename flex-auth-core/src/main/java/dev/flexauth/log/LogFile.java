package dev.flexauth.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;

/**
 * The decision log's file mechanics, apart from its locking and chaining: open or create the file
 * for appending, cut back a partial write, move a torn last line to a {@code .torn-<millis>} side
 * file, read the last record (and whether a checkpoint under the log's key closes it), tell which
 * inode is at the path, and make a new directory entry durable. Not thread-safe: the
 * {@link DecisionLog} calls it under its lock.
 */
final class LogFile {
    /** A file opened for appending: its channel, its inode and its size after repair. */
    record Opened(FileChannel channel, Object key, long size) {}

    private final Path path;
    private final boolean fsync;
    private final Clock clock;
    private final LogKey key;

    LogFile(Path path, boolean fsync, Clock clock, LogKey key) {
        this.path = path;
        this.fsync = fsync;
        this.clock = clock;
        this.key = key;
    }

    /**
     * Opens (or creates) the file at the path. If it is still the file of {@code knownKey}, cuts
     * it back to {@code goodSize} (a partial write the failure could not undo); then moves any
     * bytes after its last newline to a side file.
     */
    Opened open(Object knownKey, long goodSize) throws IOException {
        FileChannel opened = FileChannel.open(path,
                StandardOpenOption.APPEND, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            // A rename between open and this look-up would go unnoticed: the window is tiny.
            Object key = currentKey();
            if (key != null && key.equals(knownKey) && opened.size() > goodSize) {
                opened.truncate(goodSize);
            }
            long size = moveTornTail(opened);
            if (fsync) {
                syncDirectory();
            }
            return new Opened(opened, key, size);
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened);
            throw e;
        }
    }

    private long moveTornTail(FileChannel opened) throws IOException {
        long size = opened.size();
        if (size == 0) {
            return 0;
        }
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            long keep = lastNewline(in, size, 0) + 1;
            if (keep == size) {
                return size;
            }
            Path side = path.resolveSibling(path.getFileName() + ".torn-" + clock.millis());
            try (FileChannel out = FileChannel.open(side, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long at = keep; at < size; ) {
                    at += in.transferTo(at, size - at, out);
                }
                out.force(false);
            }
            opened.truncate(keep);
            return keep;
        }
    }

    /** The end of the chain in a file at start, and whether a checkpoint under this log's key closes it. */
    record Tail(DecisionLog.Position position, boolean checkpointed) {}

    /** Reads the last line of a file that ends with a newline, walking back from the end. */
    Tail lastRecord(long size) throws IOException {
        if (size == 0) {
            return new Tail(new DecisionLog.Position(0, LineFormat.GENESIS, 0), false);
        }
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            long end = size - 1;
            long floor = Math.max(0, end - LineFormat.MAX_LINE_BYTES);
            long start = lastNewline(in, end, floor) + 1;
            if (start == 0 && floor > 0) {
                throw new DecisionLogException(Messages.cannotResume(path,
                        "it is longer than " + LineFormat.MAX_LINE_BYTES + " bytes"), null);
            }
            ByteBuffer line = ByteBuffer.allocate((int) (end - start));
            readFully(in, line, start);
            LineFormat.Parsed last = LineFormat.parse(line.array(), line.capacity());
            boolean checkpointed = false;
            if (key != null && Checkpoint.isCheckpoint(line.array(), line.capacity())) {
                try {
                    Checkpoint.Parsed c = Checkpoint.parse(line.array(), line.capacity(), last);
                    checkpointed = c.keyId().equals(key.id()) && Checkpoint.verifies(line.array(), c, key)
                            && c.head().equals(last.prev()) && c.lines() == last.seq() - 1
                            && LineFormat.sha256Hex(line.array(), 0, last.prefixLength()).equals(last.chain());
                } catch (LineFormat.BadLine e) {
                    // Not a checkpoint this key can vouch for: the open checkpoint will say so.
                }
            }
            return new Tail(new DecisionLog.Position(last.seq(), last.chain(), size), checkpointed);
        } catch (LineFormat.BadLine e) {
            throw new DecisionLogException(Messages.cannotResume(path, e.getMessage()), e);
        }
    }

    /** The index of the last {@code \n} in {@code [floor, before)}, or -1. */
    private static long lastNewline(FileChannel in, long before, long floor) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        for (long end = before; end > floor; ) {
            long start = Math.max(floor, end - chunk.capacity());
            readFully(in, chunk.clear().limit((int) (end - start)), start);
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i;
                }
            }
            end = start;
        }
        return -1;
    }

    /** Fills {@code into} from {@code at}, or fails if the file is shorter. */
    private static void readFully(FileChannel in, ByteBuffer into, long at) throws IOException {
        while (into.hasRemaining()) {
            if (in.read(into, at + into.position()) < 0) {
                throw new IOException("the file shrank while it was being read");
            }
        }
    }

    /** The inode (file key) behind the path, or null if nothing is there. */
    Object currentKey() throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** A new file's directory entry must be durable too, or a crash could lose the synced lines. */
    private void syncDirectory() {
        Path directory = path.toAbsolutePath().getParent();
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Best effort: some file systems cannot sync a directory.
        }
    }

    static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // Nothing left to save: the lines that matter were written or reported as refused.
        }
    }
}
