package dev.flexauth.engine;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decision ids: a process-wide counter with a random start, passed through a 64-bit bijection
 * (the SplitMix64 finaliser), so ids never repeat within a process and do not reveal the
 * decision rate. Formatting to {@code decision:} + 16 hex digits is left to the caller that needs it.
 */
final class DecisionIds {
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextLong());

    private DecisionIds() {
    }

    static long next() {
        long z = COUNTER.getAndIncrement();
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
