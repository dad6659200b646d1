package dev.flexauth.registry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the SSH wire encoding (RFC 4251 section 5: {@code uint32}, {@code string}, {@code mpint})
 * from a byte array, refusing any length that runs past the end. Every failure is a
 * {@link Malformed} that names the field being read.
 */
final class SshReader {
    private final byte[] bytes;
    private int at;

    SshReader(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The input cannot be read as the expected structure. */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    byte[] raw(int n, String field) throws Malformed {
        if (n < 0 || n > bytes.length - at) {
            throw new Malformed("truncated at " + field + " (byte " + at + ": " + n + " bytes needed, "
                    + (bytes.length - at) + " left)");
        }
        byte[] out = Arrays.copyOfRange(bytes, at, at + n);
        at += n;
        return out;
    }

    long uint32(String field) throws Malformed {
        byte[] b = raw(4, field);
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    byte[] string(String field) throws Malformed {
        long n = uint32(field + " length");
        if (n > bytes.length - at) {
            throw new Malformed("truncated at " + field + " (byte " + at + ": " + n + " bytes announced, "
                    + (bytes.length - at) + " left)");
        }
        return raw((int) n, field);
    }

    /** A string that must be printable ASCII (names and namespaces). */
    String text(String field) throws Malformed {
        byte[] b = string(field);
        for (byte c : b) {
            if (c < 0x20 || c > 0x7E) {
                throw new Malformed(field + " is not printable ASCII");
            }
        }
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** A non-negative mpint; a negative one is malformed wherever SSH uses them for keys and signatures. */
    BigInteger mpint(String field) throws Malformed {
        byte[] b = string(field);
        if (b.length > 0 && b[0] < 0) {
            throw new Malformed(field + " is negative");
        }
        return new BigInteger(1, b);
    }

    void end(String what) throws Malformed {
        if (at != bytes.length) {
            throw new Malformed((bytes.length - at) + " unexpected bytes after the end of " + what);
        }
    }
}
