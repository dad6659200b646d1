package dev.flexauth.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one home of SHA-256 in the core: digests of files, log lines, keys and secrets. */
public final class Sha256 {
    private static final HexFormat HEX = HexFormat.of();

    private Sha256() {
    }

    /** The SHA-256 of {@code bytes}. */
    public static byte[] of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** The SHA-256 of {@code length} bytes of {@code bytes} from {@code offset}. */
    public static byte[] of(byte[] bytes, int offset, int length) {
        MessageDigest sha = newDigest();
        sha.update(bytes, offset, length);
        return sha.digest();
    }

    /** The SHA-256 of {@code bytes}, as 64 lowercase hex digits. */
    public static String hex(byte[] bytes) {
        return HEX.formatHex(of(bytes));
    }

    /** The SHA-256 of {@code length} bytes of {@code bytes} from {@code offset}, as 64 lowercase hex digits. */
    public static String hex(byte[] bytes, int offset, int length) {
        return HEX.formatHex(of(bytes, offset, length));
    }

    /** A fresh SHA-256 {@link MessageDigest}, for a digest fed in pieces. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
