package dev.flexauth.server.reload;

import dev.flexauth.analysis.GrantDiff;
import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineHolder;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.engine.LoadException;
import dev.flexauth.internal.Sha256;
import dev.flexauth.io.RegularFile;
import dev.flexauth.json.Json;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.SnapshotSigners;
import dev.flexauth.server.reload.ReloadOutcome.Digests;
import dev.flexauth.server.reload.ReloadOutcome.Result;
import dev.flexauth.server.reload.ReloadOutcome.Trigger;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.DaemonThreads;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Loads the registry and policy files again (or, with a URL source, the snapshot the source hands
 * over with the policy file, or with the package a policy source hands over) and swaps the new
 * engine in when the pair is valid.
 * Every reload runs on one thread, so they never overlap and a swap always follows the load it
 * validated. A rejected pair changes nothing but the reported state: the last good pair keeps
 * serving. The package's Examples run on every accepted load and their failures are reported, but
 * do not refuse the pair: removing an actor must revoke it even while an example still names it.
 * Thread-safe.
 */
public final class Reloader implements AutoCloseable {

    /**
     * The most requests a load decides to check the package's properties: a load must stay quick
     * (measured in docs/testing-policies.md). Keys the package cannot tell apart share decisions, so
     * the ops-warden package over 100,000 actors decides about 5,000 and is checked exactly.
     */
    static final long MAX_PROPERTY_CASES = 50_000;

    /** The pair in service, when each part came into service, and its Examples' and Properties' results. */
    public record Loaded(Engine engine, Instant policyLoadedAt, Instant registryLoadedAt, List<ExampleResult> examples,
            List<PropertyResult> properties) {
        public Loaded {
            examples = List.copyOf(examples);
            properties = List.copyOf(properties);
        }

        /**
         * Runs the Examples and checks the Properties of {@code engine}; like a failing example, a
         * failing property is reported, not refused. The check is exact when it takes deciding at
         * most {@link #MAX_PROPERTY_CASES} requests, else a random search of that many (and reported
         * as not exact), so that a load stays quick; {@code flex-auth test} is where a registry
         * whose keys all differ gets the exact proof.
         */
        static Loaded of(Engine engine, Instant policyLoadedAt, Instant registryLoadedAt) {
            return new Loaded(engine, policyLoadedAt, registryLoadedAt, engine.runExamples(),
                    PropertyChecker.check(engine, MAX_PROPERTY_CASES));
        }

        public int propertiesFailed() {
            return (int) properties.stream().filter(p -> !p.holds()).count();
        }

        /** {@code line 142 (name): {"actor":...} gets allow reason} per failing property. */
        public List<String> propertyFailures() {
            return properties.stream().filter(p -> !p.holds()).map(p -> "line " + p.property().pos().line() + " ("
                    + p.property().name() + "): " + Json.writeAsciiString(p.counterexample().toMap()) + " gets "
                    + p.decision().effect() + " " + p.decision().reason()).toList();
        }

        public int examplesPassed() {
            return (int) examples.stream().filter(ExampleResult::passed).count();
        }

        public int examplesFailed() {
            return examples.size() - examplesPassed();
        }

        public List<String> exampleFailures() {
            return examples.stream().filter(r -> !r.passed()).map(ExampleResult::summary).toList();
        }
    }

    /** What healthz and the metrics show: the pair in service and the latest reload. */
    public record State(Loaded loaded, ReloadOutcome last) {
    }

    /**
     * A URL source as healthz and the metrics show it: when it last confirmed the snapshot in
     * service (a 200 that loaded, or a 304 or unchanged 200 for it), the latest poll's status code
     * (0: failed), and the latest failure (its message never holds the URL's query string).
     */
    public record SourceStatus(String url, Instant lastConfirmedAt, Duration silence, Duration maxSilence, int lastStatus,
            long failures, Instant lastFailureAt, String lastError) {
        public boolean up() {
            return lastStatus != 0;
        }
    }

