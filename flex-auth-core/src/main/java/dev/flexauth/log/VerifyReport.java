package dev.flexauth.log;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link LogVerifier#verify} found. {@code linesChecked} counts the records that verified
 * before the first problem; {@code firstSeq} and {@code lastSeq} are theirs (0 when none).
 * {@code startsAtGenesis} is false when the first record continues an earlier chain, i.e. the
 * files that held its head were rotated away, deleted or not given (or its first lines deleted:
 * the two cannot be told apart). {@code keyed} says whether checkpoints were verified with keys,
 * {@code checkpoints} counts the checkpoint records among the verified lines. {@code findings}
 * holds at most one problem (verification stops there: nothing after it is anchored), any cut
 * final lines, which are warnings, not tampering, and, when keyed, the lines no checkpoint covers
 * ({@link #complete()}). Immutable.
 */
public record VerifyReport(
        List<Path> files,
        long linesChecked,
        long firstSeq,
        long lastSeq,
        boolean startsAtGenesis,
        boolean keyed,
        long checkpoints,
        List<Finding> findings) {

    public VerifyReport {
        files = List.copyOf(files);
        findings = List.copyOf(findings);
    }

    /** True when every line verified; a cut final line is allowed. */
    public boolean ok() {
        return firstProblem().isEmpty();
    }

    /**
     * True when every line verified and, when keyed, every line is covered by a checkpoint and the
     * log ends with a close checkpoint.
     */
    public boolean complete() {
        return ok() && findings.stream().noneMatch(f -> f.kind().uncovered());
    }

    /** True when a file ends with a record cut short by a crash or a full disk. */
    public boolean tornTail() {
        return findings.stream().anyMatch(f -> f.kind() == Kind.TORN_FINAL_LINE);
    }

    public Optional<Finding> firstProblem() {
        return findings.stream().filter(f -> f.kind().problem()).findFirst();
    }

    /** A verdict line followed by one line per finding, for a person or a CLI. */
    public String summary() {
        return Messages.summary(this);
    }

    /** One thing found at a 1-based line of a file. */
    public record Finding(Path file, long line, Kind kind, String message) {

        public Finding {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }

        /** {@code file:line: code: message}. */
        public String describe() {
            return file + ":" + line + ": " + kind.code() + ": " + message;
        }
    }

    /** What is wrong with a line. */
    public enum Kind {
        /** The line is not JSON: damaged, or not written by this log. */
        NOT_JSON,
        /** JSON, but not a record of this format (or longer than 1 MiB). */
        MALFORMED,
        /** The line's bytes do not hash to its chain: it was edited. */
        CHAIN_MISMATCH,
        /** The line does not link to the one before: a line was deleted, inserted or reordered. */
        PREV_MISMATCH,
        /** The links hold but seq does not count up by one: the log was renumbered and rewritten. */
        SEQ_GAP,
        /**
         * A checkpoint's MAC, line count or head does not match the lines before it: a line before
         * it was edited, deleted or inserted and the chain recomputed, or the checkpoint was forged.
         */
        CHECKPOINT_MISMATCH,
        /** A checkpoint names a key that was not given: give every key the log was written with. */
        UNKNOWN_KEY,
        /** A final line without newline that is the start of a record: a crash; a warning only. */
        TORN_FINAL_LINE,
        /**
         * Keyed: lines after the last checkpoint, which no MAC covers: a running server's latest
         * lines, a crash's last lines, or forged ones.
         */
        UNVERIFIED_TAIL,
        /**
         * Keyed: lines that a writer found after the last checkpoint when it reopened the log: a
         * crash's last lines, or lines forged while the server was stopped.
         */
        UNVOUCHED_LINES,
        /**
         * Keyed: every line is covered, but the last checkpoint is not a close one: the server is
         * still running or crashed, or lines after it were cut off.
         */
        NOT_CLOSED;

        /** Whether this kind fails the check (the chain or a checkpoint is broken). */
        public boolean problem() {
            return this != TORN_FINAL_LINE && !uncovered();
        }

        /** Whether this kind means lines no checkpoint vouches for (only reported with a key). */
        public boolean uncovered() {
            return this == UNVERIFIED_TAIL || this == UNVOUCHED_LINES || this == NOT_CLOSED;
        }

        /** The snake_case code shown to people and scripts. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The {@link #code()}, as in the report. */
        @Override
        public String toString() {
            return code();
        }
    }
}
