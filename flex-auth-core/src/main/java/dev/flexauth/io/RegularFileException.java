package dev.flexauth.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file {@link RegularFile} refused or could not read; the message says which file, what was
 * found and what to do. {@link #kind()} lets each reader map it to its own error code.
 */
public final class RegularFileException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the file was not read. */
    public enum Kind {
        /** There is no file at the path. */
        NOT_FOUND,
        /** A directory, FIFO, device or socket. */
        NOT_REGULAR,
        /** More bytes than the limit; {@link #size()} says how many were seen. */
        TOO_LARGE,
        /** The read outlasted its deadline. */
        TIMED_OUT,
        /** Any other I/O failure. */
        UNREADABLE
    }

    private final transient Path file;
    private final Kind kind;
    private final long size;

    RegularFileException(Kind kind, Path file, long size, String message) {
        super(message);
        this.kind = kind;
        this.file = file;
        this.size = size;
    }

    public Kind kind() {
        return kind;
    }

    public Path file() {
        return file;
    }

    /** The size seen, for {@link Kind#TOO_LARGE}; else -1. */
    public long size() {
        return size;
    }
}
