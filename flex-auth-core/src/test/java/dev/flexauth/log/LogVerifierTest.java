package dev.flexauth.log;

import static dev.flexauth.log.TestLogs.chain;
import static dev.flexauth.log.TestLogs.chainOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.log.VerifyReport.Finding;
import dev.flexauth.log.VerifyReport.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogVerifierTest {

    @TempDir
    Path dir;

    private Path log(List<String> lines) {
        return TestLogs.write(dir.resolve("decisions.jsonl"), lines);
    }

    private static Finding problem(VerifyReport report) {
        assertFalse(report.ok(), report::summary);
        return report.firstProblem().orElseThrow();
    }

    private static String abbreviated(String hex) {
        return hex.substring(0, 16) + "...";
    }

    @Test
    void anIntactLogVerifiesFromGenesis() throws IOException {
        VerifyReport report = LogVerifier.verify(log(chain(1, 5)));

        assertTrue(report.ok());
        assertEquals(5, report.linesChecked());
        assertEquals(1, report.firstSeq());
        assertEquals(5, report.lastSeq());
        assertTrue(report.startsAtGenesis());
        assertEquals(List.of(), report.findings());
        assertEquals("ok: 5 lines verified (seq 1..5, starting at genesis)", report.summary());
    }

    @Test
    void anEditedLineBreaksItsOwnChain() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 5));
        String edited = lines.get(2).replace("\"effect\":\"allow\"", "\"effect\":\"alloW\"");
        lines.set(2, edited);
        Path file = log(lines);

        Finding problem = problem(LogVerifier.verify(file));

        String recomputed = TestLogs.sha256Hex(edited.substring(0, edited.length() - 77));
        assertEquals(new Finding(file, 3, Kind.CHAIN_MISMATCH, "chain is " + abbreviated(chainOf(edited))
                + " but the SHA-256 of the line is " + abbreviated(recomputed)
                + ": the line was edited after it was written"), problem);
        assertEquals(file + ":3: chain_mismatch: " + problem.message(), problem.describe());
    }

    @Test
    void aDeletedLineBreaksTheLinkOfTheLineAfterIt() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 5));
        String deleted = lines.remove(2);
        Path file = log(lines);

        VerifyReport report = LogVerifier.verify(file);

        assertEquals(new Finding(file, 3, Kind.PREV_MISMATCH, "prev does not match the chain of line 2 (expected "
                + abbreviated(chainOf(lines.get(1))) + ", found " + abbreviated(chainOf(deleted))
                + "): a line was deleted, inserted or reordered here"), problem(report));
        assertEquals(2, report.linesChecked());
    }

    @Test
    void swappedLinesAreReportedAtTheFirstOfThem() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 5));
        Collections.swap(lines, 1, 2);

        Finding problem = problem(LogVerifier.verify(log(lines)));

        assertEquals(Kind.PREV_MISMATCH, problem.kind());
        assertEquals(2, problem.line());
    }

    @Test
    void anInsertedCopyOfAnEarlierLineIsReportedWhereItStands() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 5));
        lines.add(4, lines.get(1));

        Finding problem = problem(LogVerifier.verify(log(lines)));

        assertEquals(Kind.PREV_MISMATCH, problem.kind());
        assertEquals(5, problem.line());
    }

    @Test
    void aFinalLineCutShortIsATornTailNotTampering() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 5));
        lines.set(4, lines.get(4).substring(0, 100));
        Path file = log(lines);

        VerifyReport report = LogVerifier.verify(file);

        assertTrue(report.ok(), report::summary);
        assertTrue(report.tornTail());
        assertEquals(4, report.linesChecked());
        assertEquals(List.of(new Finding(file, 5, Kind.TORN_FINAL_LINE, "the last line ends after 100 bytes"
                + " without a newline, inside a record: the writer stopped while writing it (a crash or a full disk);"
                + " it is not part of the chain, and the writer moves it to a .torn- file when it reopens the log")),
                report.findings());
    }

    @Test
    void finalBytesWithoutNewlineThatAreNotARecordAreAProblem() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 2));
        lines.add("{\"seq\":3}x");

        Finding problem = problem(LogVerifier.verify(log(lines)));

        assertEquals(Kind.NOT_JSON, problem.kind());
        assertEquals(3, problem.line());
    }

    @Test
    void aLineThatIsNotJsonIsReportedAsSuch() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 3));
        lines.set(1, "hello\n");
        Path file = log(lines);

        assertEquals(new Finding(file, 2, Kind.NOT_JSON, "not JSON at byte 6 (Unrecognized token 'hello': was"
                + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')):"
                + " the line was damaged or does not belong to a decision log"), problem(LogVerifier.verify(file)));
    }

    @Test
    void jsonThatIsNotARecordIsMalformed() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 3));
        lines.set(2, "{\"effect\":\"allow\"}\n");
        Path file = log(lines);

        assertEquals(new Finding(file, 3, Kind.MALFORMED, "expected a record {\"seq\":<n>,...,\"prev\":\"<64 hex>\","
                + "\"chain\":\"<64 hex>\"} but it does not start with {\"seq\":: the line was damaged or edited"),
                problem(LogVerifier.verify(file)));
    }

    @Test
    void anEmptyLineIsMalformed() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 3));
        lines.add(1, "\n");

        Finding problem = problem(LogVerifier.verify(log(lines)));

        assertEquals(Kind.MALFORMED, problem.kind());
        assertEquals(2, problem.line());
        assertTrue(problem.message().contains("but the line is empty"), problem.message());
    }

    @Test
    void aLineOverOneMebibyteIsMalformedWithoutBeingHeldWhole() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 2));
        lines.add("x".repeat(LineFormat.MAX_LINE_BYTES + 1) + "\n");
        Path file = log(lines);

        assertEquals(new Finding(file, 3, Kind.MALFORMED, "expected a record {\"seq\":<n>,...,\"prev\":\"<64 hex>\","
                + "\"chain\":\"<64 hex>\"} but the line is longer than 1048576 bytes: the line was damaged or edited"),
                problem(LogVerifier.verify(file)));
    }

    @Test
    void linesThatLinkUpButSkipASeqAreASeqGap() throws IOException {
        List<String> lines = new ArrayList<>(chain(1, 2));
        lines.addAll(chain(4, 4, chainOf(lines.get(1))));
        Path file = log(lines);

        assertEquals(new Finding(file, 3, Kind.SEQ_GAP, "expected seq 3 but found 4: the hashes link up,"
                + " so the lines were renumbered and the log rewritten"), problem(LogVerifier.verify(file)));
    }

    @Test
    void aChainFromGenesisMustStartAtSeqOne() throws IOException {
        Finding problem = problem(LogVerifier.verify(log(chain(2, 3))));

        assertEquals(Kind.SEQ_GAP, problem.kind());
        assertEquals(1, problem.line());
    }

    @Test
    void rotatedFilesVerifyInOrderAsOneChain() throws IOException {
        List<String> lines = chain(1, 5);
        Path older = TestLogs.write(dir.resolve("decisions.jsonl.1"), lines.subList(0, 3));
        Path newer = TestLogs.write(dir.resolve("decisions.jsonl"), lines.subList(3, 5));

        VerifyReport both = LogVerifier.verify(older, newer);
        VerifyReport newerAlone = LogVerifier.verify(newer);

        assertTrue(both.ok(), both::summary);
        assertEquals(5, both.linesChecked());
        assertTrue(both.startsAtGenesis());
        assertTrue(newerAlone.ok());
        assertFalse(newerAlone.startsAtGenesis());
        assertEquals("ok: 2 lines verified (seq 4..5, continuing an earlier chain: its first lines were"
                + " rotated away, not given (pass older files first) or deleted)", newerAlone.summary());
    }

    @Test
    void rotatedFilesInTheWrongOrderAreReportedAtTheFileBoundary() throws IOException {
        List<String> lines = chain(1, 5);
        Path older = TestLogs.write(dir.resolve("decisions.jsonl.1"), lines.subList(0, 3));
        Path newer = TestLogs.write(dir.resolve("decisions.jsonl"), lines.subList(3, 5));

        VerifyReport report = LogVerifier.verify(newer, older);

        assertEquals(new Finding(older, 1, Kind.PREV_MISMATCH, "prev does not match the chain of the last line of "
                + newer + " (line 2) (expected " + abbreviated(chainOf(lines.get(4))) + ", found "
                + abbreviated(LineFormat.GENESIS) + "): a line was deleted, inserted or reordered here,"
                + " or the files are not in rotation order (oldest first)"), problem(report));
        assertEquals("FAILED: 2 lines verified (seq 4..5, continuing an earlier chain: its first lines were"
                + " rotated away, not given (pass older files first) or deleted)\n" + problem(report).describe(), report.summary());
    }

    @Test
    void anEmptyFileHasNothingToVerify() throws IOException {
        VerifyReport report = LogVerifier.verify(Files.createFile(dir.resolve("empty.jsonl")));

        assertTrue(report.ok());
        assertEquals("ok: 0 lines verified (no records)", report.summary());
    }

    @Test
    void verifyingNoFilesIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, LogVerifier::verify);
        assertEquals("expected at least one decision log file but found none", e.getMessage());
    }
}
