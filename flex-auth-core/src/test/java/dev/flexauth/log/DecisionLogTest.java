package dev.flexauth.log;

import static dev.flexauth.log.TestLogs.sha256Hex;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flexauth.log.DecisionLog.State;
import dev.flexauth.log.DecisionLog.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionLogTest {

    private static final Instant T0 = Instant.parse("2026-11-29T16:47:25.123Z");
    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private Path path;
    private Path rotated;

    @BeforeEach
    void paths() {
        path = dir.resolve("decisions.jsonl");
        rotated = dir.resolve("decisions.jsonl.1");
    }

    private DecisionLog open() {
        return DecisionLog.builder(path).clock(clock).open();
    }

    private static byte[] body(long n) {
        return TestLogs.body(n).getBytes(UTF_8);
    }

    private static void appendAll(DecisionLog log, int count) {
        for (int i = 0; i < count; i++) {
            log.append(body(i));
        }
    }

    private static VerifyReport verified(Path... files) throws IOException {
        VerifyReport report = LogVerifier.verify(files);
        assertTrue(report.ok(), report::summary);
        assertFalse(report.tornTail(), report::summary);
        return report;
    }

    /** Makes the next file the log opens at its path fail every write with ENOSPC. */
    private void fillTheDiskAfterRotation() throws IOException {
        assumeTrue(Files.isWritable(DEV_FULL), "needs Linux's /dev/full");
        Files.move(path, rotated);
        Files.createSymbolicLink(path, DEV_FULL);
        clock.advance(Duration.ofSeconds(1));
    }

    /** The chain of the file's last line, read independently of the writer. */
    private static String lastChain(Path file) {
        List<String> lines = TestLogs.read(file);
        return TestLogs.chainOf(lines.get(lines.size() - 1));
    }

    @Test
    void writesTheDocumentedLineFormat() throws IOException {
        String first = "\"time\":\"2026-11-29T16:47:25.123Z\",\"decision_id\":\"decision:0123456789abcdef\",\"effect\":\"allow\"";
        String second = "\"time\":\"2026-11-29T16:47:25.124Z\",\"decision_id\":\"decision:fedcba9876543210\",\"effect\":\"deny\"";
        try (DecisionLog log = open()) {
            assertEquals(1, log.append(first.getBytes(UTF_8)));
            assertEquals(2, log.append(second.getBytes(UTF_8)));
        }

        String hashed1 = "{\"seq\":1," + first + ",\"prev\":\"" + "0".repeat(64) + "\"";
        String chain1 = sha256Hex(hashed1);
        String hashed2 = "{\"seq\":2," + second + ",\"prev\":\"" + chain1 + "\"";
        assertEquals(hashed1 + ",\"chain\":\"" + chain1 + "\"}\n" + hashed2 + ",\"chain\":\"" + sha256Hex(hashed2) + "\"}\n",
                Files.readString(path));
    }

    @Test
    void appendedLinesVerifyAndShowInTheStatus() throws IOException {
        try (DecisionLog log = open()) {
            appendAll(log, 50);
            assertEquals(new Status(State.OK, path, 50, 50, 0, 0, null, null, lastChain(path)), log.status());
        }
        assertEquals(50, verified(path).linesChecked());
    }

    @Test
    void reopeningAFileContinuesItsChain() throws IOException {
        try (DecisionLog log = open()) {
            appendAll(log, 3);
        }
        try (DecisionLog log = open()) {
            assertEquals(4, log.append(body(4)));
            assertEquals(5, log.append(body(5)));
            assertEquals(new Status(State.OK, path, 2, 5, 0, 0, null, null, lastChain(path)), log.status());
        }
        VerifyReport report = verified(path);
        assertEquals(5, report.linesChecked());
        assertTrue(report.startsAtGenesis());
    }

    @Test
    void aTornLastLineIsMovedAsideAndTheChainContinuesFromTheLineBeforeIt() throws IOException {
        try (DecisionLog log = open()) {
            appendAll(log, 3);
        }
        String torn = "{\"seq\":4,\"time\":\"2026-11-29T16:4";
        Files.writeString(path, torn, StandardOpenOption.APPEND);

        try (DecisionLog log = open()) {
            assertEquals(4, log.append(body(4)));
        }

        assertEquals(torn, Files.readString(dir.resolve("decisions.jsonl.torn-" + T0.toEpochMilli())));
        assertEquals(4, verified(path).linesChecked());
    }

    @Test
    void aFileWithoutACompleteLineStartsANewChain() throws IOException {
        Files.writeString(path, "{\"seq\":1,\"ti");

        try (DecisionLog log = open()) {
            assertEquals(1, log.append(body(1)));
        }

        assertTrue(verified(path).startsAtGenesis());
    }

    @Test
    void refusesToContinueAChainWhoseLastLineIsNotARecord() throws IOException {
        List<String> lines = new ArrayList<>(TestLogs.chain(1, 2));
        lines.add("{\"effect\":\"allow\"}\n");
        TestLogs.write(path, lines);

        DecisionLogException e = assertThrows(DecisionLogException.class, this::open);

        assertEquals("cannot continue the chain of decision log " + path + ": its last line is not a record (expected"
                + " a record {\"seq\":<n>,...,\"prev\":\"<64 hex>\",\"chain\":\"<64 hex>\"} but it does not start with"
                + " {\"seq\":: the line was damaged or edited); move the file aside to start a new chain, or restore"
                + " it from a backup", e.getMessage());
        assertEquals(String.join("", lines), Files.readString(path));
    }

    @Test
    void aMissingDirectoryIsReportedWhenOpening() {
        Path missing = dir.resolve("no-such-dir").resolve("decisions.jsonl");

        DecisionLogException e = assertThrows(DecisionLogException.class, () -> DecisionLog.builder(missing).open());

        assertEquals("cannot open decision log " + missing + ": NoSuchFileException " + missing
                + "; check that its directory exists and is writable", e.getMessage());
    }

    @Test
    void bodiesTheFormatCannotCarryAreRejectedAsProgrammingErrors() {
        try (DecisionLog log = open()) {
            assertEquals("expected the members of a JSON object as the record body but found no bytes",
                    assertThrows(IllegalArgumentException.class, () -> log.append(new byte[0])).getMessage());
            assertEquals("expected a record body on one line but found a line break at byte 5",
                    assertThrows(IllegalArgumentException.class, () -> log.append("\"a\":1\n".getBytes(UTF_8))).getMessage());
            assertEquals(0, log.status().refused());
        }
    }

    @Test
    void concurrentAppendersGetEverySeqExactlyOnce() throws Exception {
        Set<Long> seqs = ConcurrentHashMap.newKeySet();
        try (DecisionLog log = open()) {
            runConcurrently(8, 250, n -> seqs.add(log.append(body(n))));
            assertEquals(2000, log.status().linesWritten());
        }
        assertEquals(LongStream.rangeClosed(1, 2000).boxed().collect(Collectors.toSet()), seqs);
        assertEquals(2000, verified(path).linesChecked());
    }

    @Test
    void inFsyncModeConcurrentAppendersShareSyncs() throws Exception {
        int appends = 16 * 200;
        Set<Long> seqs = ConcurrentHashMap.newKeySet();
        long syncs;
        try (DecisionLog log = DecisionLog.builder(path).fsync(true).open()) {
            runConcurrently(16, 200, n -> seqs.add(log.append(body(n))));
            syncs = log.status().syncs();
        }
        System.out.printf("group commit: %d appends by 16 threads took %d syncs%n", appends, syncs);
        assertTrue(syncs < appends, () -> syncs + " syncs for " + appends + " appends");
        assertEquals(appends, seqs.size());
        assertEquals(appends, verified(path).linesChecked());
    }

    @Test
    void aLogThatCannotBeWrittenRefusesAppendsAndSaysWhy() {
        assumeTrue(Files.isWritable(DEV_FULL), "needs Linux's /dev/full");
        try (DecisionLog log = DecisionLog.builder(DEV_FULL).clock(clock).open()) {
            DecisionLogException first = assertThrows(DecisionLogException.class, () -> log.append(body(1)));
            DecisionLogException second = assertThrows(DecisionLogException.class, () -> log.append(body(1)));

            assertEquals("cannot write decision log /dev/full: No space left on device;"
                    + " decisions are refused until the log recovers", first.getMessage());
            assertEquals("decision log /dev/full is unavailable since " + T0 + " (" + first.getMessage() + ")",
                    second.getMessage());
            assertEquals(new Status(State.FAILED, DEV_FULL, 0, 0, 0, 2, first.getMessage(), T0, LineFormat.GENESIS), log.status());
        }
    }

    @Test
    void afterAFailureRecoveryRecordsAnEventAndTheChainContinues() throws IOException {
        DecisionLogException failure;
        try (DecisionLog log = open()) {
            appendAll(log, 3);
            fillTheDiskAfterRotation();
            failure = assertThrows(DecisionLogException.class, () -> log.append(body(4)));
            assertThrows(DecisionLogException.class, () -> log.append(body(4)));
            assertFalse(log.tryRecover(), "the disk is still full");

            Files.delete(path);
            assertTrue(log.tryRecover());
            assertEquals(new Status(State.OK, path, 4, 4, 0, 2, failure.getMessage(), null, lastChain(path)), log.status());
            assertEquals(5, log.append(body(5)));
        }

        List<String> lines = TestLogs.read(path);
        assertEquals(2, lines.size());
        String failedAt = T0.plusSeconds(1).toString();
        assertTrue(lines.get(0).startsWith("{\"seq\":4,\"time\":\"" + failedAt + "\",\"event\":\"log_recovered\","
                + "\"failed_since\":\"" + failedAt + "\",\"error\":\"" + failure.getMessage() + "\",\"refused\":2,"
                + "\"prev\":\"" + TestLogs.chainOf(TestLogs.read(rotated).get(2)) + "\""), lines.get(0));
        assertEquals(5, verified(rotated, path).linesChecked());
    }

    @Test
    void recoveryMovesAHalfWrittenLineAsideBeforeItWritesTheEvent() throws IOException {
        String partial = "{\"seq\":4,\"ti";
        try (DecisionLog log = open()) {
            appendAll(log, 3);
            fillTheDiskAfterRotation();
            assertThrows(DecisionLogException.class, () -> log.append(body(4)));

            Files.delete(path);
            Files.move(rotated, path);
            Files.writeString(path, partial, StandardOpenOption.APPEND);
            clock.advance(Duration.ofSeconds(1));
            assertEquals(5, log.append(body(5)), "the append recovers first, writing event 4");
        }

        assertEquals(partial, Files.readString(dir.resolve("decisions.jsonl.torn-" + T0.plusSeconds(2).toEpochMilli())));
        assertTrue(TestLogs.read(path).get(3).contains("\"event\":\"log_recovered\""));
        assertEquals(5, verified(path).linesChecked());
    }

    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(booleans = {false, true})
    void aFileRenamedAwayIsFollowedByANewFileAndTheChainContinues(boolean fsync) throws IOException {
        try (DecisionLog log = DecisionLog.builder(path).fsync(fsync).clock(clock).open()) {
            appendAll(log, 2);
            Files.move(path, rotated);
            assertEquals(3, log.append(body(3)), "within the check interval the renamed file still gets lines");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(4, log.append(body(4)));
        }

        assertEquals(3, TestLogs.read(rotated).size());
        assertEquals(1, TestLogs.read(path).size());
        assertEquals(4, verified(rotated, path).linesChecked());
    }

    @Test
    void tryRecoverNoticesARotationWithoutWaitingForAnAppend() throws IOException {
        try (DecisionLog log = open()) {
            appendAll(log, 1);
            Files.move(path, rotated);
            clock.advance(Duration.ofSeconds(1));

            assertTrue(log.tryRecover());

            assertEquals(0, Files.size(path));
        }
    }

    @Test
    void closeIsIdempotentAndLaterAppendsAreRefused() {
        DecisionLog log = open();
        appendAll(log, 1);
        log.close();
        log.close();

        DecisionLogException e = assertThrows(DecisionLogException.class, () -> log.append(body(2)));

        assertEquals("decision log " + path + " is closed", e.getMessage());
        assertFalse(log.tryRecover());
    }

    private interface Append {
        void run(long n) throws Exception;
    }

    private static void runConcurrently(int threads, int each, Append append) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long first = (long) t * each;
                done.add(pool.submit(() -> {
                    start.await();
                    for (long n = first; n < first + each; n++) {
                        append.run(n);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
