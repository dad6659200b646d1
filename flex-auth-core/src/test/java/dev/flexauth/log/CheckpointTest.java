package dev.flexauth.log;

import static dev.flexauth.log.TestLogs.chainOf;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.log.VerifyReport.Finding;
import dev.flexauth.log.VerifyReport.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints against the forgeries an attacker who can write the log file but lacks the
 * key would try. Each forgery is made the attacker's way, recomputing the unkeyed chain (so the
 * keyless verifier is fooled, which each test shows first), and the keyed report is asserted word
 * for word.
 */
class CheckpointTest {
    private static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");
    private static final LogKey KEY = LogKey.of("0123456789abcdef0123456789abcdef".getBytes(UTF_8));
    private static final LogKey OTHER = LogKey.of("fedcba9876543210fedcba9876543210".getBytes(UTF_8));

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private Path path;
    /** Seven decisions, a checkpoint after every two: lines d1 d2 c3 d4 d5 c6 d7 d8 c9 d10 c11 (close). */
    private List<String> lines;

    @BeforeEach
    void writeAKeyedLog() {
        path = dir.resolve("decisions.jsonl");
        try (DecisionLog log = open()) {
            for (int i = 1; i <= 7; i++) {
                log.append(TestLogs.body(i).getBytes(UTF_8));
            }
        }
        lines = TestLogs.read(path);
    }

    private DecisionLog open() {
        return DecisionLog.builder(path).clock(clock).key(KEY).checkpointEvery(2, Duration.ofHours(1)).open();
    }

    private Path forged(List<String> content) {
        return TestLogs.write(dir.resolve("forged.jsonl"), content);
    }

    private static VerifyReport keyed(Path file) throws IOException {
        return LogVerifier.verify(List.of(KEY), List.of(file));
    }

    private static final String MAC_MISMATCH = "the checkpoint's MAC does not verify with key " + KEY.id()
            + ": the checkpoint was forged, or edited to fit lines changed before it";

    private static String abbreviated(String hex) {
        return hex.substring(0, 16) + "...";
    }

    private static void assertFooledWithoutKey(Path file) throws IOException {
        VerifyReport unkeyed = LogVerifier.verify(file);
        assertTrue(unkeyed.ok(), "the forgery must pass the unkeyed chain, or it tests nothing: " + unkeyed.summary());
    }

    @Test
    void theWriterPutsCheckpointsEveryNLinesAndAtClose() throws IOException {
        List<String> reasons = new ArrayList<>();
        for (String line : lines) {
            reasons.add(line.contains("\"event\":\"checkpoint\"")
                    ? line.substring(line.indexOf("\"reason\":\"") + 10, line.indexOf("\",\"lines\"")) : "decision");
        }
        VerifyReport report = keyed(path);
        assertAll(report.summary(),
                () -> assertEquals(List.of("decision", "decision", "lines", "decision", "decision", "lines", "decision",
                        "decision", "lines", "decision", "close"), reasons),
                () -> assertEquals("{\"seq\":3,\"time\":\"2026-12-07T04:00:00Z\",\"event\":\"checkpoint\",\"reason\":\"lines\","
                        + "\"lines\":2,\"head\":\"" + chainOf(lines.get(1)) + "\",\"key\":\"" + KEY.id() + "\",\"mac\":\"",
                        lines.get(2).substring(0, lines.get(2).indexOf("\"mac\":\"") + 7)),
                () -> assertTrue(report.complete()),
                () -> assertEquals("ok: 11 lines verified (seq 1..11, starting at genesis)\ncheckpoints: 4 verified",
                        report.summary()));
    }

    @Test
    void aKeylessVerifierSeesCheckpointsAsRecordsAndSaysItDidNotCheckThem() throws IOException {
        VerifyReport report = LogVerifier.verify(path);
        assertEquals("ok: 11 lines verified (seq 1..11, starting at genesis)\n"
                + "checkpoints: 4 not verified (give the log key to verify them)", report.summary());
    }

    @Test
    void forgery1AnEditedLineWithTheChainRecomputedFailsTheNextCheckpoint() throws IOException {
        List<String> edited = new ArrayList<>(lines);
        edited.set(3, edited.get(3).replace("\"effect\":\"allow\"", "\"effect\":\"deny\""));
        List<String> forgedLines = TestLogs.rechain(edited, 1, LineFormat.GENESIS);
        Path file = forged(forgedLines);
        assertFooledWithoutKey(file);

        VerifyReport report = keyed(file);
        assertEquals(new Finding(file, 6, Kind.CHECKPOINT_MISMATCH, "the checkpoint signs chain head "
                + abbreviated(chainOf(lines.get(4))) + " after 5 lines, but the lines before it end at chain "
                + abbreviated(chainOf(forgedLines.get(4))) + " after 5 lines: a line before it was edited, deleted or"
                + " inserted and the chain recomputed"), report.firstProblem().orElseThrow());
        assertEquals("FAILED: 5 lines verified (seq 1..5, starting at genesis)\ncheckpoints: 1 verified\n"
                + report.firstProblem().orElseThrow().describe(), report.summary());
    }

