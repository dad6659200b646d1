package dev.flexauth.server.reload;

import dev.flexauth.io.RegularFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * {@code --cache-dir}: the last pair a URL source handed over and the server loaded, kept on disk
 * so that a replica restarted while its source is down can still start. It is written after every
 * accepted pull (each file beside, then renamed over) and read only at start, when the first
 * fetch fails; the caller verifies and loads it like a fetched pair, so a cache edited on disk is
 * refused like a forged snapshot. Its files' modification time is when the source last confirmed
 * the pair, which is what the silence bound counts from. Not thread-safe: the reload thread and
 * the start only.
 */
public final class SnapshotCache {
    static final String SNAPSHOT = "registry.json";
    static final String SIGNATURE = "registry.json.sig";
    static final String POLICY = "policy.md";
    static final String POLICY_SIGNATURE = "policy.md.sig";

    /** A cached pair: the snapshot, its signature (null if the source had none) and when it was last confirmed. */
    public record Cached(byte[] snapshot, byte[] signature, Instant confirmedAt) {
    }

    private final Path dir;
    private final String snapshotName;
    private final String signatureName;

    /** The snapshot's cache in {@code dir}. */
    public SnapshotCache(Path dir) {
        this(dir, SNAPSHOT, SIGNATURE);
    }

    private SnapshotCache(Path dir, String snapshotName, String signatureName) {
        this.dir = dir;
        this.snapshotName = snapshotName;
        this.signatureName = signatureName;
    }

    /** The pulled policy package's cache in {@code dir}, beside the snapshot's ({@code --policy URL}). */
    public static SnapshotCache forPolicy(Path dir) {
        return new SnapshotCache(dir, POLICY, POLICY_SIGNATURE);
    }

    /** The cached content's file. */
    public Path file() {
        return dir.resolve(snapshotName);
    }

    /** The cached signature's file. */
    public Path signatureFile() {
        return dir.resolve(signatureName);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Keeps {@code snapshot} and {@code signature} (null: none, and any old one is removed),
     * confirmed now. The signature is written first and the snapshot last: a crash between the two
     * leaves a pair that does not verify, which the start refuses rather than loads.
     */
    void write(byte[] snapshot, byte[] signature) throws IOException {
        Files.createDirectories(dir);
        if (signature == null) {
            Files.deleteIfExists(signatureFile());
        } else {
            replace(signatureName, signature);
        }
        replace(snapshotName, snapshot);
    }

    /** Marks the cached pair as confirmed now (a 304 for the version in service). */
    void touch() throws IOException {
        Path snapshot = file();
        if (Files.exists(snapshot)) {
            Files.setLastModifiedTime(snapshot, java.nio.file.attribute.FileTime.from(Instant.now()));
        }
    }

    /**
     * The cached pair, read within {@code maxBytes} (and the signature's own cap).
     *
     * @throws IOException when there is no cached snapshot or it cannot be read
     */
    public Cached read(long maxBytes) throws IOException {
        Path snapshot = file();
        Instant confirmed = Files.getLastModifiedTime(snapshot).toInstant();
        byte[] bytes = readAll(snapshot, maxBytes);
        Path sig = signatureFile();
        byte[] signature = Files.exists(sig) ? readAll(sig, UrlSource.MAX_SIGNATURE_BYTES) : null;
        return new Cached(bytes, signature, confirmed);
    }

    private static byte[] readAll(Path file, long maxBytes) throws IOException {
        try (InputStream in = RegularFile.open(file, maxBytes, RegularFile.DEFAULT_DEADLINE)) {
            return in.readAllBytes();
        }
    }

    private void replace(String name, byte[] content) throws IOException {
        Path tmp = dir.resolve("." + name + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
