package dev.flexauth.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The writer's reused encoder writes exactly the line the format defines, line after line. */
class LineEncoderProperties {

    @Property
    void oneEncoderReusedForManyLinesWritesTheDefinedLines(@ForAll("seqs") long firstSeq, @ForAll("bodies") List<String> bodies) {
        LineFormat.Encoder encoder = new LineFormat.Encoder();
        String prev = LineFormat.GENESIS;
        long seq = firstSeq;
        for (String body : bodies) {
            String prefix = "{\"seq\":" + seq + "," + body + ",\"prev\":\"" + prev + "\"";
            String chain = TestLogs.sha256Hex(prefix);
            String expected = prefix + ",\"chain\":\"" + chain + "\"}\n";

            String got = encoder.encode(seq, body.getBytes(StandardCharsets.UTF_8), prev);

            assertEquals(chain, got);
            assertEquals(expected, new String(Arrays.copyOf(encoder.buffer(), encoder.length()), StandardCharsets.UTF_8));
            prev = chain;
            seq++;
        }
    }

    @Provide
    Arbitrary<Long> seqs() {
        return Arbitraries.oneOf(Arbitraries.longs().between(1, 1_000), Arbitraries.longs().between(1, 999_999_999_999_999_990L),
                Arbitraries.of(9L, 10L, 99L, 100L, 999_999L));
    }

    /** Bodies from a few bytes to past the encoder's first buffer (4 KiB), in any order, so it grows mid-run. */
    @Provide
    Arbitrary<List<String>> bodies() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars('é', '✓').excludeChars('"', '\\')
                .ofMinLength(0).ofMaxLength(6_000);
        return text.map(t -> "\"event\":\"" + t + "\"").list().ofMinSize(1).ofMaxSize(8);
    }
}
