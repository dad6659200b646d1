package dev.flexauth.server.reload;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineHolder;
import dev.flexauth.server.observability.ServerLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The engine in service: the swap, the freshness bounds every engine served carries (the maximum
 * registry age, a URL source's maximum silence), waiting for a snapshot at least as new as a
 * request asks, and the server log's lines when the snapshot turns stale and fresh again.
 * Thread-safe.
 */
final class ServingEngine {
    /** How long a request with {@code Flex-Auth-Min-Registry} waits for a newer snapshot. */
    static final Duration MIN_REGISTRY_WAIT = Duration.ofSeconds(1);

    private final Duration maxRegistryAge;
    /** Null for a registry file. */
    private final SourcePoller pull;
    private final Clock clock;
    private final ServerLog log;
    private final EngineHolder holder;
    private final Object swapped = new Object();
    private boolean reportedStale;

    /** Serves {@code initial} with the bounds applied. */
    ServingEngine(Engine initial, Duration maxRegistryAge, SourcePoller pull, Clock clock, ServerLog log) {
        this.maxRegistryAge = maxRegistryAge;
        this.pull = pull;
        this.clock = clock;
        this.log = log;
        this.holder = new EngineHolder(fresh(initial));
    }

    /** {@code engine} with the maximum registry age applied, if one is set. */
    Engine fresh(Engine engine) {
        Engine e = maxRegistryAge == null ? engine : engine.withMaxRegistryAge(maxRegistryAge, clock);
        return pull == null || pull.maxSilence() == null ? e : e.withStaleWhen(pull::silent);
    }

    Engine current() {
        return holder.current();
    }

    /** Puts {@code next} (made {@link #fresh}) into service and wakes those waiting for a newer snapshot. */
    void swap(Engine next) {
        holder.swap(next);
        synchronized (swapped) {
            swapped.notifyAll();
        }
    }

    /**
     * The engine in service if its snapshot's generated_at is {@code generatedAt} or later; else
     * runs {@code askSource} and waits up to {@link #MIN_REGISTRY_WAIT} for a newer snapshot to be
     * swapped in; if none comes, the engine in service made to deny every check with
     * {@code registry_stale}. Called by request threads.
     */
    Engine atLeast(Instant generatedAt, Runnable askSource) {
        Engine engine = holder.current();
        if (newEnough(engine, generatedAt)) {
            return engine;
        }
        askSource.run();
        long deadline = System.nanoTime() + MIN_REGISTRY_WAIT.toNanos();
        synchronized (swapped) {
            for (long left; !newEnough(engine = holder.current(), generatedAt)
                    && (left = deadline - System.nanoTime()) > 0; ) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(swapped, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return newEnough(engine, generatedAt) ? engine : engine.withStaleWhen(() -> true);
    }

    private static boolean newEnough(Engine engine, Instant generatedAt) {
        return engine.registryGeneratedAt().map(t -> !t.isBefore(generatedAt)).orElse(false);
    }

    /** The age of the snapshot in service, if its generated_at reads as a time. */
    Optional<Duration> registryAge(Engine engine) {
        return engine.registryGeneratedAt().map(t -> Duration.between(t, clock.instant()));
    }

    /**
     * Logs when the snapshot in service turns stale and when it is fresh again; called after each
     * reload and periodically, since a snapshot turns stale with no event at all.
     */
    synchronized void checkFreshness() {
        Engine engine = holder.current();
        boolean stale = engine.registryStale();
        if (stale != reportedStale) {
            reportedStale = stale;
            Duration maxSilence = pull == null ? null : pull.maxSilence();
            boolean cutOff = stale && maxSilence != null && pull.silent();
            log.info(cutOff ? "registry source " + pull.source().url() + " has not confirmed snapshot " + engine.registry().digest()
                    + " for longer than the maximum source silence of " + maxSilence
                    + ": every check denies with registry_stale until the source answers"
                    : stale ? "registry snapshot " + engine.registry().digest() + " generated "
                    + engine.registry().source().generatedAt() + " is older than the maximum registry age of "
                    + maxRegistryAge + ": every check denies with registry_stale until a fresher snapshot is loaded"
                    : "registry snapshot " + engine.registry().digest() + " generated " + engine.registry().source().generatedAt()
                    + (maxSilence == null ? " is within the maximum registry age of " + maxRegistryAge
                    : " is fresh again (maximum registry age " + maxRegistryAge + ", maximum source silence " + maxSilence + ")")
                    + "; checks are decided again");
        }
    }
}