    @Test
    void forgery1bAnEditedLineWhoseNextCheckpointWasRewrittenToMatchFailsItsMac() throws IOException {
        List<String> edited = new ArrayList<>(lines);
        edited.set(3, edited.get(3).replace("\"effect\":\"allow\"", "\"effect\":\"deny\""));
        List<String> rechained = TestLogs.rechain(edited, 1, LineFormat.GENESIS);
        edited.set(5, edited.get(5).replace(chainOf(lines.get(4)), chainOf(rechained.get(4))));
        Path file = forged(TestLogs.rechain(edited, 1, LineFormat.GENESIS));
        assertFooledWithoutKey(file);

        assertEquals(new Finding(file, 6, Kind.CHECKPOINT_MISMATCH, MAC_MISMATCH), keyed(file).firstProblem().orElseThrow());
    }

    @Test
    void forgery2LinesAppendedAfterTheLastCheckpointAreAnUnverifiedTailWithTheirCount() throws IOException {
        List<String> appended = new ArrayList<>(lines);
        appended.addAll(TestLogs.rechain(List.of(lines.get(0), lines.get(1), lines.get(3)), 12, chainOf(lines.get(10))));
        Path file = forged(appended);
        assertFooledWithoutKey(file);

        VerifyReport report = keyed(file);
        assertAll(report.summary(),
                () -> assertTrue(report.ok(), "nothing proves tampering"),
                () -> assertFalse(report.complete()),
                () -> assertEquals("INCOMPLETE: 14 lines verified (seq 1..14, starting at genesis)\ncheckpoints: 4 verified\n"
                        + file + ":12: unverified_tail: 3 lines after the last checkpoint (" + file + ":11) are not covered"
                        + " by one: lines a running server wrote since, the last lines before a crash, or forged lines;"
                        + " verify again after the next checkpoint", report.summary()));
    }

    @Test
    void forgery2bAForgedCheckpointAfterTheForgedLinesDoesNotVerify() throws IOException {
        List<String> appended = new ArrayList<>(lines);
        String fakeClose = lines.get(10).replace("\"lines\":10,", "\"lines\":12,");
        appended.addAll(TestLogs.rechain(List.of(lines.get(0), fakeClose), 12, chainOf(lines.get(10))));
        Path file = forged(appended);
        assertFooledWithoutKey(file);

        assertEquals(new Finding(file, 13, Kind.CHECKPOINT_MISMATCH, MAC_MISMATCH), keyed(file).firstProblem().orElseThrow());
    }

    @Test
    void forgery3ADeletedLineWithTheChainRecomputedFailsTheNextCheckpoint() throws IOException {
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(4);
        Path file = forged(TestLogs.rechain(deleted, 1, LineFormat.GENESIS));
        assertFooledWithoutKey(file);

        VerifyReport report = keyed(file);
        assertEquals(new Finding(file, 5, Kind.CHECKPOINT_MISMATCH, MAC_MISMATCH), report.firstProblem().orElseThrow());
        assertEquals("FAILED: 4 lines verified (seq 1..4, starting at genesis)\ncheckpoints: 1 verified\n"
                + report.firstProblem().orElseThrow().describe(), report.summary());
    }

    @Test
    void forgery3bADeletedCheckpointWithTheChainRecomputedFailsTheNextOne() throws IOException {
        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(2);
        Path file = forged(TestLogs.rechain(deleted, 1, LineFormat.GENESIS));
        assertFooledWithoutKey(file);

        assertEquals(new Finding(file, 5, Kind.CHECKPOINT_MISMATCH, MAC_MISMATCH), keyed(file).firstProblem().orElseThrow());
    }

    @Test
    void forgery4TruncationToARunningCheckpointSaysTheLogWasNotClosed() throws IOException {
        Path file = forged(lines.subList(0, 9));
        assertFooledWithoutKey(file);

        VerifyReport report = keyed(file);
        assertAll(report.summary(),
                () -> assertFalse(report.complete()),
                () -> assertEquals("INCOMPLETE: 9 lines verified (seq 1..9, starting at genesis)\ncheckpoints: 3 verified\n"
                        + file + ":9: not_closed: the log ends with a checkpoint written while running (lines), not a close"
                        + " checkpoint: the server is still running or crashed, or the lines after this checkpoint were cut off",
                        report.summary()));
    }

    @Test
    void forgery4bCuttingOnlyTheCloseCheckpointLeavesAnUnverifiedTail() throws IOException {
        Path file = forged(lines.subList(0, 10));
        assertFooledWithoutKey(file);

        assertEquals(new Finding(file, 10, Kind.UNVERIFIED_TAIL, "1 line after the last checkpoint (" + file + ":9) is not"
                + " covered by one: lines a running server wrote since, the last lines before a crash, or forged lines;"
                + " verify again after the next checkpoint"), keyed(file).findings().get(0));
    }

