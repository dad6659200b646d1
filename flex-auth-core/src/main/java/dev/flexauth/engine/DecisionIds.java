package dev.flexauth.engine;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decision ids: a process-wide counter encrypted by a 64-bit block cipher whose key is drawn from
 * {@link SecureRandom} at start. The cipher is a four-round balanced Feistel network on two
 * 32-bit halves whose round function is SipHash-2-4 under that key (a pseudorandom function), so
 * it is a pseudorandom permutation (Luby-Rackoff): ids never repeat within a process, because a
 * permutation of distinct counter values gives distinct ids, and without the key no number of
 * ids tells anything about the next one. (The earlier SplitMix64 finaliser was an unkeyed
 * bijection: inverting one id gave the counter, and so every later id.) Truncating a wider cipher
 * such as AES would lose the uniqueness; a keyed permutation keeps it by construction.
 * Formatting to {@code decision:} + 16 hex digits is left to the caller that needs it.
 * Thread-safe: the counter is atomic and the key immutable.
 */
final class DecisionIds {
    private static final int ROUNDS = 4;
    private static final DecisionIds PROCESS = random();

    private final long k0;
    private final long k1;
    private final AtomicLong counter;

    DecisionIds(long k0, long k1, long start) {
        this.k0 = k0;
        this.k1 = k1;
        this.counter = new AtomicLong(start);
    }

    static DecisionIds random() {
        SecureRandom random = new SecureRandom();
        return new DecisionIds(random.nextLong(), random.nextLong(), random.nextLong());
    }

    static long next() {
        return PROCESS.nextId();
    }

    long nextId() {
        return encrypt(counter.getAndIncrement());
    }

    long encrypt(long block) {
        int left = (int) (block >>> 32);
        int right = (int) block;
        for (int round = 0; round < ROUNDS; round++) {
            int next = left ^ f(round, right);
            left = right;
            right = next;
        }
        return (long) left << 32 | right & 0xffffffffL;
    }

    /** The inverse of {@link #encrypt}: what shows that ids are a permutation of the counter. */
    long decrypt(long block) {
        int left = (int) (block >>> 32);
        int right = (int) block;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            int previous = right ^ f(round, left);
            right = left;
            left = previous;
        }
        return (long) left << 32 | right & 0xffffffffL;
    }

    /** The round function: SipHash-2-4 of the round number and the half block, cut to 32 bits. */
    private int f(int round, int half) {
        return (int) sipHash24(k0, k1, (long) round << 32 | half & 0xffffffffL);
    }

    /** SipHash-2-4 (Aumasson and Bernstein) of one 8-byte little-endian message. */
    static long sipHash24(long k0, long k1, long m) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        v3 ^= m;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= m;
        // The last block holds only the length byte: 8 << 56.
        long b = 8L << 56;
        v3 ^= b;
        for (int i = 0; i < 2; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 4; i++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    static String format(long id) {
        char[] out = new char[9 + 16];
        "decision:".getChars(0, 9, out, 0);
        for (int i = 0; i < 16; i++) {
            out[9 + i] = Character.forDigit((int) (id >>> (60 - 4 * i)) & 0xf, 16);
        }
        return new String(out);
    }
}
