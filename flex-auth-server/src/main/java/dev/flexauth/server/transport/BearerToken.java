package dev.flexauth.server.transport;

import dev.flexauth.internal.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A bearer token read from a file (surrounding whitespace trimmed) and compared in constant time:
 * both sides are hashed with SHA-256 first, so neither the content nor the length of the expected
 * token shows in how long a comparison takes. The token itself is kept only as its hash.
 * Immutable and thread-safe.
 */
public final class BearerToken {
    private static final int MAX_FILE_BYTES = 4096;

    private final byte[] hash;

    private BearerToken(byte[] hash) {
        this.hash = hash;
    }

    /**
     * Reads the token in {@code file}.
     *
     * @param option the command-line option naming the file, for the messages
     * @throws IllegalArgumentException with a message saying what is wrong with the file
     */
    public static BearerToken read(Path file, String option) {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new IllegalArgumentException(option + " " + file + ": expected a token file of at most "
                        + MAX_FILE_BYTES + " bytes but found " + Files.size(file) + "; it should hold only the token");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read the token file ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        String token = new String(bytes, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
            throw new IllegalArgumentException(option + " " + file + ": the token file is empty; write the token into it");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(option + " " + file
                    + ": expected one token of printable ASCII without spaces or line breaks, as sent in an Authorization header");
        }
        return new BearerToken(Sha256.of(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether {@code authorization} (the header value, or null) is {@code Bearer <this token>}. */
    boolean accepts(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(hash, Sha256.of(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether both tokens are the same, which would let one open the other's endpoints. */
    public boolean sameAs(BearerToken other) {
        return MessageDigest.isEqual(hash, other.hash);
    }
}
