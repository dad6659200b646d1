package dev.flexauth.server.reload;

import dev.flexauth.server.observability.ServerLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One URL source's poll record: the latest poll's status code (0: failed), how many failed, and
 * the latest failure, logged once per failure rather than once per poll. Polled on the reload
 * thread only; read by any thread.
 */
final class PulledSource {
    private final String name;
    private final UrlSource source;
    private final ServerLog log;
    private final Clock clock;
    private final AtomicLong failures = new AtomicLong();
    private volatile int lastStatus = 200;
    private volatile Instant lastFailureAt;
    private volatile String lastError;

    /** {@code name}: {@code registry} or {@code policy}, as the server log names the source. */
    PulledSource(String name, UrlSource source, ServerLog log, Clock clock) {
        this.name = name;
        this.source = source;
        this.log = log;
        this.clock = clock;
    }

    UrlSource source() {
        return source;
    }

    /**
     * Polls the source; a failure is recorded (and logged once) and answers null.
     * {@code inService} gives the digest in service, for the log line.
     */
    UrlSource.Poll poll(Supplier<String> inService) {
        UrlSource.Poll poll;
        try {
            poll = source.poll();
        } catch (FetchException | RuntimeException e) {
            String why = e instanceof FetchException ? e.getMessage() : source.url().scrub("unexpected " + e);
            failures.incrementAndGet();
            lastFailureAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            if (lastStatus != 0 || !why.equals(lastError)) {
                log.info(name + " source poll failed; still serving " + name + " " + inService.get() + ": " + why);
            }
            lastError = why;
            lastStatus = 0;
            return null;
        }
        if (lastStatus == 0) {
            log.info(name + " source " + source.url() + " answers again (" + poll.status() + ")");
        }
        lastStatus = poll.status();
        return poll;
    }

    /** The source as healthz and the metrics show it. */
    Reloader.SourceStatus status(Instant confirmedAt, Duration silence, Duration maxSilence) {
        return new Reloader.SourceStatus(source.url().redacted(), confirmedAt, silence, maxSilence, lastStatus, failures.get(),
                lastFailureAt, lastError);
    }
}
