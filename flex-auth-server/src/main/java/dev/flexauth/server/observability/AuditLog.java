package dev.flexauth.server.observability;

import dev.flexauth.log.DecisionLog;
import dev.flexauth.log.DecisionLogException;
import java.time.Instant;
import java.util.Objects;

/**
 * The decision log as the server runs it: appends, and on a one-second tick tries to recover a
 * failed log (and notices rotation by rename). It tells the server log and the metrics when the
 * log fails and when it recovers, once per failure rather than once per refused decision.
 * Thread-safe.
 */
public final class AuditLog implements AutoCloseable {
    private final DecisionLog log;
    private final Metrics metrics;
    private final ServerLog serverLog;
    private Instant failureSeen;

    public AuditLog(DecisionLog log, Metrics metrics, ServerLog serverLog) {
        this.log = log;
        this.metrics = metrics;
        this.serverLog = serverLog;
    }

    /**
     * Appends one record and returns its seq.
     *
     * @throws DecisionLogException if it was not written: the caller must not answer the decision
     */
    public long append(byte[] body) {
        try {
            return log.append(body);
        } catch (DecisionLogException e) {
            noticeFailure();
            throw e;
        }
    }

    /**
     * Called every second: recovers a failed log when it can be written again, notices rotation,
     * and reports a recovery, whether this tick or an append since the last one achieved it.
     */
    public void tick() {
        if (!log.tryRecover()) {
            noticeFailure();
            return;
        }
        Instant recoveredFrom;
        synchronized (this) {
            recoveredFrom = failureSeen;
            failureSeen = null;
        }
        if (recoveredFrom != null) {
            serverLog.info("decision log recovered: " + log.status().path() + " accepts decisions again (failed since "
                    + recoveredFrom + ")");
        }
    }

    private void noticeFailure() {
        DecisionLog.Status s = log.status();
        if (s.failedSince() == null) {
            return;
        }
        synchronized (this) {
            if (Objects.equals(failureSeen, s.failedSince())) {
                return;
            }
            failureSeen = s.failedSince();
        }
        metrics.logFailure();
        serverLog.info("decision log failed: " + s.lastError() + "; every decision is refused with 503 until it can be"
                + " written again (retried every second)");
    }

    public DecisionLog.Status status() {
        return log.status();
    }

    @Override
    public void close() {
        log.close();
    }
}
