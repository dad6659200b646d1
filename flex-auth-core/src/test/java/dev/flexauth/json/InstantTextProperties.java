package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The decision log's timestamp is {@link Instant#toString()}, whatever the instant and whatever came before. */
class InstantTextProperties {

    @Property
    void formatsAsInstantToString(@ForAll("instants") Instant t, @ForAll("instants") Instant before) {
        InstantText.format(before);

        assertEquals(t.toString(), InstantText.format(t));
        // The same second again, from the kept text.
        Instant sameSecond = Instant.ofEpochSecond(t.getEpochSecond(), (t.getNano() + 1_000) % 1_000_000_000);
        assertEquals(sameSecond.toString(), InstantText.format(sameSecond));
    }

    @Provide
    Arbitrary<Instant> instants() {
        Arbitrary<Long> seconds = Arbitraries.oneOf(
                Arbitraries.longs().between(1_700_000_000L, 1_900_000_000L),
                Arbitraries.longs().between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                // Around the ends of the kept range: years 0000 and 9999.
                Arbitraries.longs().between(-62_167_219_300L, -62_167_219_100L),
                Arbitraries.longs().between(253_402_300_700L, 253_402_300_900L));
        Arbitrary<Integer> nanos = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 999_999_999),
                Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                Arbitraries.of(0, 1, 10, 100_000_000, 1_000, 1_000_000));
        return seconds.flatMap(s -> nanos.map(n -> Instant.ofEpochSecond(s, n)));
    }
}
