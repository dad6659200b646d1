package dev.flexauth.server.reload;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.DaemonThreads;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.reload.ReloadOutcome.Digests;
import dev.flexauth.server.reload.ReloadOutcome.Result;
import dev.flexauth.server.reload.ReloadOutcome.Trigger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The engine in service is {@link ServingEngine}'s, the URL sources' side {@link SourcePoller}'s, each
 * reload's grant record {@link GrantRecorder}'s.
 * Thread-safe.
 */
public final class Reloader implements AutoCloseable {

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
    private final ServingEngine serving;
    private final Metrics metrics;
    private final ServerLog log;
    private final Clock clock;
    private final AtomicReference<State> state = new AtomicReference<>();
    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            DaemonThreads.named("flex-auth-reload-"));
    private final GrantRecorder grants;
    private final AtomicBoolean changeCheckQueued = new AtomicBoolean();
    private final AtomicBoolean signalQueued = new AtomicBoolean();
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private final AtomicBoolean sourcePollQueued = new AtomicBoolean();
    private volatile String lastSeenFiles;
    /** The files' identity (file key, size, mtime) when {@link #lastSeenFiles} was taken; read by the poll only. */
    private volatile String lastSeenIdentity;
    /** Null for a registry file; else the URL sources (polled on the reload thread only). */
    private final SourcePoller pull;

    /**
     * Starts serving {@code initial}, loaded by the caller from the files with the fingerprint
     * {@code initialFiles} began ({@link FileFingerprint#start}) and the load finished; there is no
     * empty state. With a {@code maxRegistryAge} (null: none), every engine served denies with
     * {@code registry_stale} once its snapshot is older.
     */
    public Reloader(EngineLoader loader, Path registry, Path policy, Engine initial, FileFingerprint.Started initialFiles,
            Duration maxRegistryAge, Metrics metrics, ServerLog log, Clock clock) {
        this(loader, registry, policy, initial, initialFiles.finish(), initialFiles.identity(), maxRegistryAge, metrics, log,
                clock, null);
    }

    /**
     * A reloader whose snapshot comes from {@code source}: {@code initial} was loaded from
     * {@code initialSnapshot}, which the source handed over just now. With a {@code maxSilence}
     * (null: none) every engine served also denies with {@code registry_stale} once the source has
     * not confirmed the snapshot in service for that long, on the monotonic {@code nanoTime}. Every
     * accepted pull is kept in {@code cache} (null: none); {@code confirmedAt} is when the source
     * last confirmed {@code initialSnapshot} (null: now), earlier when it came from the cache.
     */
    public static Reloader pulling(EngineLoader loader, UrlSource source, byte[] initialSnapshot, byte[] initialSignature, Path policy,
            Engine initial, Duration maxRegistryAge, Duration maxSilence, SnapshotCache cache, Instant confirmedAt,
            Metrics metrics, ServerLog log, Clock clock, LongSupplier nanoTime) {
        SourcePoller pull = new SourcePoller(source, initialSnapshot, maxSilence, nanoTime, clock, log);
        Reloader r = new Reloader(loader, null, policy, initial, FileFingerprint.fingerprint(loader, null, policy),
                FileFingerprint.identity(loader, null, policy), maxRegistryAge, metrics, log, clock, pull);
        pull.startFrom(cache, initialSignature, confirmedAt);
        if (confirmedAt != null) {
            r.checkFreshness();
        }
        return r;
    }

    private Reloader(EngineLoader loader, Path registry, Path policy, Engine initial, String initialFiles, String initialIdentity,
            Duration maxRegistryAge, Metrics metrics, ServerLog log, Clock clock, SourcePoller pull) {
        this.pull = pull;
        this.loader = loader;
        this.registry = registry;
        this.policy = policy;
        this.clock = clock;
        this.serving = new ServingEngine(initial, maxRegistryAge, pull, clock, log);
        initial = serving.current();
        this.metrics = metrics;
        this.log = log;
        this.grants = new GrantRecorder(log);
        this.lastSeenFiles = initialFiles;
        this.lastSeenIdentity = initialIdentity;
        Instant now = millis();
        Loaded loaded = Loaded.startup(initial, now);
        Digests digests = digests(initial);
        ReloadOutcome startup = new ReloadOutcome(Result.ACCEPTED, Trigger.STARTUP, now, digests, digests, List.of(),
                loaded.examplesPassed(), loaded.examplesFailed());
        state.set(new State(loaded, startup));
        count(startup);
        log.info("loaded policy " + initial.policy().name() + " " + initial.policy().version() + " " + digests.policy()
                + " and registry " + digests.registry() + " " + initial.registry().counts() + " from "
                + initial.registry().source().system() + "/" + initial.registry().source().inventory() + " generated "
                + initial.registry().source().generatedAt() + (pull == null ? "" : " (pulled from " + pull.source().url()
                + (pull.maxSilence() == null ? "" : "; maximum source silence " + pull.maxSilence()) + ")") + loaded.report());
        checkFreshness();
        if (!loaded.propertiesChecked()) {
            // Last in the constructor: every field is set before the worker sees this object.
            worker.execute(this::checkStartupProperties);
        }
    }

    /**
     * Checks the start-up pair's Properties on the reload thread, so the server answers meanwhile;
     * they only report, never refuse. A reload runs on the same thread, so none comes between the
     * start and this check; the results are published only if the start-up pair still serves.
     */
    private void checkStartupProperties() {
        Loaded before = state.get().loaded();
        Loaded checked;
        try {
            checked = before.withProperties();
        } catch (RuntimeException e) {
            log.info("checking the Properties of the start-up pair failed (" + e.getClass().getName() + ": "
                    + e.getMessage() + "); the pair serves, their results are not reported");
            return;
        }
        State now = state.updateAndGet(s -> s.loaded() == before ? new State(checked, s.last()) : s);
        if (now.loaded() == checked) {
            log.info("checked the start-up pair's Properties" + checked.propertiesReport());
        }
    }

    /**
     * The engine in service if its snapshot's generated_at is {@code generatedAt} or later; else
     * asks the source at once (a URL source polls, a file is looked at) and waits up to
     * {@link ServingEngine#MIN_REGISTRY_WAIT} for a newer snapshot to be swapped in; if none comes,
     * the engine in service made to deny every check with {@code registry_stale}. Called by request
     * threads.
     */
    public Engine atLeast(Instant generatedAt) {
        return serving.atLeast(generatedAt, pull != null ? this::pollSource : this::requestIfChanged);
    }

    /**
     * Pulls the policy package from {@code policySource} as well, polled with the snapshot;
     * {@code initialPolicy} is the one the initial engine was loaded with. Every policy package put
     * in service is kept in {@code cache} (null: none); {@code cachedAt} is when the source last
     * confirmed {@code initialPolicy} if it came from the cache (null: fetched now, and written to
     * the cache). Called once, before serving.
     */
    public void pullPolicy(UrlSource policySource, byte[] initialPolicy, byte[] initialSignature, SnapshotCache cache,
            Instant cachedAt) {
        pull.pullPolicy(policySource, initialPolicy, initialSignature, cache, cachedAt);
    }

    /** The policy source's state, or null for a policy file (its silence is not bounded: the registry's is). */
    public SourceStatus policySourceStatus() {
        return pull == null ? null : pull.policyStatus();
    }

    /** The URL source's state, or null for a registry file. */
    public SourceStatus sourceStatus() {
        return pull == null ? null : pull.status();
    }

    /** Whether the latest policy package the policy source handed over was refused (the one in service is older). */
    public boolean latestPolicyRefused() {
        return pull != null && pull.latestPolicyRefused();
    }

    /**
     * Queues one poll of the URL source (unless one is waiting): a new, verified snapshot is loaded
     * and swapped in; an unchanged one confirms the snapshot in service; a failure is recorded and
     * the pair in service keeps serving.
     */
    public void pollSource() {
        if (pull != null) {
            once(sourcePollQueued, () -> pull.pollNow(this::reload, serving::current, this::checkFreshness));
        }
    }

    /** The age of the snapshot in service, if its generated_at reads as a time. */
    public Optional<Duration> registryAge(Engine engine) {
        return serving.registryAge(engine);
    }

    public Instant now() {
        return clock.instant();
    }

    /**
     * Logs when the snapshot in service turns stale and when it is fresh again; called after each
     * reload and periodically, since a snapshot turns stale with no event at all.
     */
    public void checkFreshness() {
        serving.checkFreshness();
    }

    /** The engine in service; a check reads it once and decides on it to the end. */
    public Engine current() {
        return serving.current();
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
        once(signalQueued, () -> reload(Trigger.SIGNAL));
    }

    /**
     * Queues a look at the files (unless one is waiting) that reloads only if their bytes differ
     * from those of the latest load: events that change nothing, such as a touch or a rewrite with
     * the same content, do not reload.
     */
    public void requestIfChanged() {
        once(changeCheckQueued, () -> {
            if (!FileFingerprint.fingerprint(loader, registry, policy).equals(lastSeenFiles)) {
                reload(Trigger.FILE);
            }
        });
    }

    /**
     * The periodic backstop: queues a look at the files' identity (file key, size, mtime, path after
     * symlinks) and, if it changed, at their bytes, reloading if those differ from the latest load.
     * It catches what file events miss (network file systems, longer symlink chains).
     */
    public void poll() {
        once(pollQueued, () -> {
            String identity = FileFingerprint.identity(loader, registry, policy);
            if (!identity.equals(lastSeenIdentity)) {
                lastSeenIdentity = identity;
                if (!FileFingerprint.fingerprint(loader, registry, policy).equals(lastSeenFiles)) {
                    reload(Trigger.POLL);
                }
            }
        });
    }

    /** Queues {@code task} on the reload thread unless a task queued under {@code queued} is still waiting. */
    private void once(AtomicBoolean queued, Runnable task) {
        if (queued.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    queued.set(false);
                    task.run();
                });
            } catch (RejectedExecutionException e) {
                // The server is stopping: nothing left to reload for.
            }
        }
    }

    /** Loads, validates and swaps; runs on the reload thread only. */
    private ReloadOutcome reload(Trigger trigger) {
        return pull == null ? reload(trigger, null, null) : reload(trigger, pull.snapshotInService(), pull.policyInService());
    }

    /**
     * Loads {@code snapshot} (a URL source's; null for the registry file) with {@code pulledPolicy}
     * (a policy source's; null for the policy file).
     */
    private ReloadOutcome reload(Trigger trigger, byte[] snapshot, byte[] pulledPolicy) {
        State before = state.get();
        Engine old = before.loaded().engine();
        Instant now = millis();
        FileFingerprint.Started files = null;
        if (pull == null) {
            files = FileFingerprint.start(loader, registry, policy);
            lastSeenIdentity = files.identity();
        } else {
            lastSeenIdentity = FileFingerprint.identity(loader, null, policy);
            lastSeenFiles = FileFingerprint.fingerprint(loader, null, policy);
        }
        Engine next;
        try {
            next = serving.fresh(pull == null ? loader.load(registry, policy, files.registryBytes())
                    : pulledPolicy == null ? loader.load(snapshot, pull.source().url().redacted(), policy)
                    : loader.load(snapshot, pull.source().url().redacted(), pulledPolicy, pull.policySource().url().redacted()));
        } catch (LoadException e) {
            return rejected(before, trigger, now, e.lines().isEmpty() ? List.of(e.getMessage()) : e.lines());
        } catch (RuntimeException e) {
            // A defect in a loader must not stop reloads nor replace the pair in service.
            return rejected(before, trigger, now, List.of("unexpected " + e.getClass().getName() + ": " + e.getMessage()));
        } finally {
            // Refused or not: the same bytes are not loaded again until they change.
            if (files != null) {
                lastSeenFiles = files.finish();
            }
        }
        Digests was = digests(old);
        Digests is = digests(next);
        // Into service first: Examples and Properties only report, never refuse, so a revocation
        // need not wait for them (over 100,000 actors they take a large part of a reload).
        serving.swap(next);
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
                + change(was.registry(), is.registry()) + " " + next.registry().counts() + loaded.report());
        if (!was.equals(is)) {
            grants.record(old, next, trigger, was, is, next.registry().source().generatedAt(), now);
        }
        // Published last, so whoever sees the outcome in /healthz also finds it in the metrics and the log.
        state.set(new State(loaded, outcome));
        checkFreshness();
        return outcome;
    }

    /** Records the grants of every accepted reload in {@code auditLog} too; set once, before serving. */
    public void recordReloadsIn(AuditLog auditLog) {
        grants.recordIn(auditLog);
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
        grants.close();
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
}
