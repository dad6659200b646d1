package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Decision ids are unique and unpredictable: the attack that broke the earlier scheme (invert the
 * SplitMix64 finaliser on one id to get the counter, then compute the next id) is run against both,
 * and succeeds only against the old one.
 */
class DecisionIdsTest {
    private static final int OBSERVED = 10_000;

    /** The earlier scheme: a counter through the SplitMix64 finaliser, no key. */
    private static long splitMix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The attacker's inverse of the finaliser: undo each xor-shift and multiply by the odd constants' inverses. */
    private static long unSplitMix(long z) {
        z = unXorShift(z, 31);
        z *= inverse(0x94d049bb133111ebL);
        z = unXorShift(z, 27);
        z *= inverse(0xbf58476d1ce4e5b9L);
        return unXorShift(z, 30);
    }

    private static long unXorShift(long y, int shift) {
        long x = y;
        for (int i = 0; i < 64 / shift + 1; i++) {
            x = y ^ (x >>> shift);
        }
        return x;
    }

    /** The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration). */
    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    /** How many of the ids after the first are predicted from the one before by the attack. */
    private static int predicted(long[] ids) {
        int hits = 0;
        for (int i = 1; i < ids.length; i++) {
            if (splitMix(unSplitMix(ids[i - 1]) + 1) == ids[i]) {
                hits++;
            }
        }
        return hits;
    }

    @Test
    void theAttackPredictsEveryIdOfTheOldScheme() {
        long start = 0x1234_5678_9abc_def0L;
        long[] old = new long[OBSERVED];
        for (int i = 0; i < OBSERVED; i++) {
            old[i] = splitMix(start + i);
        }
        assertEquals(OBSERVED - 1, predicted(old), "the attack must work on the scheme it was written for");
    }

    @Test
    void theAttackPredictsNoIdOfTheKeyedScheme() {
        DecisionIds ids = DecisionIds.random();
        long[] observed = new long[OBSERVED];
        for (int i = 0; i < OBSERVED; i++) {
            observed[i] = ids.nextId();
        }
        // A random guess is right with probability 2^-64 per id: any hit means the scheme leaks.
        assertEquals(0, predicted(observed));
    }

    @Test
    void consecutiveIdsShareNoVisibleStructure() {
        // Counters 0, 1, 2, ... under one key: neither the ids nor their differences repeat a pattern.
        DecisionIds ids = new DecisionIds(1, 2, 0);
        long[] observed = IntStream.range(0, 1000).mapToLong(i -> ids.nextId()).toArray();
        Set<Long> differences = new HashSet<>();
        int bitsSet = 0;
        for (int i = 1; i < observed.length; i++) {
            differences.add(observed[i] - observed[i - 1]);
            bitsSet += Long.bitCount(observed[i]);
        }
        double meanBits = bitsSet / (double) (observed.length - 1);
        assertAll(
                () -> assertEquals(observed.length - 1, differences.size(), "every step between ids differs"),
                () -> assertTrue(meanBits > 30 && meanBits < 34, "about half the bits set on average, was " + meanBits));
    }

    @Test
    void twoProcessesNumberTheSameCounterDifferently() {
        DecisionIds a = DecisionIds.random();
        DecisionIds b = DecisionIds.random();
        assertNotEquals(a.encrypt(0), b.encrypt(0));
    }

    @Test
    void aMillionIdsAreAllDifferent() {
        DecisionIds ids = DecisionIds.random();
        long[] observed = new long[1_000_000];
        for (int i = 0; i < observed.length; i++) {
            observed[i] = ids.nextId();
        }
        Arrays.sort(observed);
        for (int i = 1; i < observed.length; i++) {
            assertNotEquals(observed[i - 1], observed[i], "id repeated after " + observed.length + " ids");
        }
    }

    @Test
    void sipHashMatchesTheReferenceVector() {
        // From the SipHash paper's vectors.h: key 00..0f, message 00..07, output 62 24 93 9a 79 f5 f5 93.
        assertEquals(0x93f5f5799a932462L, DecisionIds.sipHash24(0x0706050403020100L, 0x0f0e0d0c0b0a0908L,
                0x0706050403020100L));
    }

    @Property(tries = 2000)
    void theCipherIsAPermutation(@ForAll long k0, @ForAll long k1, @ForAll long counter) {
        DecisionIds ids = new DecisionIds(k0, k1, 0);
        assertEquals(counter, ids.decrypt(ids.encrypt(counter)));
    }

    @Test
    void theFormatIsDecisionAndSixteenLowercaseHexDigits() {
        DecisionIds ids = DecisionIds.random();
        for (int i = 0; i < 1000; i++) {
            String id = DecisionIds.format(ids.nextId());
            assertTrue(id.matches("decision:[0-9a-f]{16}"), id);
        }
        assertEquals("decision:00000000000000ff", DecisionIds.format(0xff));
    }
}
