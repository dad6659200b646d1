package dev.flexauth.log;

import dev.flexauth.log.VerifyReport.Finding;
import dev.flexauth.log.VerifyReport.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks the hash chain of decision log files written by {@link DecisionLog}: one file, or
 * several in rotation order (oldest first) across which the chain continues. Files are streamed,
 * so their size does not matter; a line longer than 1 MiB is reported as malformed. The chain
 * detects edited, deleted, inserted and reordered lines, but not lines cut off the end of the
 * newest file, and not a log rewritten wholesale by someone who recomputes every hash (keep a
 * copy of recent chain values elsewhere for that). Thread-safe: each call works on its own state.
 */
public final class LogVerifier {

    private final List<Finding> findings = new ArrayList<>();
    private long checked;
    private long firstSeq;
    private long lastSeq;
    private boolean genesis;
    private String lastChain;
    private Path lastFile;
    private long lastLine;

    private LogVerifier() {}

    /**
     * Verifies {@code files} in the order given (oldest first).
     *
     * @throws IOException if a file cannot be read
     */
    public static VerifyReport verify(Path... files) throws IOException {
        if (files.length == 0) {
            throw new IllegalArgumentException("expected at least one decision log file but found none");
        }
        LogVerifier verifier = new LogVerifier();
        for (Path file : files) {
            if (!verifier.verifyFile(file)) {
                break;
            }
        }
        return new VerifyReport(List.of(files), verifier.checked, verifier.firstSeq, verifier.lastSeq,
                verifier.genesis, verifier.findings);
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
        checked++;
        lastSeq = record.seq();
        lastChain = record.chain();
        lastFile = file;
        lastLine = number;
        return null;
    }
}