    private final EngineLoader loader;
    private final Path registry;
    private final Path policy;
    private final EngineHolder holder;
    private final Metrics metrics;
    private final ServerLog log;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>();
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            DaemonThreads.named("flex-auth-reload-"));
    /**
     * Enumerates and records each reload's grants off the reload thread, in reload order, so that
     * the next reload (a revocation) never waits for an enumeration. At most
     * {@link #GRANT_RECORDS_QUEUED} enumerations wait, each holding two engines; past that a reload's
     * record says its grants were not enumerated, and holds no engine.
     */
    private final ThreadPoolExecutor grantRecorder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), DaemonThreads.named("flex-auth-grants-"));
    private final AtomicBoolean changeCheckQueued = new AtomicBoolean();
    private final AtomicBoolean signalQueued = new AtomicBoolean();
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private final Duration maxRegistryAge;
    private volatile String lastSeenFiles;
    /** The files' identity (file key, size, mtime) when {@link #lastSeenFiles} was taken; read by the poll only. */
    private volatile String lastSeenIdentity;
    private volatile boolean reportedStale;

    /** Null for a registry file; else where the snapshot is pulled from (used on the reload thread only). */
    private final UrlSource source;
    private final Duration maxSilence;
    private final LongSupplier nanoTime;
    /** A URL source's verified snapshot in service: what a reload for the policy loads again. */
    private volatile byte[] snapshotInService;
    /** The latest verified snapshot the source handed over: in service, or rejected with the latest policy. */
    private volatile byte[] latestSnapshot;
    /** Null for a policy file; else where the policy package is pulled from (used on the reload thread only). */
    private UrlSource policySource;
    /** A pulled policy package: the one in service, and the latest the policy source handed over. */
    private volatile byte[] policyInService;
    private volatile byte[] latestPolicy;
    private byte[] latestPolicySignature;
    /** {@code --cache-dir} for the pulled policy, or null; written on the reload thread only. */
    private SnapshotCache policyCache;
    private volatile int policyLastStatus;
    private volatile Instant policyConfirmedAt;
    private volatile Instant policyLastFailureAt;
    private volatile String policyLastError;
    private final AtomicLong policyFailures = new AtomicLong();
    /** Whether the version the source last handed over is the one in service (false after a rejected load). */
    private volatile boolean sourceInService = true;
    private volatile long confirmedNanos;
    private volatile Instant confirmedAt;
    private volatile int lastStatus;
    private volatile Instant lastFailureAt;
    private volatile String lastError;
    private final AtomicLong sourceFailures = new AtomicLong();
    private final AtomicBoolean sourcePollQueued = new AtomicBoolean();
    /** {@code --cache-dir}, or null; written on the reload thread only. */
    private SnapshotCache cache;
    /** The decision log reloads are recorded in, or null; read on the reload thread. */
    private volatile AuditLog auditLog;

    /**
     * The most requests a reload's grant record decides (each by both engines): about a second of
     * work on the grant recorder's thread at worst. A promotion that changes a few entities of 100,000 stays
     * far below (only changed entities are enumerated); a package change over a large registry
     * goes past it and is recorded as not enumerated, for {@code flex-auth diff} to show.
     */
    static final long MAX_GRANT_REQUESTS = 200_000;

    /** How many gained and how many lost grant lines a reload record lists. */
    static final int FIRST_GRANTS = 3;

    /** How many reloads' grant enumerations may wait for the recorder (each holds two engines). */
    static final int GRANT_RECORDS_QUEUED = 2;

    private long lastTouch;

    /**
     * Starts serving {@code initial}, loaded by the caller from the files whose {@link #fingerprint}
     * was {@code initialFiles} just before; there is no empty state. With a {@code maxRegistryAge}
     * (null: none), every engine served denies with {@code registry_stale} once its snapshot is older.
     */
    public Reloader(EngineLoader loader, Path registry, Path policy, Engine initial, String initialFiles, Duration maxRegistryAge,
            Metrics metrics, ServerLog log, Clock clock) {
        this(loader, registry, policy, initial, initialFiles, maxRegistryAge, metrics, log, clock, null, null, null, null);
    }

    /**
     * A reloader whose snapshot comes from {@code source}: {@code initial} was loaded from
     * {@code initialSnapshot}, which the source handed over just now. With a {@code maxSilence}
     * (null: none) every engine served also denies with {@code registry_stale} once the source has
     * not confirmed the snapshot in service for that long, on the monotonic {@code nanoTime}.
     */
    public static Reloader pulling(EngineLoader loader, UrlSource source, byte[] initialSnapshot, Path policy, Engine initial,
            Duration maxRegistryAge, Duration maxSilence, Metrics metrics, ServerLog log, Clock clock, LongSupplier nanoTime) {
        return pulling(loader, source, initialSnapshot, null, policy, initial, maxRegistryAge, maxSilence, null, null, metrics,
                log, clock, nanoTime);
    }

    /**
     * As above, keeping every accepted pull in {@code cache} (null: none); {@code confirmedAt} is when
     * the source last confirmed {@code initialSnapshot} (null: now), earlier when it came from the cache.
     */
    public static Reloader pulling(EngineLoader loader, UrlSource source, byte[] initialSnapshot, byte[] initialSignature, Path policy,
            Engine initial, Duration maxRegistryAge, Duration maxSilence, SnapshotCache cache, Instant confirmedAt,
            Metrics metrics, ServerLog log, Clock clock, LongSupplier nanoTime) {
        Reloader r = new Reloader(loader, null, policy, initial, fingerprint(loader, null, policy), maxRegistryAge, metrics, log,
                clock, source, initialSnapshot, maxSilence, nanoTime);
        r.cache = cache;
        if (confirmedAt != null) {
            long ago = Math.max(0, Duration.between(confirmedAt, clock.instant()).toNanos());
            r.confirmedNanos = r.nanoTime.getAsLong() - ago;
            r.confirmedAt = confirmedAt;
            r.checkFreshness();
        } else {
            r.keep(initialSnapshot, initialSignature);
        }
        return r;
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

    private Reloader(EngineLoader loader, Path registry, Path policy, Engine initial, String initialFiles,
            Duration maxRegistryAge, Metrics metrics, ServerLog log, Clock clock, UrlSource source, byte[] initialSnapshot,
            Duration maxSilence, LongSupplier nanoTime) {
        this.source = source;
        this.snapshotInService = initialSnapshot;
        this.latestSnapshot = initialSnapshot;
        this.maxSilence = maxSilence;
        this.nanoTime = nanoTime == null ? System::nanoTime : nanoTime;
        this.confirmedNanos = this.nanoTime.getAsLong();
        this.confirmedAt = clock.instant();
        this.lastStatus = 200;
        this.loader = loader;
        this.registry = registry;
        this.policy = policy;
        this.maxRegistryAge = maxRegistryAge;
        this.clock = clock;
        initial = fresh(initial);
        this.holder = new EngineHolder(initial);
        this.metrics = metrics;
        this.log = log;
        this.lastSeenFiles = initialFiles;
        this.lastSeenIdentity = identity(loader, registry, policy);
        Instant now = millis();
        Loaded loaded = Loaded.of(initial, now, now);
        Digests digests = digests(initial);
        ReloadOutcome startup = new ReloadOutcome(Result.ACCEPTED, Trigger.STARTUP, now, digests, digests, List.of(),
                loaded.examplesPassed(), loaded.examplesFailed());
        state.set(new State(loaded, startup));
        count(startup);
        log.info("loaded policy " + initial.policy().name() + " " + initial.policy().version() + " " + digests.policy()
                + " and registry " + digests.registry() + " " + initial.registry().counts() + " from "
                + initial.registry().source().system() + "/" + initial.registry().source().inventory() + " generated "
                + initial.registry().source().generatedAt() + (source == null ? "" : " (pulled from " + source.url()
                + (maxSilence == null ? "" : "; maximum source silence " + maxSilence) + ")") + examples(loaded));
        checkFreshness();
    }

    /** {@code engine} with the maximum registry age applied, if one is set. */
    private Engine fresh(Engine engine) {
        Engine e = maxRegistryAge == null ? engine : engine.withMaxRegistryAge(maxRegistryAge, clock);
        return maxSilence == null ? e : e.withStaleWhen(this::silent);
    }

    /** Whether the source has not confirmed the snapshot in service for longer than the maximum silence. */
    private boolean silent() {
        return nanoTime.getAsLong() - confirmedNanos > maxSilence.toNanos();
    }

    /** How long a request with {@code Flex-Auth-Min-Registry} waits for a newer snapshot. */
    static final Duration MIN_REGISTRY_WAIT = Duration.ofSeconds(1);
    private final Object swapped = new Object();

    /**
     * The engine in service if its snapshot's generated_at is {@code generatedAt} or later; else
     * asks the source at once (a URL source polls, a file is looked at) and waits up to
     * {@link #MIN_REGISTRY_WAIT} for a newer snapshot to be swapped in; if none comes, the engine in
     * service made to deny every check with {@code registry_stale}. Called by request threads.
     */
    public Engine atLeast(Instant generatedAt) {
        Engine engine = holder.current();
        if (newEnough(engine, generatedAt)) {
            return engine;
        }
        if (source != null) {
            pollSource();
        } else {
            requestIfChanged();
        }
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

    /**
     * Pulls the policy package from {@code policySource} as well, polled with the snapshot;
     * {@code initialPolicy} is the one {@code initial} was loaded with. Called once, before serving.
     */
    public void pullPolicy(UrlSource policySource, byte[] initialPolicy) {
        pullPolicy(policySource, initialPolicy, null, null, null);
    }

    /**
     * As above, keeping every policy package put in service in {@code cache} (null: none);
     * {@code cachedAt} is when the source last confirmed {@code initialPolicy} if it came from the
     * cache (null: fetched now, and written to the cache).
     */
    public void pullPolicy(UrlSource policySource, byte[] initialPolicy, byte[] initialSignature, SnapshotCache cache, Instant cachedAt) {
        this.policySource = Objects.requireNonNull(policySource, "policySource");
        this.policyInService = initialPolicy;
        this.latestPolicy = initialPolicy;
        this.latestPolicySignature = initialSignature;
        this.policyCache = cache;
        this.policyLastStatus = 200;
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

    /** The policy source's state, or null for a policy file (its silence is not bounded: the registry's is). */
    public SourceStatus policySourceStatus() {
        if (policySource == null) {
            return null;
        }
        return new SourceStatus(policySource.url().redacted(), policyConfirmedAt, Duration.between(policyConfirmedAt,
                clock.instant()), null, policyLastStatus, policyFailures.get(), policyLastFailureAt, policyLastError);
    }

    /** The URL source's state, or null for a registry file. */
    public SourceStatus sourceStatus() {
        if (source == null) {
            return null;
        }
        return new SourceStatus(source.url().redacted(), confirmedAt, Duration.ofNanos(nanoTime.getAsLong() - confirmedNanos),
                maxSilence, lastStatus, sourceFailures.get(), lastFailureAt, lastError);
    }

    /**
     * Queues one poll of the URL source (unless one is waiting): a new, verified snapshot is loaded
     * and swapped in; an unchanged one confirms the snapshot in service; a failure is recorded and
     * the pair in service keeps serving.
     */
    public void pollSource() {
        if (source != null && sourcePollQueued.compareAndSet(false, true)) {
            queue(() -> {
                sourcePollQueued.set(false);
                pollSourceNow();
            });
        }
    }

    private void pollSourceNow() {
        // The moment the poll starts: a confirmation is no older than this.
        long started = nanoTime.getAsLong();
        UrlSource.Poll poll = pollRegistry();
        UrlSource.Poll policyPoll = policySource == null ? null : pollPolicy();
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
            ReloadOutcome outcome = reload(Trigger.SOURCE, latestSnapshot, latestPolicy);
            byte[] policy = latestPolicy;
            if (!outcome.accepted() && latestPolicy != policyInService && latestSnapshot != snapshotInService) {
                // A refused policy must not hold up a revocation: the latest snapshot with the policy in service.
                policy = policyInService;
                outcome = reload(Trigger.SOURCE, latestSnapshot, policy);
            }
            if (outcome.accepted()) {
                snapshotInService = latestSnapshot;
                if (changed) {
                    keep(poll.pair().snapshot(), poll.pair().signature());
                }
                if (policy != policyInService) {
                    keepPolicy(policy, latestPolicySignature);
                }
                policyInService = policy;
            }
            sourceInService = snapshotInService == latestSnapshot;
        }
        if (poll != null && sourceInService) {
            confirm(started, poll.confirmedAt());
        }
        if (policyPoll != null && policyInService == latestPolicy) {
            policyConfirmedAt = policyPoll.confirmedAt();
        }
    }

    /** Whether the latest policy package the policy source handed over was refused (the one in service is older). */
    public boolean latestPolicyRefused() {
        return policySource != null && latestPolicy != policyInService;
    }

    /** Polls the registry source; a failure is recorded (and logged once) and answers null. */
    private UrlSource.Poll pollRegistry() {
        UrlSource.Poll poll;
        try {
            poll = source.poll();
        } catch (FetchException | RuntimeException e) {
            String why = e instanceof FetchException ? e.getMessage() : source.url().scrub("unexpected " + e);
            sourceFailures.incrementAndGet();
            lastFailureAt = millis();
            if (lastStatus != 0 || !why.equals(lastError)) {
                log.info("registry source poll failed; still serving registry " + digests(holder.current()).registry() + ": " + why);
            }
            lastError = why;
            lastStatus = 0;
            return null;
        }
        if (lastStatus == 0) {
            log.info("registry source " + source.url() + " answers again (" + poll.status() + ")");
        }
        lastStatus = poll.status();
        return poll;
    }

    /** Polls the policy source; a failure is recorded (and logged once) and answers null. */
    private UrlSource.Poll pollPolicy() {
        UrlSource.Poll poll;
        try {
            poll = policySource.poll();
        } catch (FetchException | RuntimeException e) {
            String why = e instanceof FetchException ? e.getMessage() : policySource.url().scrub("unexpected " + e);
            policyFailures.incrementAndGet();
            policyLastFailureAt = millis();
            if (policyLastStatus != 0 || !why.equals(policyLastError)) {
                log.info("policy source poll failed; still serving policy " + digests(holder.current()).policy() + ": " + why);
            }
            policyLastError = why;
            policyLastStatus = 0;
            return null;
        }
        if (policyLastStatus == 0) {
            log.info("policy source " + policySource.url() + " answers again (" + poll.status() + ")");
        }
        policyLastStatus = poll.status();
        return poll;
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
        checkFreshness();
    }

    /** The age of the snapshot in service, if its generated_at reads as a time. */
    public Optional<Duration> registryAge(Engine engine) {
        return engine.registryGeneratedAt().map(t -> Duration.between(t, clock.instant()));
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Logs when the snapshot in service turns stale and when it is fresh again; called after each
     * reload and periodically, since a snapshot turns stale with no event at all.
     */
    public synchronized void checkFreshness() {
        Engine engine = holder.current();
        boolean stale = engine.registryStale();
        if (stale != reportedStale) {
            reportedStale = stale;
            boolean cutOff = stale && maxSilence != null && silent();
            log.info(cutOff ? "registry source " + source.url() + " has not confirmed snapshot " + engine.registry().digest()
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

    /** The engine in service; a check reads it once and decides on it to the end. */
    public Engine current() {
        return holder.current();
    }

    public State state() {
        return state.get();
    }

    /** Queues a reload and returns its outcome to come (the admin endpoint waits for it). */
    public Future<ReloadOutcome> request(Trigger trigger) {
        return worker.submit(() -> reload(trigger));
    }

    /** Queues a reload unless one for a signal is already waiting: a burst of SIGHUPs loads once. */
    public void requestOnSignal() {
        if (signalQueued.compareAndSet(false, true)) {
            queue(() -> {
                signalQueued.set(false);
                reload(Trigger.SIGNAL);
            });
        }
    }

    /**
     * Queues a look at the files (unless one is waiting) that reloads only if their bytes differ
     * from those of the latest load: events that change nothing, such as a touch or a rewrite with
     * the same content, do not reload.
     */
    public void requestIfChanged() {
        if (changeCheckQueued.compareAndSet(false, true)) {
            queue(() -> {
                changeCheckQueued.set(false);
                if (!fingerprint(loader, registry, policy).equals(lastSeenFiles)) {
                    reload(Trigger.FILE);
                }
            });
        }
    }

    /**
     * The periodic backstop: queues a look at the files' identity (file key, size, mtime, path after
     * symlinks) and, if it changed, at their bytes, reloading if those differ from the latest load.
     * It catches what file events miss (network file systems, longer symlink chains).
     */
    public void poll() {
        if (pollQueued.compareAndSet(false, true)) {
            queue(() -> {
                pollQueued.set(false);
                String identity = identity(loader, registry, policy);
                if (!identity.equals(lastSeenIdentity)) {
                    lastSeenIdentity = identity;
                    if (!fingerprint(loader, registry, policy).equals(lastSeenFiles)) {
                        reload(Trigger.POLL);
                    }
                }
            });
        }
    }

    private void queue(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException e) {
            // The server is stopping: nothing left to reload for.
        }
    }

    /** Loads, validates and swaps; runs on the reload thread only. */
    private ReloadOutcome reload(Trigger trigger) {
        return reload(trigger, snapshotInService, policyInService);
    }

    /**
     * Loads {@code snapshot} (a URL source's; null for the registry file) with {@code pulledPolicy}
     * (a policy source's; null for the policy file).
     */
    private ReloadOutcome reload(Trigger trigger, byte[] snapshot, byte[] pulledPolicy) {
        State before = state.get();
        Engine old = before.loaded().engine();
        Instant now = millis();
        lastSeenIdentity = identity(loader, registry, policy);
        lastSeenFiles = fingerprint(loader, registry, policy);
        Engine next;
        try {
            next = fresh(source == null ? loader.load(registry, policy)
                    : pulledPolicy == null ? loader.load(snapshot, source.url().redacted(), policy)
                    : loader.load(snapshot, source.url().redacted(), pulledPolicy, policySource.url().redacted()));
        } catch (LoadException e) {
            return rejected(before, trigger, now, e.lines().isEmpty() ? List.of(e.getMessage()) : e.lines());
        } catch (RuntimeException e) {
            // A defect in a loader must not stop reloads nor replace the pair in service.
            return rejected(before, trigger, now, List.of("unexpected " + e.getClass().getName() + ": " + e.getMessage()));
        }
        Digests was = digests(old);
        Digests is = digests(next);
        // Into service first: Examples and Properties only report, never refuse, so a revocation
        // need not wait for them (over 100,000 actors they take a large part of a reload).
        holder.swap(next);
        synchronized (swapped) {
            swapped.notifyAll();
        }
        Instant policyAt = is.policy().equals(was.policy()) ? before.loaded().policyLoadedAt() : now;
        Instant registryAt = is.registry().equals(was.registry()) ? before.loaded().registryLoadedAt() : now;
        Loaded loaded;
        try {
            loaded = Loaded.of(next, policyAt, registryAt);
        } catch (RuntimeException e) {
            // The pair already serves: a defect in checking its Examples or Properties must not leave
            // /healthz showing the pair before it.
            log.info("checking the Examples and Properties of the new pair failed (" + e.getClass().getName() + ": "
                    + e.getMessage() + "); the pair serves, their results are not reported");
            loaded = new Loaded(next, policyAt, registryAt, List.of(), List.of());
        }
        ReloadOutcome outcome = new ReloadOutcome(Result.ACCEPTED, trigger, now, was, is, List.of(),
                loaded.examplesPassed(), loaded.examplesFailed());
        count(outcome);
        log.info("reload accepted (trigger " + trigger.label() + "): policy " + next.policy().name() + " "
                + next.policy().version() + " " + change(was.policy(), is.policy()) + ", registry "
                + change(was.registry(), is.registry()) + " " + next.registry().counts() + examples(loaded));
        if (!was.equals(is)) {
            String generatedAt = next.registry().source().generatedAt();
            try {
                if (grantRecorder.getQueue().size() < GRANT_RECORDS_QUEUED) {
                    grantRecorder.execute(() -> recordGrants(old, next, trigger, was, is, generatedAt, now, null));
                } else {
                    // Reloads come faster than their grants can be enumerated: keep the record, in order, without them.
                    grantRecorder.execute(() -> recordGrants(null, null, trigger, was, is, generatedAt, now,
                            "reloads came faster than their grants could be enumerated"));
                }
            } catch (RejectedExecutionException e) {
                log.info("reload grants not recorded: the server is stopping");
            }
        }
        // Published last, so whoever sees the outcome in /healthz also finds it in the metrics and the log.
        state.set(new State(loaded, outcome));
        checkFreshness();
        return outcome;
    }

    /**
     * Records what an accepted reload changed in who may do what: the grants gained and lost
     * ({@link GrantDiff#summary}, counts and the first {@link #FIRST_GRANTS}) in the server log and,
     * when there is one, as a {@code reload} event line in the decision log, so an auditor reading
     * the log sees what a promotion changed. Bounded by {@link #MAX_GRANT_REQUESTS}; past it the
     * line says the grants were not enumerated and why. A log that cannot be written costs the
     * record, never the reload.
     */
    private void recordGrants(Engine old, Engine next, Trigger trigger, Digests was, Digests is, String generatedAt, Instant now,
            String skip) {
        // Both without the age bound: a stale engine denies everything, which is not what the pair grants.
        GrantDiff.Summary g = skip != null ? new GrantDiff.Summary(0, 0, List.of(), List.of(), skip)
                : GrantDiff.summary(old.withoutMaxRegistryAge(), next.withoutMaxRegistryAge(), MAX_GRANT_REQUESTS, FIRST_GRANTS);
        log.info(g.skipped().isEmpty()
                ? "reload grants: " + g.gained() + " gained, " + g.lost() + " lost"
                        + (g.firstGained().isEmpty() ? "" : "; gained " + String.join(" | ", g.firstGained())
                                + (g.gained() > g.firstGained().size() ? " | ..." : ""))
                        + (g.firstLost().isEmpty() ? "" : "; lost " + String.join(" | ", g.firstLost())
                                + (g.lost() > g.firstLost().size() ? " | ..." : ""))
                : "reload grants not enumerated: " + g.skipped());
        AuditLog audit = auditLog;
        if (audit == null) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode line = Json.object();
        line.put("time", now.toString());
        line.put("event", "reload");
        line.put("trigger", trigger.label());
        line.putObject("policy").put("before", was.policy()).put("after", is.policy());
        line.putObject("registry").put("before", was.registry()).put("after", is.registry())
                .put("generated_at", generatedAt);
        com.fasterxml.jackson.databind.node.ObjectNode grants = line.putObject("grants");
        if (g.skipped().isEmpty()) {
            grants.put("gained", g.gained()).put("lost", g.lost());
            g.firstGained().forEach(grants.putArray("first_gained")::add);
            g.firstLost().forEach(grants.putArray("first_lost")::add);
        } else {
            grants.put("skipped", g.skipped());
        }
        try {
            byte[] object = Json.writeBytes(line);
            audit.append(java.util.Arrays.copyOfRange(object, 1, object.length - 1)); // the log takes the members
        } catch (RuntimeException e) {
            log.info("cannot record the reload in the decision log (" + e.getMessage() + "); the reload stands");
        }
    }

    /** Records the grants of every accepted reload in {@code auditLog} too; set once, before serving. */
    public void recordReloadsIn(AuditLog auditLog) {
        this.auditLog = auditLog;
    }

    private ReloadOutcome rejected(State before, Trigger trigger, Instant now, List<String> errors) {
        Digests serving = digests(before.loaded().engine());
        ReloadOutcome outcome = new ReloadOutcome(Result.REJECTED, trigger, now, serving, serving, errors, 0, 0);
        count(outcome);
        log.info("reload rejected (trigger " + trigger.label() + "); still serving policy " + serving.policy()
                + " and registry " + serving.registry() + "; " + errors.size() + (errors.size() == 1 ? " problem: " : " problems: ")
                + String.join(" | ", errors));
        state.set(new State(before.loaded(), outcome));
        return outcome;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        // Not interrupted: an interrupt during a decision-log write would close the log's channel.
        grantRecorder.shutdown();
        try {
            grantRecorder.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void count(ReloadOutcome outcome) {
        metrics.reload(outcome.result().label(), outcome.trigger().label());
    }

    static Digests digests(Engine engine) {
        return new Digests(engine.policy().digest(), engine.registry().digest());
    }

    private Instant millis() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String change(String was, String is) {
        return was.equals(is) ? is + " (unchanged)" : was + " -> " + is;
    }

    private static String examples(Loaded loaded) {
        String s = "; examples: " + loaded.examplesPassed() + " passed, " + loaded.examplesFailed() + " failed";
        List<String> failures = loaded.exampleFailures();
        s = failures.isEmpty() ? s : s + ": " + String.join(" | ", failures);
        if (loaded.properties().isEmpty()) {
            return s;
        }
        PropertyResult first = loaded.properties().get(0);
        List<String> broken = loaded.propertyFailures();
        s += "; properties: " + (loaded.properties().size() - broken.size()) + " hold, " + broken.size() + " fail ("
                + (first.proven() ? "exact over " + first.cases() + " requests" : "NOT exact: " + first.cases()
                + (first.method() == PropertyResult.Method.RANDOM ? " random requests" : " requests of a sampled domain")) + ")";
        return broken.isEmpty() ? s : s + ": " + String.join(" | ", broken);
    }

    /**
     * The SHA-256 of both files' bytes (or why one cannot be read): what a file change is compared
     * by. Read like {@code loader} reads them: regular files only, within its size limits and the
     * read deadline, so a FIFO, a device or an oversize file at either path is refused at once and
     * cannot hold up the reload thread.
     */
    public static String fingerprint(EngineLoader loader, Path registry, Path policy) {
        if (registry == null) {
            // A URL source: the snapshot is the poller's to compare, the policy file (if any) is ours.
            return policy == null ? "" : sha256(policy, PolicyReader.MAX_BYTES);
        }
        String files = sha256(registry, loader.maxRegistryBytes()) + " " + sha256(policy, PolicyReader.MAX_BYTES);
        // With signatures required, a .sig replaced after its snapshot is a change to load, or a
        // rejected mismatched pair would wait for the next unrelated change.
        return loader.signers() == null ? files
                : files + " " + sha256(SnapshotSigners.signatureOf(registry), SnapshotSigners.MAX_SIGNATURE_BYTES);
    }

    private static String sha256(Path file, long maxBytes) {
        try (InputStream in = RegularFile.open(file, maxBytes, RegularFile.DEFAULT_DEADLINE)) {
            MessageDigest md = Sha256.newDigest();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable:" + e.getClass().getSimpleName() + ":" + Objects.toString(e.getMessage());
        }
    }

    /** What the poll compares first, cheaply: each file's path after symlinks, file key, size and mtime. */
    static String identity(EngineLoader loader, Path registry, Path policy) {
        if (registry == null) {
            return policy == null ? "" : identity(policy);
        }
        String files = identity(registry) + " " + identity(policy);
        return loader.signers() == null ? files : files + " " + identity(SnapshotSigners.signatureOf(registry));
    }

    private static String identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file.toRealPath() + "|" + a.fileKey() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return "unreadable:" + e.getClass().getSimpleName();
        }
    }
}