    @Test
    void aCheckpointUnderAnotherKeyIsNamedWithTheKeysGiven() throws IOException {
        VerifyReport report = LogVerifier.verify(List.of(OTHER), List.of(path));
        assertEquals(new Finding(path, 3, Kind.UNKNOWN_KEY, "the checkpoint was made with key " + KEY.id()
                + ", which is not among the keys given (" + OTHER.id() + "): give every key the log was written with,"
                + " or the checkpoint was forged"), report.firstProblem().orElseThrow());
        assertTrue(LogVerifier.verify(List.of(OTHER, KEY), List.of(path)).complete());
    }

    @Test
    void linesForgedWhileTheServerWasStoppedAreNotVouchedByTheNextRun() throws IOException {
        List<String> appended = new ArrayList<>(lines);
        appended.addAll(TestLogs.rechain(List.of(lines.get(0), lines.get(1)), 12, chainOf(lines.get(10))));
        TestLogs.write(path, appended);
        try (DecisionLog log = open()) {
            log.append(TestLogs.body(8).getBytes(UTF_8));
        }

        VerifyReport report = keyed(path);
        List<String> after = TestLogs.read(path);
        assertAll(report.summary(),
                () -> assertTrue(after.get(13).contains("\"reason\":\"open\""), after.get(13)),
                () -> assertTrue(report.ok()),
                () -> assertFalse(report.complete()),
                () -> assertEquals(List.of(new Finding(path, 12, Kind.UNVOUCHED_LINES, "2 lines were found after the last"
                        + " checkpoint by the writer that reopened the log (open checkpoint at " + path + ":14): the last"
                        + " lines before a crash, or lines forged while the server was stopped; no key can tell which")),
                        report.findings()));
    }

    @Test
    void reopeningACleanlyClosedLogAddsNoOpenCheckpoint() throws IOException {
        try (DecisionLog log = open()) {
            log.append(TestLogs.body(8).getBytes(UTF_8));
        }
        List<String> after = TestLogs.read(path);
        assertEquals(lines.size() + 2, after.size(), "one decision and the close checkpoint");
        VerifyReport report = keyed(path);
        assertTrue(report.complete(), report::summary);
    }

    @Test
    void aCheckpointFollowsWrittenLinesOnceTheIntervalHasPassed() throws IOException {
        Path timed = dir.resolve("timed.jsonl");
        try (DecisionLog log = DecisionLog.builder(timed).clock(clock).key(KEY).checkpointEvery(1000, Duration.ofSeconds(10))
                .open()) {
            log.append(TestLogs.body(1).getBytes(UTF_8));
            clock.advance(Duration.ofSeconds(9));
            assertTrue(log.tryRecover());
            assertEquals(1, TestLogs.read(timed).size(), "not yet due");
            clock.advance(Duration.ofSeconds(1));
            assertTrue(log.tryRecover());
            assertTrue(log.tryRecover());
            assertEquals(2, TestLogs.read(timed).size(), "one checkpoint, and none while nothing new was written");
            assertEquals(new Finding(timed, 2, Kind.NOT_CLOSED, "the log ends with a checkpoint written while running (time),"
                    + " not a close checkpoint: the server is still running or crashed, or the lines after this checkpoint"
                    + " were cut off"), keyed(timed).findings().get(0));
        }
        assertTrue(keyed(timed).complete());
    }

    @Test
    void aLogWrittenWithoutAKeyHasNoCheckpointForTheKeyedVerifier() throws IOException {
        Path plain = TestLogs.write(dir.resolve("plain.jsonl"), TestLogs.chain(1, 5));
        assertEquals(new Finding(plain, 1, Kind.UNVERIFIED_TAIL, "no checkpoint covers any of the 5 lines: the log was"
                + " written without a key, or its checkpoints were cut off"), keyed(plain).findings().get(0));
    }

    @Test
    void aKeyFileMustBeLongAndPrivate() throws IOException {
        Path shortKey = Files.write(dir.resolve("short.key"), new byte[16]);
        Files.setPosixFilePermissions(shortKey, PosixFilePermissions.fromString("rw-------"));
        Path shared = Files.write(dir.resolve("shared.key"), new byte[32]);
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
        Path good = Files.write(dir.resolve("good.key"), "0123456789abcdef0123456789abcdef".getBytes(UTF_8));
        Files.setPosixFilePermissions(good, PosixFilePermissions.fromString("r--------"));

        assertAll(
                () -> assertEquals("log key " + shortKey + " holds 16 bytes; expected at least 32 random bytes, e.g. head -c 32"
                        + " /dev/urandom > " + shortKey, assertThrows(LogKeyException.class, () -> LogKey.read(shortKey)).getMessage()),
                () -> assertEquals("log key " + shared + " is readable or writable by group or others (rw-r--r--); whoever"
                        + " can read it can forge checkpoints: run chmod 600 " + shared,
                        assertThrows(LogKeyException.class, () -> LogKey.read(shared)).getMessage()),
                () -> assertEquals("log key " + dir.resolve("none.key") + " not found; create one with: head -c 32 /dev/urandom > "
                        + dir.resolve("none.key") + " && chmod 600 " + dir.resolve("none.key"),
                        assertThrows(LogKeyException.class, () -> LogKey.read(dir.resolve("none.key"))).getMessage()),
                () -> assertEquals(KEY.id(), LogKey.read(good).id()));
    }
}
