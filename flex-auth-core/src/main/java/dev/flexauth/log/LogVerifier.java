package dev.flexauth.log;

import dev.flexauth.log.VerifyReport.Finding;
import dev.flexauth.log.VerifyReport.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the hash chain of decision log files written by {@link DecisionLog}: one file, or
 * several in rotation order (oldest first) across which the chain continues. Files are streamed,
 * so their size does not matter; a line longer than 1 MiB is reported as malformed.
 *
 * <p>Without a key, the chain detects edited, deleted, inserted and reordered lines, but not lines
 * cut off the end of the newest file, and not a log rewritten by someone who recomputes the
 * hashes after their change. With the log's {@link LogKey}s, every checkpoint's MAC is checked
 * too: a change before a checkpoint whose chain was recomputed no longer matches the head the
 * checkpoint signed; lines after the last checkpoint are reported as an unverified tail with
 * their count, a log that does not end with a close checkpoint as not closed, and lines that a
 * reopening writer found after the last checkpoint as not vouched (see {@link VerifyReport}).
 * Thread-safe: each call works on its own state.
 */
public final class LogVerifier {

    private final Map<String, LogKey> keys = new LinkedHashMap<>();
    private final List<Finding> findings = new ArrayList<>();
    private long checked;
    private long firstSeq;
    private long lastSeq;
    private boolean genesis;
    private String lastChain;
    private Path lastFile;
    private long lastLine;
    private long checkpoints;
    private Path checkpointFile;
    private long checkpointLine;
    private String checkpointReason;
    private long uncovered;
    private Path uncoveredFile;
    private long uncoveredLine;

    private LogVerifier(List<LogKey> keys) {
        keys.forEach(k -> this.keys.put(k.id(), k));
    }

    /**
     * Verifies the chain of {@code files} in the order given (oldest first), without a key.
     *
     * @throws IOException if a file cannot be read
     */
    public static VerifyReport verify(Path... files) throws IOException {
        return verify(List.of(), List.of(files));
    }

    /**
     * Verifies {@code files} in the order given (oldest first), and with at least one key also
     * their checkpoints: give every key the files' checkpoints were made with (after a key change,
     * the old and the new).
     *
     * @throws IOException if a file cannot be read
     */
    public static VerifyReport verify(List<LogKey> keys, List<Path> files) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("expected at least one decision log file but found none");
        }
        LogVerifier verifier = new LogVerifier(keys);
        boolean intact = true;
        for (Path file : files) {
            if (!verifier.verifyFile(file)) {
                intact = false;
                break;
            }
        }
        if (intact && !keys.isEmpty()) {
            verifier.checkEnd();
        }
        return new VerifyReport(files, verifier.checked, verifier.firstSeq, verifier.lastSeq,
                verifier.genesis, !keys.isEmpty(), verifier.checkpoints, verifier.findings);
    }

    /** Returns false after the first problem. */
    private boolean verifyFile(Path file) throws IOException {
        try (LineReader lines = new LineReader(Files.newInputStream(file))) {
            for (long number = 1; lines.next(); number++) {
                if (lines.tooLong()) {
                    findings.add(new Finding(file, number, Kind.MALFORMED, Messages.lineTooLong()));
                    return false;
                }
                if (!lines.terminated() && LineFormat.isCutRecord(lines.bytes(), lines.length())) {
                    findings.add(new Finding(file, number, Kind.TORN_FINAL_LINE, Messages.cutRecord(lines.length())));
                    return true;
                }
                Finding problem = check(file, number, lines.bytes(), lines.length());
                if (problem != null) {
                    findings.add(problem);
                    return false;
                }
            }
        }
        return true;
    }

    private Finding check(Path file, long number, byte[] line, int length) {
        LineFormat.Parsed record;
        try {
            record = LineFormat.parse(line, length);
        } catch (LineFormat.BadLine e) {
            return new Finding(file, number, e.kind, e.getMessage());
        }
        String computed = LineFormat.sha256Hex(line, 0, record.prefixLength());
        if (!computed.equals(record.chain())) {
            return new Finding(file, number, Kind.CHAIN_MISMATCH, Messages.chainMismatch(record.chain(), computed));
        }
        if (lastChain == null) {
            genesis = record.prev().equals(LineFormat.GENESIS);
            if (genesis && record.seq() != 1) {
                return new Finding(file, number, Kind.SEQ_GAP, Messages.genesisSeq(record.seq()));
            }
            firstSeq = record.seq();
        } else if (!record.prev().equals(lastChain)) {
            String message = file.equals(lastFile)
                    ? Messages.prevMismatch("line " + lastLine, lastChain, record.prev())
                    : Messages.prevMismatchAcrossFiles(lastFile, lastLine, lastChain, record.prev());
            return new Finding(file, number, Kind.PREV_MISMATCH, message);
        } else if (record.seq() != lastSeq + 1) {
            return new Finding(file, number, Kind.SEQ_GAP, Messages.seqGap(lastSeq + 1, record.seq()));
        }
        if (Checkpoint.isCheckpoint(line, length)) {
            Finding problem = checkpoint(file, number, line, length, record);
            if (problem != null) {
                return problem;
            }
        } else if (uncovered++ == 0) {
            uncoveredFile = file;
            uncoveredLine = number;
        }
        checked++;
        lastSeq = record.seq();
        lastChain = record.chain();
        lastFile = file;
        lastLine = number;
        return null;
    }

    /** Checks a checkpoint against the keys (none: counts it) and moves the covered mark to it. */
    private Finding checkpoint(Path file, long number, byte[] line, int length, LineFormat.Parsed record) {
        if (keys.isEmpty()) {
            checkpoints++;
            return null;
        }
        Checkpoint.Parsed c;
        try {
            c = Checkpoint.parse(line, length, record);
        } catch (LineFormat.BadLine e) {
            return new Finding(file, number, e.kind, e.getMessage());
        }
        LogKey key = keys.get(c.keyId());
        if (key == null) {
            return new Finding(file, number, Kind.UNKNOWN_KEY, Messages.unknownKey(c.keyId(), keys.keySet()));
        }
        if (!Checkpoint.verifies(line, c, key)) {
            return new Finding(file, number, Kind.CHECKPOINT_MISMATCH, Messages.checkpointMacMismatch(key.id()));
        }
        if (!c.head().equals(record.prev()) || c.lines() != record.seq() - 1) {
            return new Finding(file, number, Kind.CHECKPOINT_MISMATCH,
                    Messages.checkpointCountsMismatch(c.lines(), c.head(), record.seq(), record.prev()));
        }
        if (c.reason().equals(Checkpoint.Reason.OPEN.label()) && uncovered > 0) {
            findings.add(new Finding(uncoveredFile, uncoveredLine, Kind.UNVOUCHED_LINES,
                    Messages.unvouched(uncovered, file, number)));
        }
        checkpoints++;
        uncovered = 0;
        checkpointFile = file;
        checkpointLine = number;
        checkpointReason = c.reason();
        return null;
    }

    /** With keys: what is not covered at the end of the newest file. */
    private void checkEnd() {
        if (uncovered > 0) {
            findings.add(new Finding(uncoveredFile, uncoveredLine, Kind.UNVERIFIED_TAIL, checkpointFile == null
                    ? Messages.noCheckpoint(uncovered)
                    : Messages.unverifiedTail(uncovered, checkpointFile, checkpointLine)));
        } else if (checkpointFile != null && !checkpointReason.equals(Checkpoint.Reason.CLOSE.label())) {
            findings.add(new Finding(checkpointFile, checkpointLine, Kind.NOT_CLOSED, Messages.notClosed(checkpointReason)));
        }
    }
}
