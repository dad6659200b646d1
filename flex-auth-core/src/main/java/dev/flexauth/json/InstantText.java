package dev.flexauth.json;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * {@link Instant#toString()}, character for character, with the date and time of day formatted
 * once per second and kept: every decision-log record carries a timestamp, and the JDK's
 * formatter was a few percent of a logged decision's CPU (docs/performance.md, issue 18). Only
 * the fraction is written per call. Years outside 0000 to 9999 (which {@code toString} writes
 * with a sign or more digits) go to the JDK. Thread-safe: the kept second is one immutable value.
 */
final class InstantText {
    private record Second(long epochSecond, String text) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private static final long FIRST = LocalDateTime.of(0, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long END = LocalDateTime.of(10_000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);

    private InstantText() {
    }

    static String format(Instant t) {
        long s = t.getEpochSecond();
        if (s < FIRST || s >= END) {
            return t.toString();
        }
        Second second = last;
        if (second.epochSecond() != s) {
            // "2026-12-07T12:01:41": toString of the whole second, less its "Z".
            String whole = Instant.ofEpochSecond(s).toString();
            second = new Second(s, whole.substring(0, whole.length() - 1));
            last = second;
        }
        int nano = t.getNano();
        StringBuilder sb = new StringBuilder(second.text().length() + 11).append(second.text());
        if (nano != 0) {
            // As the JDK's ISO_INSTANT: 3, 6 or 9 digits, the fewest that hold the value exactly.
            int value;
            int digits;
            if (nano % 1_000_000 == 0) {
                value = nano / 1_000_000;
                digits = 3;
            } else if (nano % 1_000 == 0) {
                value = nano / 1_000;
                digits = 6;
            } else {
                value = nano;
                digits = 9;
            }
            sb.append('.');
            String v = Integer.toString(value);
            for (int i = v.length(); i < digits; i++) {
                sb.append('0');
            }
            sb.append(v);
        }
        return sb.append('Z').toString();
    }
}
