package dev.flexauth.server;

import dev.flexauth.server.observability.InstanceId;
import dev.flexauth.server.reload.SourceUrl;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything {@code flex-auth serve} needs to start: where to listen, the registry snapshot and
 * policy package to serve, the decision log, the tokens, TLS and the limits. Build it with
 * {@link #defaults(Path, Path)} and the {@code with...} methods; each returns a new config, so a
 * config is an immutable value and thread-safe.
 *
 * <p>Defaults: bind {@code 127.0.0.1:8080}; no decision log; no tokens (every endpoint open, the
 * admin endpoint absent); no TLS; 64 KiB request bodies; twice the cores in worker threads (at
 * least 4) with a queue of 256; 10 s for a client to send its request and 10 s to take its answer;
 * file changes reloaded after a 100 ms quiet period but never more than 500 ms after the first
 * event of a burst, and the files looked at every second whatever the events; SIGHUP reloads; no
 * maximum registry age; snapshot signatures not required; an unkeyed decision log. Secrets (tokens,
 * the keystore password) are only ever read from files,
 * never taken as values.
 *
 * <p>Over 400 lines on purpose: it is one public value of two dozen options, each with its line
 * of documentation, its default and its {@code with} method; split, an embedder
 * would have to assemble the one config from several.
 *
 * @param address         where to listen; port 0 picks a free port (see {@link FlexAuthServer#address()})
 * @param registry        the registry snapshot file ({@code null} with a {@code registrySource})
 * @param policy          the policy package file ({@code null} when the {@code registrySource} pulls it)
 * @param log             the decision log file, or {@code null} for no decision log
 * @param logFsync        sync decision log lines to disk before answering (in groups)
 * @param tokenFile       a file holding the bearer token of the check endpoints, or {@code null}
 * @param adminTokenFile  a file holding the bearer token of {@code /v1/admin/reload}, or {@code null}
 *                        (the endpoint then does not exist)
 * @param tlsKeystore     a PKCS#12 keystore with the server's key and certificate, or {@code null}
 * @param tlsPasswordFile a file holding the keystore password; required with a keystore
 * @param maxBodyBytes    the longest request body accepted
 * @param workerThreads   threads deciding requests
 * @param queueCapacity   requests waiting for a worker before the server answers 503
 * @param readTimeout     the time a client has to send a request, and again to take its answer;
 *                        whole seconds, at least one
 * @param reloadDebounce  the quiet period after a file event (for the registry or policy file;
 *                        events for other names are ignored) before reloading
 * @param watchFiles      reload when the registry or policy file changes
 * @param reloadOnSighup  reload on SIGHUP (the handler is process-wide: the last server started owns it)
 * @param publicUrl       the base URL clients reach the server by, named in the AuthZEN metadata, or
 *                        {@code null} to derive it from each request's {@code Host} header
 * @param reloadMaxDelay  the longest a burst of file events postpones its reload, from its first
 *                        event (below the debounce, it is the delay of every reload)
 * @param reloadPoll      the period of the backstop that compares the files' identity (file key,
 *                        size, mtime) and then their bytes, catching changes whose events were
 *                        missed; zero turns it off
 * @param maxRegistryAge  the oldest {@code source.generated_at} served: an older snapshot denies
 *                        every check with {@code registry_stale}; {@code null} for no limit
 * @param registrySigners an OpenSSH {@code allowed_signers} file: every snapshot must then carry a
 *                        valid signature ({@code <registry>.sig}) by a key it lists, at start and
 *                        on every reload; {@code null}: signatures are not checked
 * @param logKey          a file holding the key that signs the decision log's checkpoints, or
 *                        {@code null} for an unkeyed log (see {@link dev.flexauth.log.LogKey})
 * @param instanceId      this replica's name in the decision log, {@code /healthz}, the metrics and the
 *                        server log; default {@code POD_NAME}, else the host name
 * @param registrySource  pull the registry snapshot from a URL instead of the {@code registry} file, or
 *                        {@code null}
 */
public record ServerConfig(
        InetSocketAddress address,
        Path registry,
        Path policy,
        Path log,
        boolean logFsync,
        Path tokenFile,
        Path adminTokenFile,
        Path tlsKeystore,
        Path tlsPasswordFile,
        int maxBodyBytes,
        int workerThreads,
        int queueCapacity,
        Duration readTimeout,
        Duration reloadDebounce,
        boolean watchFiles,
        boolean reloadOnSighup,
        String publicUrl,
        Duration reloadMaxDelay,
        Duration reloadPoll,
        Duration maxRegistryAge,
        Path registrySigners,
        Path logKey,
        String instanceId,
        RegistrySource registrySource) {

    /** The default port, as in the runbook. */
    public static final int DEFAULT_PORT = 8080;
    /** The default quiet period after a file event before reloading. */
    public static final Duration DEFAULT_RELOAD_DEBOUNCE = Duration.ofMillis(100);
    /** The default longest wait from the first file event of a burst to its reload, however busy the directory. */
    public static final Duration DEFAULT_RELOAD_MAX_DELAY = Duration.ofMillis(500);
    /** The default period of the backstop that looks at the files whatever the events say. */
    public static final Duration DEFAULT_RELOAD_POLL = Duration.ofSeconds(1);

    /**
     * A registry snapshot pulled from a URL instead of read from {@code registry}: polled with
     * conditional GETs every {@code poll}, its signature at {@code <url>.sig}.
     *
     * @param url        an {@code http://} or {@code https://} URL; its query string is never shown
     * @param caFile     PEM certificates to trust instead of the JDK's trust store, or {@code null}
     * @param tokenFile  a file holding a bearer token sent to the source, or {@code null}
     * @param poll       the pause between polls
     * @param maxSilence deny every check with {@code registry_stale} and fail {@code /healthz} when the
     *                   source has not confirmed the snapshot in service (a 200 or a 304) for this long;
     *                   {@code null}: serve the last good snapshot however long the source is silent
     * @param cacheDir   keep the last pair loaded from the source here, and start from it (verified
     *                   again) when the source cannot be reached at start; {@code null}: no cache
     * @param limits     what bounds each fetch: timeouts, size, redirects
     * @param policyUrl  pull the policy package from this {@code http://} or {@code https://} URL too (its
     *                   signature at {@code <policyUrl>.sig}), polled with the snapshot, with the same
     *                   options; {@code null}: the policy is the config's file
     */
    public record RegistrySource(String url, Path caFile, Path tokenFile, Duration poll, Duration maxSilence, Path cacheDir,
            FetchLimits limits, String policyUrl) {
        /** The default poll period: with a conditional GET per poll, a revocation reaches a replica well within 1 s. */
        public static final Duration DEFAULT_POLL = Duration.ofMillis(250);

        public RegistrySource {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(poll, "poll");
            Objects.requireNonNull(limits, "limits");
            SourceUrl.parse(url);
            if (policyUrl != null) {
                SourceUrl.parse(policyUrl);
            }
            if (poll.isNegative() || poll.isZero()) {
                throw new IllegalArgumentException("expected a source poll period above zero but found " + poll);
            }
            if (maxSilence != null && maxSilence.compareTo(poll) <= 0) {
                throw new IllegalArgumentException("expected a maximum source silence longer than the poll period ("
                        + poll + ") but found " + maxSilence + "; every poll would start out stale");
            }
        }

        /** With the default {@link FetchLimits}. */
        public RegistrySource(String url, Path caFile, Path tokenFile, Duration poll, Duration maxSilence, Path cacheDir) {
            this(url, caFile, tokenFile, poll, maxSilence, cacheDir, FetchLimits.DEFAULTS, null);
        }

        /** With the policy package from the config's file. */
        public RegistrySource(String url, Path caFile, Path tokenFile, Duration poll, Duration maxSilence, Path cacheDir,
                FetchLimits limits) {
            this(url, caFile, tokenFile, poll, maxSilence, cacheDir, limits, null);
        }

        /** {@code url} with the defaults: the JDK's trust store, no token, {@link #DEFAULT_POLL}, no silence bound. */
        public static RegistrySource of(String url) {
            return new RegistrySource(url, null, null, DEFAULT_POLL, null, null);
        }

        /** This source with each fetch bounded by {@code limits}. */
        public RegistrySource withLimits(FetchLimits limits) {
            return new RegistrySource(url, caFile, tokenFile, poll, maxSilence, cacheDir, limits, policyUrl);
        }

        /** This source pulling the policy package from {@code policyUrl} as well ({@code null}: from the config's file). */
        public RegistrySource withPolicyUrl(String policyUrl) {
            return new RegistrySource(url, caFile, tokenFile, poll, maxSilence, cacheDir, limits, policyUrl);
        }

        /** Whether {@code text} is a URL ({@code http://} or {@code https://}) rather than a file path. */
        public static boolean isUrl(String text) {
            return SourceUrl.isUrl(text);
        }

        /** The URL for display: without its query string, which may be a credential. */
        public String redacted() {
            return SourceUrl.parse(url).redacted();
        }

        @Override
        public String toString() {
            return "RegistrySource[" + redacted() + "]";
        }
    }

    /**
     * What bounds one fetch from a URL source (the snapshot, and again its {@code .sig}).
     *
     * @param connectTimeout time to open a connection, TCP and TLS: above zero, at most 1 minute
     * @param readTimeout    time from sending the request to the last byte of the answer: above zero,
     *                       at most 10 minutes; keep it under the poll's share of the revocation bound
     * @param maxBytes       the largest answer accepted, from 1 KiB to 2 GiB; the registry loader's own
     *                       limit (512 MiB) still applies to the snapshot
     * @param maxRedirects   redirects followed per fetch, 0 to 10
     */
    public record FetchLimits(Duration connectTimeout, Duration readTimeout, long maxBytes, int maxRedirects) {
        /** 2 s to connect, 30 s for an answer, 512 MiB (the registry loader's limit), 3 redirects. */
        public static final FetchLimits DEFAULTS = new FetchLimits(Duration.ofSeconds(2), Duration.ofSeconds(30), 512L << 20, 3);
        /** The largest size cap: the most a byte array holds. */
        public static final long MAX_BYTES = Integer.MAX_VALUE - 8;

        public FetchLimits {
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
            if (connectTimeout.isNegative() || connectTimeout.isZero() || connectTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("expected a source connect timeout above zero and at most 1m but found "
                        + connectTimeout);
            }
            if (readTimeout.isNegative() || readTimeout.isZero() || readTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("expected a source read timeout above zero and at most 10m but found "
                        + readTimeout);
            }
            if (maxBytes < 1024 || maxBytes > MAX_BYTES) {
                throw new IllegalArgumentException("expected a source size cap from 1 KiB (1024 bytes) to 2 GiB ("
                        + MAX_BYTES + " bytes) but found " + maxBytes + " bytes");
            }
            if (maxRedirects < 0 || maxRedirects > 10) {
                throw new IllegalArgumentException("expected a source redirect limit from 0 to 10 but found " + maxRedirects);
            }
        }
    }

    public ServerConfig {
        Objects.requireNonNull(address, "address");
        if (registry == null && registrySource == null) {
            throw new NullPointerException("registry");
        }
        if (policy == null && (registrySource == null || registrySource.policyUrl() == null)) {
            throw new NullPointerException("policy");
        }
        if (policy != null && registrySource != null && registrySource.policyUrl() != null) {
            throw new IllegalArgumentException("expected the policy package as a file or a URL, not both: " + policy + " and "
                    + SourceUrl.parse(registrySource.policyUrl()));
        }
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(reloadDebounce, "reloadDebounce");
        if ((tlsKeystore == null) != (tlsPasswordFile == null)) {
            throw new IllegalArgumentException("expected a TLS keystore and its password file together but found only the "
                    + (tlsKeystore == null ? "password file" : "keystore") + "; give both or neither");
        }
        requireAtLeast("maxBodyBytes", maxBodyBytes, 1);
        requireAtLeast("workerThreads", workerThreads, 1);
        requireAtLeast("queueCapacity", queueCapacity, 1);
        if (readTimeout.toMillis() < 1000 || readTimeout.toNanos() % 1_000_000_000L != 0) {
            throw new IllegalArgumentException("expected a read timeout of whole seconds, at least 1 s, but found "
                    + readTimeout + " (the JDK's HTTP server counts it in seconds)");
        }
        if (publicUrl != null && !publicUrl.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+(/[A-Za-z0-9._~/-]*)?")) {
            throw new IllegalArgumentException("expected a public URL such as https://flex-auth.example.com (scheme, host,"
                    + " optional port and path, no query) but found " + publicUrl);
        }
        InstanceId.check(instanceId);
        if (reloadDebounce.isNegative()) {
            throw new IllegalArgumentException("expected a reload debounce of zero or more but found " + reloadDebounce);
        }
        Objects.requireNonNull(reloadMaxDelay, "reloadMaxDelay");
        Objects.requireNonNull(reloadPoll, "reloadPoll");
        if (reloadMaxDelay.isNegative()) {
            throw new IllegalArgumentException("expected a reload max delay of zero or more but found " + reloadMaxDelay);
        }
        if (reloadPoll.isNegative()) {
            throw new IllegalArgumentException("expected a reload poll period of zero (off) or more but found " + reloadPoll);
        }
        if (maxRegistryAge != null && (maxRegistryAge.isNegative() || maxRegistryAge.isZero())) {
            throw new IllegalArgumentException("expected a maximum registry age above zero but found " + maxRegistryAge);
        }
    }


    /**
     * The defaults (see the class description) for serving the snapshot pulled from {@code source}
     * with {@code policy} ({@code null} when the source pulls the policy too, see
     * {@link RegistrySource#policyUrl()}).
     */
    public static ServerConfig defaults(RegistrySource source, Path policy) {
        return defaults(null, policy, Objects.requireNonNull(source, "source"));
    }

    /** The defaults (see the class description) for serving {@code registry} with {@code policy}. */
    public static ServerConfig defaults(Path registry, Path policy) {
        return defaults(Objects.requireNonNull(registry, "registry"), policy, null);
    }

    private static ServerConfig defaults(Path registry, Path policy, RegistrySource source) {
        return new ServerConfig(new InetSocketAddress("127.0.0.1", DEFAULT_PORT), registry, policy, null, false,
                null, null, null, null, 64 * 1024, Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 256,
                Duration.ofSeconds(10), DEFAULT_RELOAD_DEBOUNCE, true, true, null, DEFAULT_RELOAD_MAX_DELAY, DEFAULT_RELOAD_POLL,
                null, null, null, InstanceId.fromEnvironment(), source);
    }

    /** Listens on {@code address}, e.g. {@code 0.0.0.0:8080} in a container. */
    public ServerConfig withAddress(InetSocketAddress address) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Writes the decision log to {@code log} ({@code null}: no log). */
    public ServerConfig withLog(Path log) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Syncs decision log lines to disk before answering. */
    public ServerConfig withLogFsync(boolean logFsync) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Requires the bearer token in {@code tokenFile} on the check endpoints ({@code null}: open). */
    public ServerConfig withTokenFile(Path tokenFile) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Enables {@code /v1/admin/reload} behind the bearer token in {@code adminTokenFile}. */
    public ServerConfig withAdminTokenFile(Path adminTokenFile) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Serves HTTPS with the key in the PKCS#12 {@code keystore}, unlocked by the password in {@code passwordFile}. */
    public ServerConfig withTls(Path keystore, Path passwordFile) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, keystore,
                passwordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Refuses bodies longer than {@code maxBodyBytes} with 413. */
    public ServerConfig withMaxBodyBytes(int maxBodyBytes) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Decides on {@code workerThreads} threads. */
    public ServerConfig withWorkerThreads(int workerThreads) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Lets {@code queueCapacity} requests wait for a worker; more are answered 503. */
    public ServerConfig withQueueCapacity(int queueCapacity) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Gives clients {@code readTimeout} (whole seconds) to send a request and again to take the answer. */
    public ServerConfig withReadTimeout(Duration readTimeout) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Waits {@code reloadDebounce} without further changes before reloading changed files. */
    public ServerConfig withReloadDebounce(Duration reloadDebounce) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Reloads a burst of file events at most {@code reloadMaxDelay} after its first event. */
    public ServerConfig withReloadMaxDelay(Duration reloadMaxDelay) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Looks at the files every {@code reloadPoll} whatever the events say ({@link Duration#ZERO}: never). */
    public ServerConfig withReloadPoll(Duration reloadPoll) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Denies every check with {@code registry_stale} while the snapshot is older than {@code maxRegistryAge} ({@code null}: no limit). */
    public ServerConfig withMaxRegistryAge(Duration maxRegistryAge) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Whether to reload when the files change. */
    public ServerConfig withWatchFiles(boolean watchFiles) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Whether to reload on SIGHUP. */
    public ServerConfig withReloadOnSighup(boolean reloadOnSighup) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /**
     * Names the server's public base URL in its AuthZEN metadata (set it behind a proxy or tunnel);
     * {@code null}: derived from each request's {@code Host} header.
     */
    public ServerConfig withPublicUrl(String publicUrl) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl == null ? null : publicUrl.replaceAll("/+$", ""), reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /**
     * Requires every registry snapshot to be signed by a key of the OpenSSH {@code allowed_signers}
     * file {@code registrySigners} (read once, at start), its signature beside it as
     * {@code <registry>.sig}; {@code null}: signatures are not checked.
     */
    public ServerConfig withRegistrySigners(Path registrySigners) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Signs the decision log's checkpoints with the key in {@code logKey} ({@code null}: no checkpoints). */
    public ServerConfig withLogKey(Path logKey) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /**
     * Pulls the registry snapshot from {@code registrySource} instead of the {@code registry} file
     * ({@code null}: the file).
     */
    public ServerConfig withRegistrySource(RegistrySource registrySource) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    /** Names this replica {@code instanceId} (letters, digits, {@code . _ - :}, at most 253 characters). */
    public ServerConfig withInstanceId(String instanceId) {
        return new ServerConfig(address, registry, policy, log, logFsync, tokenFile, adminTokenFile, tlsKeystore,
                tlsPasswordFile, maxBodyBytes, workerThreads, queueCapacity, readTimeout, reloadDebounce, watchFiles,
                reloadOnSighup, publicUrl, reloadMaxDelay, reloadPoll, maxRegistryAge, registrySigners, logKey, instanceId, registrySource);
    }

    private static void requireAtLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("expected " + name + " of at least " + min + " but found " + value);
        }
    }

    /** Whether the server answers HTTPS. */
    public boolean tls() {
        return tlsKeystore != null;
    }
}
