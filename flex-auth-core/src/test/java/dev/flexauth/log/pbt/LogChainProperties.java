package dev.flexauth.log.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** What holds for every log the writer can produce, whatever the record bodies. */
class LogChainProperties {

    private static Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("log-chain-properties");
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    @Property
    void everyLogTheWriterProducesVerifies(@ForAll("bodies") List<String> bodies) throws IOException {
        VerifyReport report = LogVerifier.verify(writeLog(bodies));

        assertTrue(report.ok(), report::summary);
        assertEquals(bodies.size(), report.linesChecked());
        assertTrue(report.startsAtGenesis());
    }

    @Property
    void flippingAnyByteOfACompleteLineFailsVerificationAtThatLineOrEarlier(
            @ForAll("bodies") List<String> bodies,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
            @ForAll @IntRange(min = 1, max = 255) int mask) throws IOException {
        Path file = writeLog(bodies);
        byte[] bytes = Files.readAllBytes(file);
        int at = position % bytes.length;
        long line = 1 + IntStream.range(0, at).filter(i -> bytes[i] == '\n').count();
        bytes[at] ^= (byte) mask;
        Files.write(file, bytes);

        VerifyReport report = LogVerifier.verify(file);

        assertFalse(report.ok(), () -> "flipped byte " + at + " of line " + line + " unnoticed:\n" + report.summary());
        long reported = report.firstProblem().orElseThrow().line();
        assertTrue(reported <= line, () -> "flipped line " + line + " but the problem is at " + reported);
    }

    @Property
    void aLastLineCutShortIsATornTailAndTheLinesBeforeItVerify(
            @ForAll("bodies") List<String> bodies,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) throws IOException {
        Path file = writeLog(bodies);
        byte[] bytes = Files.readAllBytes(file);
        int lastStart = lastNewlineBefore(bytes, bytes.length - 1) + 1;
        int lastLength = bytes.length - 1 - lastStart;
        Files.write(file, Arrays.copyOf(bytes, lastStart + 1 + cut % (lastLength - 1)));

        VerifyReport report = LogVerifier.verify(file);

        assertTrue(report.ok(), report::summary);
        assertTrue(report.tornTail(), report::summary);
        assertEquals(bodies.size() - 1, report.linesChecked());
    }

    /** Record bodies: the members of a JSON object, with strings of any characters. */
    @Provide
    Arbitrary<List<String>> bodies() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30).map(LogChainProperties::jsonString),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().between(-1e9, 1e9).map(String::valueOf),
                Arbitraries.of("true", "false", "null", "[]", "{}", "[1,{\"a\":[null,-0.5e-3]}]"));
        Arbitrary<String> body = value.list().ofMinSize(1).ofMaxSize(5).map(values -> IntStream
                .range(0, values.size())
                .mapToObj(i -> jsonString("k" + i) + ":" + values.get(i))
                .collect(Collectors.joining(",")));
        return body.list().ofMinSize(1).ofMaxSize(8);
    }

    private static String jsonString(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static Path writeLog(List<String> bodies) throws IOException {
        Path file = Files.createTempFile(dir, "decisions", ".jsonl");
        try (DecisionLog log = DecisionLog.builder(file).open()) {
            for (String body : bodies) {
                log.append(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }

    private static int lastNewlineBefore(byte[] bytes, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
