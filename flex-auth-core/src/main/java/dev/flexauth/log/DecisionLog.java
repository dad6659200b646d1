package dev.flexauth.log;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The tamper-evident decision log: appends one hash-chained JSONL record per call and returns
 * only once the line is in the OS (and on disk in fsync mode, where concurrent appenders share
 * one sync). Reopening a file continues its chain; a torn last line is moved to a
 * {@code .torn-<millis>} side file first. When a write or sync fails the log refuses appends
 * ({@link DecisionLogException}) until {@link #tryRecover()} can write again, and then records a
 * {@code log_recovered} event. Rotation by rename (logrotate's {@code create} mode) is noticed
 * within the rotation check interval and the chain continues in the new file; copytruncate is
 * not supported, as it would cut the chain and lose lines. With a {@link LogKey}, the log also
 * writes signed checkpoint records (see {@link Builder#key}). Defaults: no fsync, system UTC
 * clock, 1 s rotation check, no key; with a key, a checkpoint every 1,000 lines or 10 s.
 * Thread-safe. An appender interrupted during a write closes the channel (a property of
 * {@link FileChannel}); the log then fails and recovers like after a disk error.
 *
 * <p>Over 400 lines on purpose: append, group sync, failure, recovery, rotation and checkpoints
 * are one state machine under one lock, and read best in one place; the file mechanics are in
 * {@link LogFile}, the line format in {@link LineFormat}, checkpoints in {@link Checkpoint}.
 */
public final class DecisionLog implements AutoCloseable {

    /** Whether the log accepts appends. */
    public enum State { OK, FAILED }

    /**
     * A snapshot for health checks and metrics. {@code linesWritten} counts lines this process
     * wrote (and synced, in fsync mode); {@code refused} counts appends that threw.
     * {@code lastError} is the latest failure, kept after recovery (null if none yet);
     * {@code failedSince} is null while OK. {@code lastChain} is the chain value of line
     * {@code lastSeq} (64 zeros before the first line): with it, the pair is an anchor that a copy
     * kept elsewhere can later hold the file to.
     */
    public record Status(State state, Path path, long linesWritten, long lastSeq, long syncs, long refused,
            String lastError, Instant failedSince, String lastChain) {}

    private static final long RECOVERY_PAUSE_MILLIS = 1000;

    private final Path path;
    private final boolean fsync;
    private final Clock clock;
    private final long rotationCheckMillis;
    private final LogKey key;
    private final LogFile file;
    private final int checkpointLines;
    private final long checkpointMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition syncEnded = lock.newCondition();
    /** Guarded by lock, like the chain it extends. */
    private final LineFormat.Encoder encoder = new LineFormat.Encoder();

    // Guarded by lock. "written" is the end of the last line written, "acked" the end of the last
    // line whose append returned (or will return) normally: they differ only while a group sync
    // is pending, and a failure rolls the file back to "acked".
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private FileChannel channel;
    private Object fileKey;
    private Position written;
    private Position acked;
    private State state = State.OK;
    private boolean closed;
    private boolean syncing;
    private boolean rotationDue;
    private long linesWritten;
    private long syncs;
    private long refused;
    private long refusedSinceFailure;
    private long lastRotationCheck;
    private long lastRecoveryAttempt;
    private String lastError;
    private String firstError;
    private Instant failedSince;
    private long checkpointSeq;
    private long checkpointMillisAt;

    record Position(long seq, String chain, long size) {}


    /** An fsync-mode appender waiting for a sync that covers its line. */
    private static final class Pending {
        final long seq;
        boolean done;
        DecisionLogException error;

        Pending(long seq) {
            this.seq = seq;
        }
    }

    private DecisionLog(Builder builder) {
        path = builder.path;
        fsync = builder.fsync;
        clock = builder.clock;
        rotationCheckMillis = builder.rotationCheckInterval.toMillis();
        key = builder.key;
        checkpointLines = builder.checkpointLines;
        checkpointMillis = builder.checkpointInterval.toMillis();
        file = new LogFile(path, fsync, clock, key);
        try {
            LogFile.Opened opened = file.open(null, 0);
            try {
                boolean endsWithCheckpoint = install(opened, file.lastRecord(opened.size()));
                checkpointMillisAt = clock.millis();
                checkpointSeq = written.seq();
                if (key != null && written.seq() > 0 && !endsWithCheckpoint) {
                    // Lines since the last checkpoint were not closed by this key: say so before adding any.
                    writeCheckpoint(Checkpoint.Reason.OPEN);
                    if (fsync) {
                        forceAndAcknowledge();
                    }
                }
            } catch (IOException | RuntimeException e) {
                LogFile.closeQuietly(opened.channel());
                throw e;
            }
        } catch (IOException e) {
            throw new DecisionLogException(Messages.cannotOpen(path, e), e);
        }
        lastRotationCheck = clock.millis();
    }

    public static Builder builder(Path path) {
        return new Builder(path);
    }

    /**
     * Writes {@code {"seq":<n>,<body>,"prev":...,"chain":...}} and returns its seq.
     *
     * @param body the UTF-8 members of a JSON object without braces, on one line
     * @throws DecisionLogException if the line cannot be written (or synced); the caller must then
     *     not answer with an allow
     * @throws IllegalArgumentException if the body is empty, has a line break or is over ~1 MiB
     */
    public long append(byte[] body) {
        LineFormat.checkBody(body);
        // An interrupted thread's FileChannel call would close the channel for every appender.
        boolean interrupted = Thread.interrupted();
        lock.lock();
        try {
            prepareWrite();
            long seq = write(body);
            if (key != null && written.seq() - checkpointSeq >= checkpointLines) {
                writeCheckpoint(Checkpoint.Reason.LINES);
            }
            if (fsync) {
                awaitSync(seq);
            }
            return seq;
        } catch (DecisionLogException e) {
            refused++;
            refusedSinceFailure++;
            throw e;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * If FAILED, reopens the file, drops any partial write and records a {@code log_recovered}
     * event; if OK, checks for rotation and, with a key, writes a checkpoint when lines were
     * written and the checkpoint interval has passed. Returns whether the log is OK afterwards.
     * Meant for a timer (the server calls it every second) and health checks; it tries every time
     * it is called.
     */
    public boolean tryRecover() {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (state == State.FAILED) {
                return recover();
            }
            rotateIfMoved();
            if (key != null && state == State.OK && written.seq() > checkpointSeq
                    && clock.millis() - checkpointMillisAt >= checkpointMillis) {
                writeCheckpoint(Checkpoint.Reason.TIME);
            }
            return true;
        } catch (DecisionLogException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    public Status status() {
        lock.lock();
        try {
            return new Status(state, path, linesWritten, acked.seq(), syncs, refused, lastError, failedSince, acked.chain());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes the close checkpoint (with a key), syncs (in fsync mode) and closes the file; later
     * appends throw. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (key != null && state == State.OK) {
                    writeCheckpoint(Checkpoint.Reason.CLOSE);
                }
                if (fsync && state == State.OK) {
                    forceAndAcknowledge();
                }
            } catch (IOException e) {
                throw fail(Messages.syncFailed(path, e), e);
            } finally {
                LogFile.closeQuietly(channel);
            }
        } finally {
            lock.unlock();
        }
    }

    private void prepareWrite() {
        if (closed) {
            throw new DecisionLogException(Messages.closed(path), null);
        }
        if (state == State.FAILED
                && (clock.millis() - lastRecoveryAttempt < RECOVERY_PAUSE_MILLIS || !recover())) {
            throw new DecisionLogException(Messages.unavailable(path, failedSince, firstError), null);
        }
        rotateIfMoved();
    }

    private long write(byte[] body) {
        Position from = written;
        String chain = encoder.encode(from.seq() + 1, body, from.chain());
        try {
            ByteBuffer buffer = ByteBuffer.wrap(encoder.buffer(), 0, encoder.length());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw fail(Messages.writeFailed(path, e), e);
        }
        written = new Position(from.seq() + 1, chain, from.size() + encoder.length());
        if (!fsync) {
            acknowledge(written);
        }
        return written.seq();
    }

    /** Writes a checkpoint over the chain so far; the caller holds the lock and has a key. */
    private void writeCheckpoint(Checkpoint.Reason reason) {
        write(Checkpoint.body(written.seq() + 1, written.chain(), clock.instant(), reason, key));
        checkpointSeq = written.seq();
        checkpointMillisAt = clock.millis();
    }

    /** Group commit: wait for a sync covering {@code seq}, or run one for everyone written so far. */
    private void awaitSync(long seq) {
        Pending me = new Pending(seq);
        pending.add(me);
        boolean interrupted = false;
        while (!me.done) {
            if (syncing) {
                syncEnded.awaitUninterruptibly();
                interrupted |= Thread.interrupted();
            } else {
                sync();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (me.error != null) {
            throw new DecisionLogException(me.error.getMessage(), me.error.getCause());
        }
    }

    /** Runs one sync outside the lock so that other appenders can write their lines meanwhile. */
    private void sync() {
        syncing = true;
        FileChannel target = channel;
        Position upTo = written;
        IOException error = null;
        lock.unlock();
        try {
            target.force(false);
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            syncing = false;
            syncs++;
            syncEnded.signalAll();
        }
        // A rotation, failure, recovery or close meanwhile has already settled these lines.
        if (target == channel && state == State.OK && !closed) {
            if (error != null) {
                fail(Messages.syncFailed(path, error), error);
            } else {
                acknowledge(upTo);
                if (rotationDue) {
                    try {
                        switchFile();
                    } catch (DecisionLogException e) {
                        // The failure is recorded; the next append reports it.
                    }
                }
            }
        }
    }

    private void acknowledge(Position upTo) {
        linesWritten += upTo.seq() - acked.seq();
        acked = upTo;
        while (!pending.isEmpty() && pending.peek().seq <= upTo.seq()) {
            pending.poll().done = true;
            syncEnded.signalAll();
        }
    }

    private void forceAndAcknowledge() throws IOException {
        channel.force(false);
        syncs++;
        acknowledge(written);
    }

    /** Enters FAILED, rolls the file and the chain back to the last acknowledged line. */
    private DecisionLogException fail(String message, IOException cause) {
        DecisionLogException error = new DecisionLogException(message, cause);
        if (state == State.OK) {
            state = State.FAILED;
            failedSince = clock.instant();
            firstError = message;
            refusedSinceFailure = 0;
        }
        lastError = message;
        lastRecoveryAttempt = clock.millis();
        rotationDue = false;
        try {
            channel.truncate(acked.size());
        } catch (IOException e) {
            // Best effort: recovery truncates again before it writes.
        }
        written = acked;
        // A checkpoint rolled back with the lines is not in the file: count from the last one that is.
        checkpointSeq = Math.min(checkpointSeq, acked.seq());
        for (Pending p : pending) {
            p.done = true;
            p.error = error;
        }
        pending.clear();
        syncEnded.signalAll();
        return error;
    }

    private boolean recover() {
        lastRecoveryAttempt = clock.millis();
        LogFile.Opened opened;
        try {
            opened = file.open(fileKey, acked.size());
        } catch (IOException e) {
            lastError = Messages.cannotReopen(path, e);
            return false;
        }
        LogFile.closeQuietly(channel);
        install(opened, acked);
        String body = "\"time\":\"" + clock.instant() + "\",\"event\":\"log_recovered\",\"failed_since\":\""
                + failedSince + "\",\"error\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(firstError))
                + "\",\"refused\":" + refusedSinceFailure;
        try {
            write(body.getBytes(StandardCharsets.UTF_8));
            if (fsync) {
                forceAndAcknowledge();
            }
        } catch (DecisionLogException e) {
            return false;
        } catch (IOException e) {
            fail(Messages.syncFailed(path, e), e);
            return false;
        }
        state = State.OK;
        failedSince = null;
        firstError = null;
        refusedSinceFailure = 0;
        return true;
    }

    /**
     * Looks at most once per interval whether the file was renamed away, and then switches to a
     * new file, or lets the running sync's leader switch, as closing the file under it would fail it.
     */
    private void rotateIfMoved() {
        long now = clock.millis();
        if (fileKey != null && now - lastRotationCheck >= rotationCheckMillis) {
            lastRotationCheck = now;
            try {
                rotationDue |= !fileKey.equals(file.currentKey());
            } catch (IOException e) {
                // Cannot tell: keep the open file; a real problem shows up on the write.
            }
        }
        if (rotationDue && !syncing) {
            switchFile();
        }
    }

    /** Closes the renamed file and continues the chain in a new one at the path. */
    private void switchFile() {
        rotationDue = false;
        LogFile.Opened opened;
        try {
            if (fsync) {
                forceAndAcknowledge();
            }
            opened = file.open(null, 0);
        } catch (IOException e) {
            throw fail(Messages.cannotReopen(path, e), e);
        }
        LogFile.closeQuietly(channel);
        install(opened, acked);
    }

    private void install(LogFile.Opened opened, Position chainEnd) {
        channel = opened.channel();
        fileKey = opened.key();
        written = new Position(chainEnd.seq(), chainEnd.chain(), opened.size());
        acked = written;
    }

    /** Installs a file opened at start; returns whether its last line is a checkpoint made with this log's key. */
    private boolean install(LogFile.Opened opened, LogFile.Tail tail) {
        install(opened, tail.position());
        return tail.checkpointed();
    }

    /** Configures and opens a {@link DecisionLog}. Not thread-safe; use once. */
    public static final class Builder {
        private final Path path;
        private boolean fsync;
        private Clock clock = Clock.systemUTC();
        private Duration rotationCheckInterval = Duration.ofSeconds(1);
        private LogKey key;
        private int checkpointLines = 1000;
        private Duration checkpointInterval = Duration.ofSeconds(10);

        private Builder(Path path) {
            this.path = Objects.requireNonNull(path, "path");
        }

        /** Sync each line to disk before append returns (concurrent appends share a sync). */
        public Builder fsync(boolean fsync) {
            this.fsync = fsync;
            return this;
        }

        /** The clock for record times, side file names and the rotation and recovery pauses. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often an append may look whether the file was renamed away (default 1 s). */
        public Builder rotationCheckInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("expected a rotation check interval of zero or more but found " + interval);
            }
            this.rotationCheckInterval = interval;
            return this;
        }

        /**
         * Signs checkpoints with {@code key} ({@code null}: none, the default). A checkpoint is a
         * record whose MAC covers the chain head and the line count, so that whoever lacks the key
         * cannot recompute the chain after an edit, a deletion or an insertion before it without
         * {@code verify-log --key} noticing. One is written every {@code lines} lines, by
         * {@link #tryRecover()} when lines were written and the interval has passed since the last
         * one, at {@link #close()}, and at open when the file's last line is not a checkpoint under
         * this key (marking the lines since the previous one as not vouched by a close).
         */
        public Builder key(LogKey key) {
            this.key = key;
            return this;
        }

        /** How often to checkpoint with a key: every {@code lines} lines (default 1,000) or {@code interval} (default 10 s). */
        public Builder checkpointEvery(int lines, Duration interval) {
            if (lines < 1 || interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("expected a checkpoint every 1 or more lines and a positive interval but found "
                        + lines + " lines and " + interval);
            }
            this.checkpointLines = lines;
            this.checkpointInterval = interval;
            return this;
        }

        /**
         * Opens the file, creating it or continuing its chain.
         *
         * @throws DecisionLogException if it cannot be opened, or its last line is not a record
         */
        public DecisionLog open() {
            return new DecisionLog(this);
        }
    }
}
