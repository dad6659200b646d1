package dev.flexauth.server;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.log.DecisionLog;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters and the Prometheus text exposition (format 0.0.4) of them and of the
 * gauges read from the serving state. Names start with {@code flexauth_}; docs/http-api.md lists
 * them. Counting is lock-free ({@link LongAdder}s); rendering reads a consistent-enough snapshot.
 * Thread-safe.
 */
final class Metrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    /** Upper bounds of the check latency buckets, in seconds. */
    private static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
        0.25, 0.5, 1, 2.5};

    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reloads = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();
    private final LongAdder[] latencyBuckets = new LongAdder[BUCKETS.length + 1];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder unlogged = new LongAdder();
    private final LongAdder logFailures = new LongAdder();
    private final String instanceId;
    private final LongAdder defects = new LongAdder();

    Metrics() {
        this(null);
    }

    /** {@code instanceId}: rendered as {@code flexauth_instance_info}; {@code null} leaves that metric out. */
    Metrics(String instanceId) {
        this.instanceId = instanceId;
        for (int i = 0; i < latencyBuckets.length; i++) {
            latencyBuckets[i] = new LongAdder();
        }
    }

    void decision(Decision d, long nanos) {
        decisions.computeIfAbsent(label("effect", d.effect().label()) + "," + label("reason", d.reason()), k -> new LongAdder())
                .increment();
        int i = 0;
        while (i < BUCKETS.length && nanos > BUCKETS[i] * 1e9) {
            i++;
        }
        latencyBuckets[i].increment();
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    void unlogged() {
        unlogged.increment();
    }

    void logFailure() {
        logFailures.increment();
    }

    /** A request answered 500 {@code internal_error}: a defect, never the request's fault. */
    void defect() {
        defects.increment();
    }

    long defects() {
        return defects.sum();
    }

    void reload(ReloadOutcome outcome) {
        reloads.computeIfAbsent(label("result", outcome.result().label()) + "," + label("trigger", outcome.trigger().label()),
                k -> new LongAdder()).increment();
    }

    void response(int status) {
        responses.computeIfAbsent(status, k -> new LongAdder()).increment();
    }

    /** The exposition: the counters, and gauges from {@code state}, {@code log} (null if none) and {@code admission}. */
    String render(Reloader.State state, DecisionLog.Status log, Admission admission) {
        return render(state, log, admission, Instant.now());
    }

    /** As {@link #render(Reloader.State, DecisionLog.Status, Admission)}, with the registry's age taken at {@code now}. */
    String render(Reloader.State state, DecisionLog.Status log, Admission admission, Instant now) {
        StringBuilder sb = new StringBuilder(4096);
        counter(sb, "flexauth_decisions_total", "Decisions answered, by effect and reason.", decisions);
        counter(sb, "flexauth_decisions_unlogged_total",
                "Decisions refused with 503 because the decision log could not be written.", unlogged.sum());

        head(sb, "flexauth_check_duration_seconds", "histogram",
                "Time to map, decide and log one check request, from its parsed body to its answer.");
        long cumulative = 0;
        for (int i = 0; i <= BUCKETS.length; i++) {
            cumulative += latencyBuckets[i].sum();
            String le = i < BUCKETS.length ? number(BUCKETS[i]) : "+Inf";
            sb.append("flexauth_check_duration_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
        }
        sb.append("flexauth_check_duration_seconds_sum ").append(number(latencyNanos.sum() / 1e9)).append('\n');
        sb.append("flexauth_check_duration_seconds_count ").append(latencyCount.sum()).append('\n');

        if (instanceId != null) {
            // instance_id, not instance: Prometheus gives every scraped series its target's "instance"
            // label and would rename ours to exported_instance.
            head(sb, "flexauth_instance_info", "gauge", "This replica's --instance-id (always 1).");
            sb.append("flexauth_instance_info{").append(label("instance_id", instanceId)).append("} 1\n");
        }
        Engine engine = state.loaded().engine();
        head(sb, "flexauth_engine_info", "gauge", "The policy package and registry snapshot in service (always 1).");
        sb.append("flexauth_engine_info{").append(label("package", engine.policy().name())).append(',')
                .append(label("version", engine.policy().version())).append(',')
                .append(label("policy_digest", engine.policy().digest())).append(',')
                .append(label("registry_digest", engine.registry().digest())).append(',')
                .append(label("registry_generated_at", engine.registry().source().generatedAt())).append("} 1\n");
        engine.registryGeneratedAt().ifPresent(generated -> {
            head(sb, "flexauth_registry_generated_timestamp_seconds", "gauge",
                    "The source.generated_at of the registry snapshot in service, in Unix seconds.");
            sb.append("flexauth_registry_generated_timestamp_seconds ").append(number(generated.toEpochMilli() / 1000.0))
                    .append('\n');
            head(sb, "flexauth_registry_age_seconds", "gauge",
                    "How long ago the registry snapshot in service was generated (now minus source.generated_at).");
            sb.append("flexauth_registry_age_seconds ").append(number((now.toEpochMilli() - generated.toEpochMilli()) / 1000.0))
                    .append('\n');
        });
        engine.maxRegistryAge().ifPresent(max -> {
            head(sb, "flexauth_registry_max_age_seconds", "gauge", "The maximum registry age (--max-registry-age).");
            sb.append("flexauth_registry_max_age_seconds ").append(max.getSeconds()).append('\n');
        });
        head(sb, "flexauth_registry_stale", "gauge",
                "1 while the registry snapshot is older than the maximum registry age and every check denies with registry_stale.");
        sb.append("flexauth_registry_stale ").append(engine.registryStale() ? 1 : 0).append('\n');
        head(sb, "flexauth_registry_entities", "gauge", "Entities in the registry snapshot in service, by kind.");
        engine.registry().counts().forEach((kind, n) ->
                sb.append("flexauth_registry_entities{").append(label("kind", kind)).append("} ").append(n).append('\n'));
        head(sb, "flexauth_policy_examples", "gauge", "The policy package's Examples against the pair in service, by result.");
        sb.append("flexauth_policy_examples{result=\"passed\"} ").append(state.loaded().examplesPassed()).append('\n');
        sb.append("flexauth_policy_examples{result=\"failed\"} ").append(state.loaded().examplesFailed()).append('\n');
        head(sb, "flexauth_policy_properties", "gauge", "The policy package's Properties over the pair in service, by result.");
        sb.append("flexauth_policy_properties{result=\"held\"} ")
                .append(state.loaded().properties().size() - state.loaded().propertiesFailed()).append('\n');
        sb.append("flexauth_policy_properties{result=\"failed\"} ").append(state.loaded().propertiesFailed()).append('\n');

        counter(sb, "flexauth_reloads_total", "Reloads of the registry and policy, by result and trigger.", reloads);
        head(sb, "flexauth_last_reload_rejected", "gauge",
                "1 while the latest reload was rejected and the previous pair keeps serving, else 0.");
        sb.append("flexauth_last_reload_rejected ").append(state.last().accepted() ? 0 : 1).append('\n');
        head(sb, "flexauth_last_reload_timestamp_seconds", "gauge", "When the latest reload attempt ran, in Unix seconds.");
        sb.append("flexauth_last_reload_timestamp_seconds ").append(number(state.last().time().toEpochMilli() / 1000.0))
                .append('\n');
        head(sb, "flexauth_last_reload_info", "gauge",
                "The latest reload attempt's result and trigger (always 1; its errors are in /healthz last_reload.errors).");
        sb.append("flexauth_last_reload_info{").append(label("result", state.last().result().label())).append(',')
                .append(label("trigger", state.last().trigger().label())).append("} 1\n");
        head(sb, "flexauth_last_reload_errors", "gauge", "Problems the latest reload attempt found (0 when it was accepted).");
        sb.append("flexauth_last_reload_errors ").append(state.last().errors().size()).append('\n');

        if (log != null) {
            head(sb, "flexauth_decision_log_up", "gauge", "1 while the decision log can be written, 0 while decisions are refused.");
            sb.append("flexauth_decision_log_up ").append(log.state() == DecisionLog.State.OK ? 1 : 0).append('\n');
            counter(sb, "flexauth_decision_log_write_failures_total",
                    "Times a decision log write or sync failed and the log stopped accepting decisions.", logFailures.sum());
            counter(sb, "flexauth_decision_log_lines_total", "Lines this process wrote to the decision log.", log.linesWritten());
            counter(sb, "flexauth_decision_log_syncs_total", "Syncs of the decision log to disk (one per group in fsync mode).",
                    log.syncs());
            head(sb, "flexauth_decision_log_head", "gauge", "The decision log's last acknowledged line: its seq as the value, its"
                    + " chain value as a label; an anchor to keep elsewhere, so that a later verify-log can show the file still holds it.");
            sb.append("flexauth_decision_log_head{").append(label("chain", log.lastChain())).append("} ").append(log.lastSeq())
                    .append('\n');
        }

        Map<String, LongAdder> byCode = new TreeMap<>();
        responses.forEach((status, n) -> byCode.put(label("code", Integer.toString(status)), n));
        counter(sb, "flexauth_http_responses_total", "HTTP answers sent by flex-auth, by status code.", byCode);
        counter(sb, "flexauth_http_defects_total",
                "Requests answered 500 internal_error because of a defect in flex-auth; each is in the server log with its stack trace.",
                defects.sum());
        counter(sb, "flexauth_requests_shed_total", "Requests answered 503 overloaded because every worker was busy and the queue full.",
                admission.shed());
        counter(sb, "flexauth_connections_dropped_total",
                "Connections closed unanswered because even the overload answers were queued to their limit.", admission.dropped());
        head(sb, "flexauth_worker_queue_length", "gauge", "Requests waiting for a worker.");
        sb.append("flexauth_worker_queue_length ").append(admission.queued()).append('\n');
        return sb.toString();
    }

    /** A URL source's series; the URL label never holds the query string. */
    static String source(Reloader.SourceStatus pull) {
        StringBuilder sb = new StringBuilder();
        head(sb, "flexauth_source_up", "gauge", "1 if the latest poll of the registry source answered 200 or 304, else 0.");
        sb.append("flexauth_source_up{").append(label("url", pull.url())).append("} ").append(pull.up() ? 1 : 0).append('\n');
        counter(sb, "flexauth_source_fetch_failures_total", "Polls of the registry source that failed (the pair in service kept serving).",
                pull.failures());
        head(sb, "flexauth_source_silence_seconds", "gauge",
                "Time since the registry source last confirmed the snapshot in service (a 200 that loaded, or a 304).");
        sb.append("flexauth_source_silence_seconds ").append(number(pull.silence().toMillis() / 1000.0)).append('\n');
        if (pull.maxSilence() != null) {
            head(sb, "flexauth_source_max_silence_seconds", "gauge", "The silence past which every check denies with registry_stale.");
            sb.append("flexauth_source_max_silence_seconds ").append(number(pull.maxSilence().toMillis() / 1000.0)).append('\n');
        }
        return sb.toString();
    }

    /** A policy source's series ({@code --policy URL}); the URL label never holds the query string. */
    static String policySource(Reloader.SourceStatus pull, boolean latestRefused) {
        StringBuilder sb = new StringBuilder();
        head(sb, "flexauth_policy_source_up", "gauge", "1 if the latest poll of the policy source answered 200 or 304, else 0.");
        sb.append("flexauth_policy_source_up{").append(label("url", pull.url())).append("} ").append(pull.up() ? 1 : 0).append('\n');
        counter(sb, "flexauth_policy_source_fetch_failures_total",
                "Polls of the policy source that failed (the pair in service kept serving).", pull.failures());
        head(sb, "flexauth_policy_source_latest_refused", "gauge",
                "1 while the latest policy package the source handed over was refused and an older one serves, else 0.");
        sb.append("flexauth_policy_source_latest_refused ").append(latestRefused ? 1 : 0).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, Map<String, LongAdder> series) {
        head(sb, name, "counter", help);
        new TreeMap<>(series).forEach((labels, n) -> sb.append(name).append('{').append(labels).append("} ").append(n.sum()).append('\n'));
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        head(sb, name, "counter", help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    private static void head(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String label(String name, String value) {
        return name + "=\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String number(double d) {
        return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
