package dev.flexauth.server.reload;

import dev.flexauth.engine.Engine;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.reload.ReloadOutcome.Trigger;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The URL sources' side of reloading: the snapshot (and, with a policy source, the policy package)
 * each source last handed over and the one in service, when the registry source last confirmed the
 * snapshot in service (its silence), and the caches a restart during an outage starts from. A poll
 * loads a changed pair through the reloader; a refused policy never holds up a new snapshot.
 * Polled on the reload thread only; the state it reports is read by any thread.
 */
final class SourcePoller {
    /** Loads a pair on the reload thread and swaps it in if valid. */
    interface Load {
        ReloadOutcome load(Trigger trigger, byte[] snapshot, byte[] policy);
    }

    private final PulledSource registry;
    private final Duration maxSilence;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final ServerLog log;
    /** A URL source's verified snapshot in service: what a reload for the policy loads again. */
    private volatile byte[] snapshotInService;
    /** The latest verified snapshot the source handed over: in service, or rejected with the latest policy. */
    private volatile byte[] latestSnapshot;
    /** Null for a policy file; else where the policy package is pulled from. */
    private PulledSource policy;
    /** A pulled policy package: the one in service, and the latest the policy source handed over. */
    private volatile byte[] policyInService;
    private volatile byte[] latestPolicy;
    private byte[] latestPolicySignature;
    /** {@code --cache-dir} for the snapshot and for the pulled policy, or null. */
    private SnapshotCache cache;
    private SnapshotCache policyCache;
    private volatile Instant policyConfirmedAt;
    /** Whether the version the source last handed over is the one in service (false after a rejected load). */
    private volatile boolean sourceInService = true;
    private volatile long confirmedNanos;
    private volatile Instant confirmedAt;
    private long lastTouch;

    /** {@code initialSnapshot} was handed over by {@code source} just now; silence is measured on {@code nanoTime}. */
    SourcePoller(UrlSource source, byte[] initialSnapshot, Duration maxSilence, LongSupplier nanoTime, Clock clock, ServerLog log) {
        this.registry = new PulledSource("registry", source, log, clock);
        this.snapshotInService = initialSnapshot;
        this.latestSnapshot = initialSnapshot;
        this.maxSilence = maxSilence;
        this.nanoTime = nanoTime == null ? System::nanoTime : nanoTime;
        this.clock = clock;
        this.log = log;
        this.confirmedNanos = this.nanoTime.getAsLong();
        this.confirmedAt = clock.instant();
    }

    /**
     * Keeps every accepted pull in {@code cache} (null: none); {@code confirmedAt} is when the
     * source last confirmed the initial snapshot (null: now, and it is written to the cache).
     */
    void startFrom(SnapshotCache cache, byte[] initialSignature, Instant confirmedAt) {
        this.cache = cache;
        if (confirmedAt != null) {
            long ago = Math.max(0, Duration.between(confirmedAt, clock.instant()).toNanos());
            this.confirmedNanos = nanoTime.getAsLong() - ago;
            this.confirmedAt = confirmedAt;
        } else {
            keep(snapshotInService, initialSignature);
        }
    }

    /** Writes an accepted pull to the cache, if there is one; a failure is logged and changes nothing else. */
    private void keep(byte[] snapshot, byte[] signature) {
        if (cache == null) {
            return;
        }
        try {
            cache.write(snapshot, signature);
            lastTouch = nanoTime.getAsLong();
        } catch (IOException | RuntimeException e) {
            log.info("cannot write the snapshot cache in " + cache.dir() + " (" + e + "); serving on, but a restart during a"
                    + " source outage will not find this snapshot");
        }
    }

    /** See {@link Reloader#pullPolicy(UrlSource, byte[], byte[], SnapshotCache, Instant)}. */
    void pullPolicy(UrlSource policySource, byte[] initialPolicy, byte[] initialSignature, SnapshotCache cache, Instant cachedAt) {
        this.policy = new PulledSource("policy", Objects.requireNonNull(policySource, "policySource"), log, clock);
        this.policyInService = initialPolicy;
        this.latestPolicy = initialPolicy;
        this.latestPolicySignature = initialSignature;
        this.policyCache = cache;
        this.policyConfirmedAt = cachedAt == null ? clock.instant() : cachedAt;
        if (cachedAt == null) {
            keepPolicy(initialPolicy, initialSignature);
        }
    }

