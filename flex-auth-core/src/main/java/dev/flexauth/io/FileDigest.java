package dev.flexauth.io;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The SHA-256 of a file's bytes, taken while the file is read for something else (a registry
 * load), on the reading thread: what changed-file detection compares, without reading a large file
 * twice or hashing it on the caller's thread. Known only once the whole file has gone by. For one
 * read; give it to {@link RegularFile#open(java.nio.file.Path, long, java.time.Duration, java.util.List)}
 * or to a loader that takes one.
 */
public final class FileDigest implements RegularFile.Tap {
    private final MessageDigest sha;
    /** Set by the reading thread at the file's end; read by the caller after its last read. */
    private volatile String hex;

    private FileDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A digest for one read. */
    public static FileDigest sha256() {
        return new FileDigest();
    }

    @Override
    public void bytes(byte[] chunk, int length) {
        sha.update(chunk, 0, length);
    }

    @Override
    public void end() {
        hex = HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of every byte of the file, in lower-case hex; empty if the read stopped before the end. */
    public Optional<String> hex() {
        return Optional.ofNullable(hex);
    }
}
