package dev.flexauth.server.endpoints;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLogException;
import dev.flexauth.reason.HttpError;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.transport.Admission;
import dev.flexauth.server.transport.ApiError;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Decides and logs one request: the seam every decision endpoint goes through ({@code /v1/check}
 * and the AuthZEN endpoints), so they share the engine snapshot, the decision log, the
 * fail-closed rule and the metrics. The engine is read once, the request is mapped against that
 * engine's Request table, decided, and written to the decision log before the caller may answer.
 * If the log cannot be written, no decision is answered at all, allow or deny: the caller gets
 * 503 {@code decision_log_unavailable}. At most the configured number of workers decide at once
 * (see {@link Admission}). Thread-safe.
 */
public final class Decider {

    /** Maps a wire request onto the Request table of the engine that will decide it. */
    @FunctionalInterface
    interface RequestMapper {
        Request map(Engine engine) throws RequestException;
    }

    /** A decision that is in the decision log (seq 0 when the server runs without one). */
    record Decided(Decision decision, long seq) {
    }

    private final Supplier<Engine> engines;
    private final Fresher fresher;
    private final AuditLog log;
    private final Metrics metrics;
    private final Clock clock;
    private final Admission admission;
    private final String instanceId;

    Decider(Supplier<Engine> engines, AuditLog log, Metrics metrics, Clock clock, Admission admission, String instanceId) {
        this(engines, null, log, metrics, clock, admission, instanceId);
    }

    public Decider(Supplier<Engine> engines, Fresher fresher, AuditLog log, Metrics metrics, Clock clock, Admission admission,
            String instanceId) {
        this.fresher = fresher;
        this.admission = admission;
        this.instanceId = instanceId;
        this.engines = engines;
        this.log = log;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Maps, decides and logs one request.
     *
     * @throws ApiError 400 with the request code if the request does not fit the Request table,
     *     503 {@code decision_log_unavailable} if the decision could not be logged
     */
    Decided decide(RequestMapper mapper, boolean explain) throws ApiError {
        return decide(mapper, explain, null);
    }

    /**
     * Like {@link #decide(RequestMapper, boolean)}, on a snapshot generated at {@code minRegistry} or
     * later (null: any): see {@link #engine(Instant)}.
     */
    Decided decide(RequestMapper mapper, boolean explain, Instant minRegistry) throws ApiError {
        long start = System.nanoTime();
        Engine engine = engine(minRegistry);
        Request request;
        try {
            request = mapper.map(engine);
        } catch (RequestException e) {
            throw ApiError.of(e);
        }
        return decide(engine, request, explain, start);
    }

    /** The engine in service now: a batch reads it once and decides all its items on it. */
    Engine engine() {
        return engines.get();
    }

    /**
     * The engine in service if its snapshot was generated at {@code minRegistry} or later (null:
     * any); otherwise the source is asked at once and a newer one awaited for a bounded time; if
     * none comes, an engine that denies every check with {@code registry_stale}.
     */
    Engine engine(Instant minRegistry) {
        return minRegistry == null || fresher == null ? engines.get() : fresher.atLeast(minRegistry);
    }

    /** Finds an engine whose snapshot is at least as new as asked (see {@link dev.flexauth.server.reload.Reloader#atLeast}). */
    public interface Fresher {
        Engine atLeast(Instant generatedAt);
    }

    /**
     * Decides and logs {@code request} on {@code engine}, timing from {@code start} ({@link System#nanoTime()}).
     *
     * @throws ApiError 503 {@code decision_log_unavailable} if the decision could not be logged
     */
    Decided decide(Engine engine, Request request, boolean explain, long start) throws ApiError {
        try {
            admission.enterDecision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.of(HttpError.SHUTTING_DOWN, "the server is stopping; send the request to another instance");
        }
        Decision decision;
        byte[] record = null;
        try {
            decision = explain ? engine.explain(request) : engine.check(request);
            if (log != null) {
                record = DecisionJson.logBody(decision, clock.instant(), (System.nanoTime() - start) / 1000, instanceId);
            }
        } finally {
            // The slot bounds the work of deciding; the append below mostly waits (for the log's lock, and
            // in fsync mode for a sync that the appenders waiting meanwhile share: the more, the fewer syncs).
            admission.leaveDecision();
        }
        return logged(decision, record, start);
    }

    private Decided logged(Decision decision, byte[] record, long start) throws ApiError {
        long seq = 0;
        if (record != null) {
            try {
                seq = log.append(record);
            } catch (DecisionLogException e) {
                metrics.unlogged();
                throw ApiError.of(HttpError.DECISION_LOG_UNAVAILABLE, "the decision log cannot be written, so no decision"
                        + " is answered (no allow without an audit record); retry later, and see /healthz").withHeader("Retry-After", "1");
            } catch (IllegalArgumentException e) {
                // Only a body limit raised far above the default lets a request outgrow a log line (1 MiB).
                metrics.unlogged();
                throw ApiError.of(HttpError.PAYLOAD_TOO_LARGE, "the request is too large to be recorded in the decision log"
                        + " (one line holds at most 1 MiB); send a smaller request");
            }
        }
        metrics.decision(decision, System.nanoTime() - start);
        return new Decided(decision, seq);
    }
}