    /** Writes a policy package put in service to its cache, if there is one; a failure is logged and changes nothing else. */
    private void keepPolicy(byte[] policy, byte[] signature) {
        if (policyCache == null) {
            return;
        }
        try {
            policyCache.write(policy, signature);
        } catch (IOException | RuntimeException e) {
            log.info("cannot write the policy cache in " + policyCache.dir() + " (" + e + "); serving on, but a restart during a"
                    + " source outage will not find this policy package");
        }
    }

    UrlSource source() {
        return registry.source();
    }

    /** The policy source, or null for a policy file. */
    UrlSource policySource() {
        return policy == null ? null : policy.source();
    }

    byte[] snapshotInService() {
        return snapshotInService;
    }

    /** The pulled policy package in service, or null for a policy file. */
    byte[] policyInService() {
        return policyInService;
    }

    Duration maxSilence() {
        return maxSilence;
    }

    /** Whether the source has not confirmed the snapshot in service for longer than the maximum silence. */
    boolean silent() {
        return nanoTime.getAsLong() - confirmedNanos > maxSilence.toNanos();
    }

    /**
     * Polls both sources on the reload thread: a new, verified pair is loaded by {@code load} and
     * swapped in; an unchanged one confirms the pair in service; a failure is recorded and the pair
     * in service keeps serving. {@code serving} is the engine in service, for the log;
     * {@code confirmed} runs after a confirmation.
     */
    void pollNow(Load load, Supplier<Engine> serving, Runnable confirmed) {
        // The moment the poll starts: a confirmation is no older than this.
        long started = nanoTime.getAsLong();
        UrlSource.Poll poll = registry.poll(() -> Reloader.digests(serving.get()).registry());
        UrlSource.Poll policyPoll = policy == null ? null : policy.poll(() -> Reloader.digests(serving.get()).policy());
        boolean changed = poll != null && poll.changed();
        boolean policyChanged = policyPoll != null && policyPoll.changed();
        if (changed) {
            latestSnapshot = poll.pair().snapshot();
        }
        if (policyChanged) {
            latestPolicy = policyPoll.pair().snapshot();
            latestPolicySignature = policyPoll.pair().signature();
        }
        if (changed || policyChanged) {
            // The latest pair: each part was verified on its own, the load checks them together.
            ReloadOutcome outcome = load.load(Trigger.SOURCE, latestSnapshot, latestPolicy);
            byte[] pulledPolicy = latestPolicy;
            if (!outcome.accepted() && latestPolicy != policyInService && latestSnapshot != snapshotInService) {
                // A refused policy must not hold up a revocation: the latest snapshot with the policy in service.
                pulledPolicy = policyInService;
                outcome = load.load(Trigger.SOURCE, latestSnapshot, pulledPolicy);
            }
            if (outcome.accepted()) {
                snapshotInService = latestSnapshot;
                if (changed) {
                    keep(poll.pair().snapshot(), poll.pair().signature());
                }
                if (pulledPolicy != policyInService) {
                    keepPolicy(pulledPolicy, latestPolicySignature);
                }
                policyInService = pulledPolicy;
            }
            sourceInService = snapshotInService == latestSnapshot;
        }
        if (poll != null && sourceInService) {
            confirm(started, poll.confirmedAt());
            confirmed.run();
        }
        if (policyPoll != null && policyInService == latestPolicy) {
            policyConfirmedAt = policyPoll.confirmedAt();
        }
    }

    private void confirm(long nanos, Instant at) {
        confirmedNanos = nanos;
        confirmedAt = at;
        // The cache's mtime is the last confirmation a restarted replica counts its silence from; once a second is enough.
        if (cache != null && nanos - lastTouch > 1_000_000_000L) {
            lastTouch = nanos;
            try {
                cache.touch();
            } catch (IOException | RuntimeException e) {
                // Only makes a restart during an outage count its silence from an earlier moment: stricter, not looser.
            }
        }
    }

    /** Whether the latest policy package the policy source handed over was refused (the one in service is older). */
    boolean latestPolicyRefused() {
        return policy != null && latestPolicy != policyInService;
    }

    /** The registry source's state. */
    Reloader.SourceStatus status() {
        return registry.status(confirmedAt, Duration.ofNanos(nanoTime.getAsLong() - confirmedNanos), maxSilence);
    }

    /** The policy source's state, or null for a policy file (its silence is not bounded: the registry's is). */
    Reloader.SourceStatus policyStatus() {
        if (policy == null) {
            return null;
        }
        return policy.status(policyConfirmedAt, Duration.between(policyConfirmedAt, clock.instant()), null);
    }
}
