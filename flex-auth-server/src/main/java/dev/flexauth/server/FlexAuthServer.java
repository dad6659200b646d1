package dev.flexauth.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.log.DecisionLogException;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.SignersException;
import dev.flexauth.registry.SnapshotSigners;
import dev.flexauth.log.LogKey;
import dev.flexauth.log.LogKeyException;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.server.endpoints.AuthzenEndpoints;
import dev.flexauth.server.endpoints.CheckEndpoint;
import dev.flexauth.server.endpoints.Decider;
import dev.flexauth.server.endpoints.HealthEndpoint;
import dev.flexauth.server.endpoints.MetricsEndpoint;
import dev.flexauth.server.endpoints.ReloadEndpoint;
import dev.flexauth.server.endpoints.SearchEndpoints;
import dev.flexauth.server.reload.FetchException;
import dev.flexauth.server.reload.FileFingerprint;
import dev.flexauth.server.reload.FileWatcher;
import dev.flexauth.server.reload.Reloader;
import dev.flexauth.server.reload.Sighup;
import dev.flexauth.server.reload.SignatureCheck;
import dev.flexauth.server.reload.SnapshotCache;
import dev.flexauth.server.reload.SourceFetcher;
import dev.flexauth.server.reload.SourceUrl;
import dev.flexauth.server.reload.UrlSource;
import dev.flexauth.server.transport.Admission;
import dev.flexauth.server.transport.BearerToken;
import dev.flexauth.server.transport.JdkHttpProperties;
import dev.flexauth.server.transport.Router.Access;
import dev.flexauth.server.transport.Router.Route;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.DaemonThreads;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import dev.flexauth.server.transport.Router;
import dev.flexauth.server.transport.Tls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code flex-auth serve}: the HTTP adapter over the engine, on the JDK's
 * {@code com.sun.net.httpserver}. {@link #start} loads and validates the registry and policy pair
 * and refuses to start without a valid one (there is no empty state), then serves
 * {@code /healthz}, {@code POST /v1/check}, {@code /metrics} and, with an admin token,
 * {@code POST /v1/admin/reload}. It reloads on file changes and on SIGHUP when the config says so
 * (the default): the handler is installed by {@code start} and restored by {@code close}. The
 * caller owns SIGTERM: a shutdown hook that calls {@link #close()}. Thread-safe.
 *
 * <p>Over 400 lines on purpose: it is the one place that wires the four layers (transport,
 * endpoints, reload, observability) and collects every start problem, so that a failed start lists
 * them all at once; what each part does lives in its layer.
 */
public final class FlexAuthServer implements AutoCloseable {
    static final int BACKLOG = 128;
    /** Every this many polls the source is asked without validators (see {@link UrlSource}): every 10 s at 250 ms. */
    static final int SOURCE_FULL_FETCH_EVERY = 40;

    private final ServerConfig config;
    private final ServerLog log;
    private final HttpServer http;
    private final Admission admission;
    private final Router router;
    private final Reloader reloader;
    private final AuditLog auditLog;
    private final ScheduledExecutorService timer;
    /** Reload triggers only, so a slow decision log tick never delays a revocation. */
    private final ScheduledExecutorService reloadTimer;
    private final FileWatcher watcher;
    private final Sighup sighup;
    private final InetSocketAddress address;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    private FlexAuthServer(ServerConfig config, ServerLog log, HttpServer http, Admission admission, Router router,
            Reloader reloader, AuditLog auditLog) {
        this.config = config;
        this.log = log;
        this.http = http;
        this.admission = admission;
        this.router = router;
        this.reloader = reloader;
        this.auditLog = auditLog;
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flex-auth-timer-"));
        if (auditLog != null) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    auditLog.tick();
                } catch (RuntimeException e) {
                    // A throwing task would stop the schedule, and with it every recovery.
                    log.info("decision log recovery tick failed: " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        this.reloadTimer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("flex-auth-reload-timer-"));
        // With both pulled there is no file to watch.
        boolean files = config.policy() != null;
        this.watcher = config.watchFiles() && files ? watch() : null;
        if (config.watchFiles() && files && !config.reloadPoll().isZero()) {
            long period = config.reloadPoll().toMillis();
            reloadTimer.scheduleWithFixedDelay(reloader::poll, period, Math.max(1, period), TimeUnit.MILLISECONDS);
        }
        if (config.registrySource() != null) {
            long period = config.registrySource().poll().toMillis();
            reloadTimer.scheduleWithFixedDelay(reloader::pollSource, period, Math.max(1, period), TimeUnit.MILLISECONDS);
        }
        if (config.maxRegistryAge() != null || config.registrySource() != null && config.registrySource().maxSilence() != null) {
            reloadTimer.scheduleWithFixedDelay(() -> {
                try {
                    reloader.checkFreshness();
                } catch (RuntimeException e) {
                    log.info("registry freshness check failed: " + e);
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
        this.sighup = config.reloadOnSighup() ? installSighup() : null;
        http.start();
        this.address = http.getAddress();
    }

    /**
     * Loads the pair, opens the decision log, binds and starts serving.
     *
     * @throws ServerStartException listing every problem: of the registry and policy pair, the
     *     token and TLS files, the decision log, the address
     */
    public static FlexAuthServer start(ServerConfig config) throws ServerStartException {
        return start(config, ServerLog.stderr());
    }

    /** A refused pair's problems, one per line. */
    private static List<String> lines(LoadException e) {
        return e.lines().isEmpty() ? List.of(e.getMessage()) : e.lines();
    }

    static FlexAuthServer start(ServerConfig config, ServerLog log) throws ServerStartException {
        // Before any class of the JDK's HTTP server reads them.
        JdkHttpProperties.apply(config.readTimeout(), log);
        List<String> problems = new ArrayList<>();
        BearerToken checkToken = token(config.tokenFile(), "--token-file", problems);
        BearerToken adminToken = token(config.adminTokenFile(), "--admin-token-file", problems);
        if (checkToken != null && adminToken != null && checkToken.sameAs(adminToken)) {
            problems.add("--token-file and --admin-token-file hold the same token, so the check token would open the admin"
                    + " endpoint; give each its own token");
        }
        HttpsConfigurator tls = null;
        if (config.tls()) {
            try {
                tls = Tls.configurator(config.tlsKeystore(), config.tlsPasswordFile());
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        EngineLoader loader = EngineLoader.defaults();
        if (config.registrySigners() != null) {
            try {
                loader = loader.withSigners(SnapshotSigners.read(config.registrySigners()), Clock.systemUTC());
            } catch (SignersException e) {
                problems.addAll(e.problems().stream().map(p -> "--registry-signers " + p).toList());
            }
        }
        ServerConfig.RegistrySource pull = config.registrySource();
        // Set where the pair is loaded from files; null only when a problem already stops the start.
        FileFingerprint.Started files = null;
        Engine initial = null;
        UrlSource urlSource = null;
        UrlSource policySource = null;
        byte[] initialPolicy = null;
        byte[] initialSnapshot = null;
        byte[] initialSignature = null;
        Instant cachedAt = null;
        SnapshotCache cache = pull == null || pull.cacheDir() == null ? null : new SnapshotCache(pull.cacheDir());
        // Without the signers it asked for, the server must not load an unverified snapshot.
        SnapshotCache policyCache = cache == null || pull.policyUrl() == null ? null : SnapshotCache.forPolicy(pull.cacheDir());
        byte[] initialPolicySignature = null;
        Instant policyCachedAt = null;
        if (pull != null && (config.registrySigners() == null || loader.signers() != null)) {
            try {
                urlSource = urlSource(pull, loader);
                if (pull.policyUrl() != null) {
                    policySource = policySource(pull, loader);
                    // The policy first: without it nothing loads, and its errors name --policy.
                    try {
                        UrlSource.Poll first = policySource.poll();
                        initialPolicy = first.pair().snapshot();
                        initialPolicySignature = first.pair().signature();
                    } catch (FetchException e) {
                        if (policyCache == null) {
                            throw new IllegalArgumentException("--policy " + policySource.url() + ": " + e.getMessage(), e);
                        }
                        try {
                            SnapshotCache.Cached cached = fromCache(policyCache, loader, PolicyReader.MAX_BYTES, "policy", e, log);
                            initialPolicy = cached.snapshot();
                            initialPolicySignature = cached.signature();
                            policyCachedAt = cached.confirmedAt();
                        } catch (FetchException again) {
                            throw new IllegalArgumentException("--policy " + policySource.url() + ": " + again.getMessage(), again);
                        }
                    }
                }
                UrlSource.Poll first;
                try {
                    first = urlSource.poll();
                    initialSnapshot = first.pair().snapshot();
                    initialSignature = first.pair().signature();
                } catch (FetchException e) {
                    if (cache == null) {
                        throw e;
                    }
                    SnapshotCache.Cached cached = fromCache(cache, loader, loader.maxRegistryBytes(), "registry", e, log);
                    initialSnapshot = cached.snapshot();
                    cachedAt = cached.confirmedAt();
                }
                initial = policySource == null ? loader.load(initialSnapshot, urlSource.url().redacted(), config.policy())
                        : loader.load(initialSnapshot, urlSource.url().redacted(), initialPolicy, policySource.url().redacted());
            } catch (IllegalArgumentException | FetchException e) {
                problems.add(e.getMessage().startsWith("--") ? e.getMessage() : "--registry " + pull.redacted() + ": " + e.getMessage());
            } catch (LoadException e) {
                problems.addAll(lines(e));
            }
        } else if (config.registrySigners() == null || loader.signers() != null) {
            EarlyLoad.Outcome early = loader.signers() == null ? EarlyLoad.take(config.registry(), config.policy()) : null;
            if (early != null) {
                files = early.files();
                initial = early.engine();
                if (early.refused() != null) {
                    problems.addAll(lines(early.refused()));
                }
            } else {
                files = FileFingerprint.start(loader, config.registry(), config.policy());
                try {
                    initial = loader.load(config.registry(), config.policy(), files.registryBytes());
                } catch (LoadException e) {
                    problems.addAll(lines(e));
                }
            }
        }
        LogKey logKey = null;
        if (config.logKey() != null && config.log() == null) {
            problems.add("--log-key " + config.logKey() + " signs the decision log's checkpoints, but there is no decision"
                    + " log; give --log FILE too");
        } else if (config.logKey() != null) {
            try {
                logKey = LogKey.read(config.logKey());
            } catch (LogKeyException e) {
                problems.add("--log-key: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new ServerStartException(problems, null);
        }

        Metrics metrics = new Metrics(config.instanceId());
        AuditLog auditLog = null;
        if (config.log() != null) {
            try {
                auditLog = new AuditLog(DecisionLog.builder(config.log()).fsync(config.logFsync()).key(logKey).open(), metrics, log);
            } catch (DecisionLogException e) {
                throw new ServerStartException(List.of("--log " + config.log() + ": " + e.getMessage()), e);
            }
        }
        HttpServer http;
        try {
            if (tls == null) {
                http = HttpServer.create(config.address(), BACKLOG);
            } else {
                HttpsServer https = HttpsServer.create(config.address(), BACKLOG);
                https.setHttpsConfigurator(tls);
                http = https;
            }
        } catch (IOException e) {
            if (auditLog != null) {
                auditLog.close();
            }
            throw new ServerStartException(List.of("--addr " + config.address().getHostString() + ":" + config.address().getPort()
                    + ": cannot listen there (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")"), e);
        }

        Reloader reloader = pull == null ? new Reloader(loader, config.registry(), config.policy(), initial, files,
                config.maxRegistryAge(), metrics, log, Clock.systemUTC())
                : Reloader.pulling(loader, urlSource, initialSnapshot, initialSignature, config.policy(), initial,
                        config.maxRegistryAge(), pull.maxSilence(), cache, cachedAt, metrics, log, Clock.systemUTC(), System::nanoTime);
        reloader.recordReloadsIn(auditLog);
        if (policySource != null) {
            reloader.pullPolicy(policySource, initialPolicy, initialPolicySignature, policyCache, policyCachedAt);
        }
        Admission admission = new Admission(config.workerThreads(), config.queueCapacity());
        Decider decider = new Decider(reloader::current, reloader::atLeast, auditLog, metrics, Clock.systemUTC(), admission,
                config.instanceId());
        List<Route> routes = new ArrayList<>();
        routes.add(new Route("/healthz", List.of("GET", "HEAD"), Access.OPEN, new HealthEndpoint(reloader, auditLog, config.log(),
                config.instanceId())));
        routes.add(new Route("/v1/check", List.of("POST"), Access.CHECK, new CheckEndpoint(decider)));
        routes.add(new Route("/metrics", List.of("GET"), Access.OPEN, new MetricsEndpoint(metrics, reloader, auditLog, admission)));
        AuthzenEndpoints authzen = new AuthzenEndpoints(decider, config.publicUrl(), config.tls());
        routes.add(new Route("/access/v1/evaluation", List.of("POST"), Access.CHECK, authzen::evaluation));
        routes.add(new Route("/access/v1/evaluations", List.of("POST"), Access.CHECK, authzen::evaluations));
        routes.add(new Route("/.well-known/authzen-configuration", List.of("GET"), Access.OPEN, authzen::metadata));
        if (!authzen.publicPath().isEmpty()) {
            // A base URL with a path (https://host/tenant1) is discovered at /.well-known/authzen-configuration/tenant1.
            routes.add(new Route("/.well-known/authzen-configuration" + authzen.publicPath(), List.of("GET"), Access.OPEN,
                    authzen::metadata));
        }
        SearchEndpoints search = new SearchEndpoints(decider, admission);
        routes.add(new Route("/access/v1/search/subject", List.of("POST"), Access.CHECK, search::subject));
        routes.add(new Route("/access/v1/search/resource", List.of("POST"), Access.CHECK, search::resource));
        routes.add(new Route("/access/v1/search/action", List.of("POST"), Access.CHECK, search::action));
        if (adminToken != null) {
            // The answer must beat the JDK's response timer, which is the read timeout.
            long waitMillis = Math.max(500, config.readTimeout().toMillis() - 1000);
            routes.add(new Route("/v1/admin/reload", List.of("POST"), Access.ADMIN,
                    new ReloadEndpoint(reloader, Duration.ofMillis(waitMillis))));
        }
        Router router = new Router(routes, checkToken, adminToken, config.maxBodyBytes(), metrics, log);
        http.createContext("/", router);
        http.setExecutor(admission);
        FlexAuthServer server = new FlexAuthServer(config, log, http, admission, router, reloader, auditLog);
        // The configured host as the operator wrote it (0.0.0.0, not the JDK's 0:0:0:0:0:0:0:0), with the bound port.
        log.info("listening on " + (config.tls() ? "https://" : "http://") + config.address().getHostString() + ":"
                + server.address.getPort() + " (instance " + config.instanceId() + "; " + config.workerThreads() + " workers, queue " + config.queueCapacity()
                + ", body limit " + config.maxBodyBytes() + " bytes, read timeout " + config.readTimeout().toSeconds() + " s; "
                + (config.log() == null ? "no decision log" : "decision log " + config.log() + (config.logFsync() ? " (fsync)" : "")
                        + (logKey == null ? "" : " (checkpoints signed with " + logKey.id() + ")"))
                + "; check token " + (checkToken == null ? "off" : "on") + "; admin endpoint " + (adminToken == null ? "off" : "on")
                + "; reload on " + reloadTriggers(config, server.sighup != null, adminToken != null)
                + "; maximum registry age " + (config.maxRegistryAge() == null ? "none" : config.maxRegistryAge())
                + (config.registrySigners() == null ? "" : "; registry signatures required: " + loader.signers().size()
                + (loader.signers().size() == 1 ? " key in " : " keys in ") + config.registrySigners()) + ")");
        return server;
    }

    /**
     * The URL source of {@code pull}: signatures checked by the loader's signers (mandatory over
     * plain http), fetched with the loader's size limit.
     */
    private static UrlSource urlSource(ServerConfig.RegistrySource pull, EngineLoader loader) {
        return urlSource(pull, SourceUrl.parse(pull.url()), loader, loader.maxRegistryBytes(), "--registry", "snapshot");
    }

    /**
     * The URL source of the policy package: fetched like the snapshot, with the same options,
     * signers (mandatory over plain http) and the policy reader's size limit.
     */
    private static UrlSource policySource(ServerConfig.RegistrySource pull, EngineLoader loader) {
        return urlSource(pull, SourceUrl.parse(pull.policyUrl()), loader, PolicyReader.MAX_BYTES, "--policy", "policy package");
    }

    private static UrlSource urlSource(ServerConfig.RegistrySource pull, SourceUrl url, EngineLoader loader, long maxBytes,
            String option, String what) {
        SnapshotSigners signers = loader.signers();
        String snapshotName = url.redacted();
        String signatureName = url.withPathSuffix(".sig").redacted();
        SignatureCheck check = signers == null ? null : (snapshot, signature) -> {
            try {
                signers.verify(snapshot, signature, snapshotName, signatureName, Instant.now());
            } catch (RegistryException e) {
                throw new SignatureCheck.Invalid(e.getMessage());
            }
        };
        ServerConfig.FetchLimits limits = pull.limits();
        SourceFetcher.Options options = new SourceFetcher.Options(limits.connectTimeout(), limits.readTimeout(),
                Math.min(limits.maxBytes(), maxBytes), limits.maxRedirects(), pull.caFile(), pull.tokenFile());
        return new UrlSource(url, new SourceFetcher(options, Clock.systemUTC()), check,
                Duration.ofMillis(100), SOURCE_FULL_FETCH_EVERY, option, what);
    }

    /**
     * The pair in {@code --cache-dir}, verified like a fetched one, for a start while the source is
     * down; the start fails with both reasons when there is none or it does not verify.
     */
    private static SnapshotCache.Cached fromCache(SnapshotCache cache, EngineLoader loader, long maxBytes, String what,
            FetchException unreachable, ServerLog log) throws FetchException {
        String content = what.equals("registry") ? "snapshot" : "policy package";
        SnapshotCache.Cached cached;
        try {
            cached = cache.read(maxBytes);
        } catch (IOException e) {
            throw new FetchException(unreachable.getMessage() + "; and --cache-dir " + cache.dir() + " holds no usable " + content
                    + " (" + e.getMessage() + ")");
        }
        if (loader.signers() != null) {
            try {
                loader.signers().verify(cached.snapshot(), cached.signature() == null ? new byte[0] : cached.signature(),
                        cache.file().toString(), cache.signatureFile().toString(), Instant.now());
            } catch (RegistryException e) {
                throw new FetchException(unreachable.getMessage() + "; and the " + content + " in --cache-dir " + cache.dir()
                        + " does not verify (" + e.getMessage() + ")");
            }
        }
        log.info("the " + what + " source cannot be reached at start (" + unreachable.getMessage() + "); starting from the "
                + (what.equals("registry") ? "pair" : content) + " in --cache-dir " + cache.dir() + ", last confirmed by the source at " + cached.confirmedAt());
        return cached;
    }

    private static String reloadTriggers(ServerConfig config, boolean sighup, boolean admin) {
        List<String> triggers = new ArrayList<>();
        if (config.registrySource() != null) {
            triggers.add("source poll (every " + config.registrySource().poll().toMillis() + " ms)");
        }
        if (config.watchFiles()) {
            triggers.add("file change (debounce " + config.reloadDebounce().toMillis() + " ms, at most "
                    + config.reloadMaxDelay().toMillis() + " ms after the first event; "
                    + (config.reloadPoll().isZero() ? "no periodic check" : "checked every " + config.reloadPoll().toMillis() + " ms")
                    + ")");
        }
        if (sighup) {
            triggers.add("SIGHUP");
        }
        if (admin) {
            triggers.add("POST /v1/admin/reload");
        }
        return triggers.isEmpty() ? "restart only" : String.join(", ", triggers);
    }

    private static BearerToken token(Path file, String option, List<String> problems) {
        if (file == null) {
            return null;
        }
        try {
            return BearerToken.read(file, option);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private FileWatcher watch() {
        try {
            List<Path> files = config.registrySource() != null ? List.of(config.policy())
                    : config.registrySigners() == null ? List.of(config.registry(), config.policy())
                    : List.of(config.registry(), config.policy(), SnapshotSigners.signatureOf(config.registry()));
            return FileWatcher.start(files, config.reloadDebounce(), config.reloadMaxDelay(), reloader::requestIfChanged,
                    reloadTimer, log);
        } catch (IOException e) {
            log.info("cannot watch the registry and policy files (" + e + "); SIGHUP and the admin endpoint still reload");
            return null;
        }
    }

    private Sighup installSighup() {
        try {
            return Sighup.install(reloader::requestOnSignal);
        } catch (UnsupportedOperationException e) {
            log.info("cannot handle SIGHUP here (" + e.getMessage() + "); file changes and the admin endpoint still reload");
            return null;
        }
    }

    /** The address the server listens on, with the port it bound (useful after asking for port 0). */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Stops gracefully and returns when stopped: stops accepting connections, answers requests that
     * arrive on open connections with 503 {@code shutting_down}, lets requests in flight finish (up
     * to the read timeout), then closes every connection, syncs and closes the decision log and
     * restores the previous SIGHUP handler. Idempotent; a second caller waits for the first.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        try {
            log.info("stopping: refusing new requests, finishing those in flight");
            router.beginShutdown();
            int grace = (int) config.readTimeout().toSeconds();
            // stop() closes the listening socket at once, then waits; on JDK 17 it waits the whole
            // delay even when idle, so it waits on its own thread while we watch the requests.
            Thread stopper = new Thread(() -> http.stop(grace), "flex-auth-stop");
            stopper.setDaemon(true);
            stopper.start();
            boolean drained = router.awaitIdle(grace * 1000L);
            http.stop(0);
            admission.shutdown(1000);
            if (watcher != null) {
                watcher.close();
            }
            if (sighup != null) {
                sighup.restore();
            }
            timer.shutdownNow();
            reloadTimer.shutdownNow();
            reloader.close();
            if (auditLog != null) {
                try {
                    auditLog.close();
                } catch (DecisionLogException e) {
                    log.info("decision log: the final sync failed: " + e.getMessage());
                }
            }
            log.info(drained ? "stopped" : "stopped; requests still in flight after " + grace + " s were cut off");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            terminated.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished (from another thread, e.g. a shutdown hook). */
    public void awaitTermination() {
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request executor, for tests that need to see it saturated. */
    Admission admission() {
        return admission;
    }

    /** Requests being answered now; for tests. */
    int requestsInFlight() {
        return router.inFlight();
    }
}
