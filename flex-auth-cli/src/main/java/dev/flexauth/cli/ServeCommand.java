package dev.flexauth.cli;

import dev.flexauth.server.FlexAuthServer;
import dev.flexauth.server.ServerConfig;
import dev.flexauth.server.ServerStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth serve}: starts the HTTP server and runs until SIGTERM or SIGINT, then stops
 * gracefully (requests in flight finish, the decision log is synced and closed) and exits 0.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve decisions over HTTP: /healthz, /v1/check, the AuthZEN API, /metrics and, with an admin token, "
                + "/v1/admin/reload.",
            "Reloads when the registry or policy file changes and on SIGHUP; stops gracefully on SIGTERM."},
        footer = {"", "DURATION: a number and a unit, ms, s, m, h or d (250ms, 1s, 36h, 7d), or ISO-8601 (PT36H).",
            "", "Exit 0 after a graceful stop on SIGTERM or SIGINT; 1 when the server cannot start, e.g. a registry or "
                + "policy that is not a valid regular file, or with --require-examples when an example fails (every problem "
                + "is listed); 2 on a usage error."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080", converter = AddressConverter.class,
            description = "Where to listen (default: ${DEFAULT-VALUE}; 0.0.0.0:8080 in a container; port 0 picks a free port).")
    InetSocketAddress address;

    @Option(names = "--registry", required = true, paramLabel = "SNAPSHOT", description = "The registry snapshot (JSON): "
            + "a file, or an http:// or https:// URL polled with conditional GETs, its signature at URL.sig (plain http "
            + "requires --registry-signers).")
    String registry;

    @Option(names = "--source-ca", paramLabel = "FILE", description = "With --registry https://...: trust the PEM "
            + "certificates in FILE instead of the JDK's trust store.")
    Path sourceCa;

    @Option(names = "--source-token-file", paramLabel = "FILE", description = "With --registry URL: send the bearer token "
            + "in FILE to the source (to its origin only, never across a redirect to another).")
    Path sourceTokenFile;

    @Option(names = "--source-poll", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --registry URL: the pause between polls of the source (default: 250ms).")
    Duration sourcePoll;

    @Option(names = "--source-connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --registry URL: the time to open a connection to the source, TCP and TLS; above zero, "
                    + "at most 1m (default: 2s).")
    Duration sourceConnectTimeout;

    @Option(names = "--source-read-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --registry URL: the time from a request to the last byte of its answer; above zero, at "
                    + "most 10m (default: 30s).")
    Duration sourceReadTimeout;

    @Option(names = "--source-max-bytes", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "With --registry URL: the largest answer accepted, in bytes or with KiB, MiB or GiB, from 1KiB to "
                    + "2GiB; a larger one fails the poll unread (default: 512MiB, the registry loader's own limit).")
    Long sourceMaxBytes;

    @Option(names = "--source-max-redirects", paramLabel = "N",
            description = "With --registry URL: the redirects followed per fetch, 0 to 10 (default: 3).")
    Integer sourceMaxRedirects;

    @Option(names = "--max-source-silence", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --registry URL: deny every check with registry_stale, and fail /healthz, when the source "
                    + "has not confirmed the snapshot in service (200 or 304) for this long, e.g. 30s (default: no limit).")
    Duration maxSourceSilence;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "With --registry URL: keep the last snapshot loaded "
            + "from the source (and its .sig), and with --policy URL the policy package too, in DIR, and start from it, "
            + "verified again, when the source cannot be reached at start.")
    Path cacheDir;

    @Option(names = "--policy", required = true, paramLabel = "POLICY", description = "The policy package (Markdown): a "
            + "file, or with --registry URL also a URL, polled with the snapshot, its signature at URL.sig (plain http "
            + "requires --registry-signers).")
    String policyOption;

    /** The policy file, or null when --policy is a URL. */
    Path policy;

    @Option(names = "--registry-signers", paramLabel = "FILE", description = "Require every snapshot, at start and on "
            + "every reload, to be signed (SNAPSHOT.sig, made by ssh-keygen -Y sign -n flex-auth-registry) by a key of this "
            + "OpenSSH allowed_signers file; a snapshot without a valid signature is never loaded.")
    Path registrySigners;

    @Option(names = "--log", paramLabel = "FILE", description = "Write every decision to this hash-chained JSONL log "
            + "before answering; when it cannot be written, the server fails closed.")
    Path log;

    @Option(names = "--log-fsync", description = "Sync decision log lines to disk before answering (in groups).")
    boolean logFsync;

    @Option(names = "--log-key", paramLabel = "FILE", description = "Sign checkpoints of the decision log with the key in FILE "
            + "(32 or more random bytes, readable by its owner only), so verify-log --key detects a rewritten log.")
    Path logKey;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Require the bearer token in FILE on the check endpoints.")
    Path tokenFile;

    @Option(names = "--admin-token-file", paramLabel = "FILE",
            description = "Enable POST /v1/admin/reload behind the bearer token in FILE.")
    Path adminTokenFile;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS#12 keystore "
            + "(with --tls-password-file).")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE", description = "The file holding the keystore password.")
    Path tlsPasswordFile;

    @Option(names = "--public-url", paramLabel = "URL", description = "The base URL clients reach the server by, "
            + "named in /.well-known/authzen-configuration (default: from each request's Host header).")
    String publicUrl;

    @Option(names = "--instance-id", paramLabel = "ID", description = "This replica's name in every decision-log record, "
            + "/healthz, the metrics and the server log (default: $POD_NAME, else the host name).")
    String instanceId;

    @Option(names = "--max-body-bytes", paramLabel = "N", description = "Refuse longer request bodies with 413 "
            + "(default: 65536).")
    Integer maxBodyBytes;

    @Option(names = "--worker-threads", paramLabel = "N", description = "Threads deciding requests "
            + "(default: twice the cores, at least 4).")
    Integer workerThreads;

    @Option(names = "--queue-capacity", paramLabel = "N", description = "Requests waiting for a worker before 503 "
            + "(default: 256).")
    Integer queueCapacity;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "Time a client has to send a request and "
            + "to take its answer; also the grace period on shutdown (default: 10).")
    Integer readTimeoutSeconds;

    @Option(names = "--no-watch", description = "Do not reload when the registry or policy file changes (neither on file"
            + " events nor by the periodic check).")
    boolean noWatch;

    @Option(names = "--reload-debounce", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Quiet period after a file event before reloading, e.g. 100ms (default: 100ms).")
    Duration reloadDebounce;

    @Option(names = "--reload-max-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Longest a burst of file events postpones its reload, from its first event (default: 500ms).")
    Duration reloadMaxDelay;

    @Option(names = "--reload-poll", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Period of the check of the files' identity and bytes that catches changes file events miss; "
                    + "0 turns it off (default: 1s).")
    Duration reloadPoll;

    @Option(names = "--max-registry-age", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Deny every check with registry_stale, and fail /healthz, while the snapshot's "
                    + "source.generated_at is older than this, e.g. 36h (default: no limit).")
    Duration maxRegistryAge;

    @Option(names = "--no-sighup", description = "Do not reload on SIGHUP.")
    boolean noSighup;

    @Option(names = "--require-examples", description = "Refuse to start (exit 1) when an Example of the package "
            + "fails against the snapshot. Reloads still swap in a pair whose examples fail, so revocations land.")
    boolean requireExamples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config();
        if (requireExamples) {
            if (ServerConfig.RegistrySource.isUrl(registry)) {
                // The gate loads the files before the server binds; a pulled snapshot is not there yet.
                throw new ParameterException(spec.commandLine(), "--require-examples needs a registry file; with"
                        + " --registry URL, run flex-auth test on the snapshot before it is published");
            }
            ExamplesGate.require(Path.of(registry), policy);
        }
        if (log != null && log.toAbsolutePath().getParent() != null) {
            // The runbook logs to /var/log/flex-auth/...: a first start creates the directory, like mkdir -p.
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
            } catch (IOException e) {
                throw new CliFailure("cannot_start", "error: cannot create the decision log's directory "
                        + log.toAbsolutePath().getParent() + ": " + Failures.io(e));
            }
        }
        // The hook is in place before the server starts, so a SIGTERM at any moment stops it cleanly.
        AtomicReference<FlexAuthServer> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // Read before close(): close() lets main() return and mark the process as exiting, which
            // would otherwise make a signal's clean stop look like a normal exit and skip halt(0).
            boolean signalled = !Main.exiting();
            FlexAuthServer server = running.get();
            if (server != null) {
                server.close();
            }
            if (signalled) {
                // A signal started this shutdown and the server has stopped cleanly (or had not
                // started): a normal end (exit 0), not the 143 the JVM would report for SIGTERM.
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
        }, "flex-auth-shutdown"));
        FlexAuthServer server;
        try {
            server = FlexAuthServer.start(config);
        } catch (ServerStartException e) {
            throw new CliFailure("cannot_start", e.problems());
        }
        running.set(server);
        server.awaitTermination();
        return 0;
    }

    private ServerConfig config() {
        if (logFsync && log == null) {
            throw new ParameterException(spec.commandLine(), "--log-fsync needs --log FILE");
        }
        if (logKey != null && log == null) {
            throw new ParameterException(spec.commandLine(), "--log-key needs --log FILE");
        }
        if ((tlsKeystore == null) != (tlsPasswordFile == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-keystore and --tls-password-file go together");
        }
        boolean pull = ServerConfig.RegistrySource.isUrl(registry);
        boolean pullPolicy = ServerConfig.RegistrySource.isUrl(policyOption);
        if (pullPolicy && !pull) {
            throw new ParameterException(spec.commandLine(), "--policy " + policyOption.replaceAll("\\?.*", "?…") + " is a URL,"
                    + " but --registry is the file " + registry + ": pull both (--registry URL too), or give --policy a file");
        }
        if (!pullPolicy && policyOption.matches("(?i)https?:/.*")) {
            throw new ParameterException(spec.commandLine(), "--policy " + policyOption + ": expected a file, or an http:// or"
                    + " https:// URL");
        }
        policy = pullPolicy ? null : Path.of(policyOption);
        boolean limits = sourceConnectTimeout != null || sourceReadTimeout != null || sourceMaxBytes != null
                || sourceMaxRedirects != null;
        if (!pull && (sourceCa != null || sourceTokenFile != null || sourcePoll != null || maxSourceSilence != null
                || cacheDir != null || limits)) {
            throw new ParameterException(spec.commandLine(), "--source-ca, --source-token-file, --source-poll, "
                    + "--source-connect-timeout, --source-read-timeout, --source-max-bytes, --source-max-redirects, "
                    + "--max-source-silence and --cache-dir apply to a --registry URL only, and --registry is the file " + registry);
        }
        ServerConfig c;
        try {
            c = pull ? ServerConfig.defaults(new ServerConfig.RegistrySource(registry, sourceCa, sourceTokenFile,
                    sourcePoll == null ? ServerConfig.RegistrySource.DEFAULT_POLL : sourcePoll, maxSourceSilence, cacheDir,
                    fetchLimits(), pullPolicy ? policyOption : null), policy)
                    : ServerConfig.defaults(Path.of(registry), policy);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--registry: " + e.getMessage());
        }
        c = c.withAddress(address).withLog(log).withLogFsync(logFsync).withLogKey(logKey)
                .withTokenFile(tokenFile).withAdminTokenFile(adminTokenFile)
                .withWatchFiles(!noWatch).withReloadOnSighup(!noSighup).withRegistrySigners(registrySigners);
        if (tlsKeystore != null) {
            c = c.withTls(tlsKeystore, tlsPasswordFile);
        }
        try {
            if (publicUrl != null) {
                c = c.withPublicUrl(publicUrl);
            }
            if (instanceId != null) {
                c = c.withInstanceId(instanceId);
            }
            if (maxBodyBytes != null) {
                c = c.withMaxBodyBytes(maxBodyBytes);
            }
            if (workerThreads != null) {
                c = c.withWorkerThreads(workerThreads);
            }
            if (queueCapacity != null) {
                c = c.withQueueCapacity(queueCapacity);
            }
            if (readTimeoutSeconds != null) {
                c = c.withReadTimeout(Duration.ofSeconds(readTimeoutSeconds));
            }
            if (reloadDebounce != null) {
                c = c.withReloadDebounce(reloadDebounce);
            }
            if (reloadMaxDelay != null) {
                c = c.withReloadMaxDelay(reloadMaxDelay);
            }
            if (reloadPoll != null) {
                c = c.withReloadPoll(reloadPoll);
            }
            if (maxRegistryAge != null) {
                c = c.withMaxRegistryAge(maxRegistryAge);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return c;
    }

    /** The fetch limits of the source: each option checked on its own, so the error names the one to fix. */
    private ServerConfig.FetchLimits fetchLimits() {
        ServerConfig.FetchLimits d = ServerConfig.FetchLimits.DEFAULTS;
        ServerConfig.FetchLimits limits = d;
        limits = limit("--source-connect-timeout", limits, l -> sourceConnectTimeout == null ? l
                : new ServerConfig.FetchLimits(sourceConnectTimeout, l.readTimeout(), l.maxBytes(), l.maxRedirects()));
        limits = limit("--source-read-timeout", limits, l -> sourceReadTimeout == null ? l
                : new ServerConfig.FetchLimits(l.connectTimeout(), sourceReadTimeout, l.maxBytes(), l.maxRedirects()));
        limits = limit("--source-max-bytes", limits, l -> sourceMaxBytes == null ? l
                : new ServerConfig.FetchLimits(l.connectTimeout(), l.readTimeout(), sourceMaxBytes, l.maxRedirects()));
        return limit("--source-max-redirects", limits, l -> sourceMaxRedirects == null ? l
                : new ServerConfig.FetchLimits(l.connectTimeout(), l.readTimeout(), l.maxBytes(), sourceMaxRedirects));
    }

    private ServerConfig.FetchLimits limit(String option, ServerConfig.FetchLimits limits,
            java.util.function.UnaryOperator<ServerConfig.FetchLimits> with) {
        try {
            return with.apply(limits);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }
}
