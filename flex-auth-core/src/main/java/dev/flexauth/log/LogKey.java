package dev.flexauth.log;

import dev.flexauth.internal.Sha256;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that signs the decision log's checkpoints: an HMAC-SHA256 key of at least 32 bytes,
 * read from a file that only its owner may read (make one with {@code head -c 32 /dev/urandom >
 * FILE; chmod 600 FILE}). The writer ({@link DecisionLog.Builder#key}) and the verifier
 * ({@link LogVerifier#verify(java.util.List, java.util.List)}) hold the same key, so whoever can verify
 * can also sign: keep the verifying copy as safe as the server's. Its {@link #id()} names it in
 * every checkpoint without revealing it. Immutable and thread-safe.
 */
public final class LogKey {
    /** The shortest key accepted: 256 bits, the HMAC-SHA256 output size. */
    public static final int MIN_BYTES = 32;
    private static final int MAX_BYTES = 4096;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private final SecretKeySpec key;
    private final String id;

    private LogKey(byte[] bytes) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.id = "hmac-sha256:" + HexFormat.of().formatHex(Sha256.of(bytes), 0, 8);
    }

    /**
     * Reads the key from {@code file}: all its bytes are the key.
     *
     * @throws LogKeyException if the file cannot be read, is readable or writable by group or
     *     others, or holds fewer than 32 or more than 4096 bytes
     */
    public static LogKey read(Path file) throws LogKeyException {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new LogKeyException(Messages.keyTooLong(file, MAX_BYTES));
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            Set<PosixFilePermission> exposed = EnumSet.copyOf(OTHERS);
            exposed.retainAll(permissions);
            if (!exposed.isEmpty()) {
                throw new LogKeyException(Messages.keyExposed(file, PosixFilePermissions.toString(permissions)));
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                if (bytes.length < MIN_BYTES) {
                    throw new LogKeyException(Messages.keyTooShort(file, bytes.length, MIN_BYTES));
                }
                return new LogKey(bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (NoSuchFileException e) {
            throw new LogKeyException(Messages.keyMissing(file));
        } catch (AccessDeniedException e) {
            throw new LogKeyException(Messages.keyUnreadable(file, "permission denied"));
        } catch (UnsupportedOperationException e) {
            // No POSIX permissions on this file system (Windows): the owner-only check cannot apply.
            try {
                byte[] bytes = Files.readAllBytes(file);
                if (bytes.length < MIN_BYTES) {
                    throw new LogKeyException(Messages.keyTooShort(file, bytes.length, MIN_BYTES));
                }
                return new LogKey(bytes);
            } catch (IOException io) {
                throw new LogKeyException(Messages.keyUnreadable(file, io.toString()));
            }
        } catch (IOException e) {
            throw new LogKeyException(Messages.keyUnreadable(file, e.toString()));
        }
    }

    /**
     * A key from bytes held in memory (embedding, tests); the bytes are copied.
     *
     * @throws IllegalArgumentException if there are fewer than 32
     */
    public static LogKey of(byte[] bytes) {
        if (bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("expected a log key of " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes but found " + bytes.length);
        }
        return new LogKey(bytes.clone());
    }

    /** {@code hmac-sha256:} and the first 16 hex digits of the key's SHA-256: names the key, reveals nothing. */
    public String id() {
        return id;
    }

    /** The HMAC-SHA256 of {@code data[0, length)}. */
    byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every Java platform has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "LogKey[" + id + "]";
    }

}
