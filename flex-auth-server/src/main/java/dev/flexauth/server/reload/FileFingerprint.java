package dev.flexauth.server.reload;

import dev.flexauth.engine.EngineLoader;
import dev.flexauth.internal.Sha256;
import dev.flexauth.io.FileDigest;
import dev.flexauth.io.RegularFile;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.SnapshotSigners;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a change of the registry and policy files is compared by: their bytes' SHA-256
 * ({@link #fingerprint}) and, cheaply first, their identity ({@link #identity}). A signature file
 * counts too when signatures are required. Stateless.
 */
public final class FileFingerprint {
    private FileFingerprint() {
    }

    /**
     * The SHA-256 of both files' bytes (or why one cannot be read): what a file change is compared
     * by. Read like {@code loader} reads them: regular files only, within its size limits and the
     * read deadline, so a FIFO, a device or an oversize file at either path is refused at once and
     * cannot hold up the reload thread.
     */
    public static String fingerprint(EngineLoader loader, Path registry, Path policy) {
        if (registry == null) {
            // A URL source: the snapshot is the poller's to compare, the policy file (if any) is ours.
            return policy == null ? "" : sha256(policy, PolicyReader.MAX_BYTES);
        }
        return sha256(registry, loader.maxRegistryBytes()) + " " + besideRegistry(loader, registry, policy);
    }

    /** The fingerprint's part after the registry's: the policy's hash and, with signatures required, the .sig's. */
    private static String besideRegistry(EngineLoader loader, Path registry, Path policy) {
        String beside = sha256(policy, PolicyReader.MAX_BYTES);
        // With signatures required, a .sig replaced after its snapshot is a change to load, or a
        // rejected mismatched pair would wait for the next unrelated change.
        return loader.signers() == null ? beside
                : beside + " " + sha256(SnapshotSigners.signatureOf(registry), SnapshotSigners.MAX_SIGNATURE_BYTES);
    }

    /**
     * Begins the fingerprint of a pair about to be loaded from files: their identity is taken and
     * the policy (and, with signatures required, the signature) hashed now, before the load reads
     * them; the registry's bytes are hashed by the load itself, into {@link Started#registryBytes()},
     * so the large file is read once and hashed on its reading thread.
     */
    public static Started start(EngineLoader loader, Path registry, Path policy) {
        Objects.requireNonNull(registry, "registry is null: a URL source's snapshot is the poller's to compare");
        String identity = identity(loader, registry, policy);
        return new Started(identity, besideRegistry(loader, registry, policy), FileDigest.sha256());
    }

    /**
     * What {@link Started#finish} gives when the load did not read the registry file to its end (it
     * was missing, refused before it was read, or failed to read): unlike any fingerprint, so the
     * next change event or identity change reloads. Hashing the file after the load instead could
     * record bytes written since, which would then never load.
     */
    static final String NOT_READ = "(the registry file was not read to its end)";

    /**
     * A fingerprint whose registry part the load takes ({@link #start}).
     *
     * @param identity the files' identity ({@link #identity}) before the load
     */
    public record Started(String identity, String beside, FileDigest registryBytes) {
        /** The same string {@link #fingerprint} gives for the bytes the load read, or {@link #NOT_READ}. */
        public String finish() {
            return registryBytes.hex().map(registry -> registry + " " + beside).orElse(NOT_READ);
        }
    }

    private static String sha256(Path file, long maxBytes) {
        try (InputStream in = RegularFile.open(file, maxBytes, RegularFile.DEFAULT_DEADLINE)) {
            MessageDigest md = Sha256.newDigest();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getClass().getSimpleName() + ":" + Objects.toString(e.getMessage());
        }
    }

    /** What the poll compares first, cheaply: each file's path after symlinks, file key, size and mtime. */
    static String identity(EngineLoader loader, Path registry, Path policy) {
        if (registry == null) {
            return policy == null ? "" : identity(policy);
        }
        String files = identity(registry) + " " + identity(policy);
        return loader.signers() == null ? files : files + " " + identity(SnapshotSigners.signatureOf(registry));
    }

    private static String identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file.toRealPath() + "|" + a.fileKey() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "unreadable:" + e.getClass().getSimpleName();
        }
    }
}
