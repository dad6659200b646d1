package dev.flexauth.server.endpoints;

import static dev.flexauth.server.observability.Metrics.counter;
import static dev.flexauth.server.observability.Metrics.head;
import static dev.flexauth.server.observability.Metrics.label;
import static dev.flexauth.server.observability.Metrics.number;

import dev.flexauth.engine.Engine;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.reload.Reloader;
import dev.flexauth.server.transport.Admission;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import dev.flexauth.server.transport.Router;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /metrics}: the Prometheus text exposition of {@link Metrics}' counters and of the
 * gauges read from the serving state (the pair in service, the latest reload, the decision log,
 * the request queue and the URL sources).
 */
public final class MetricsEndpoint implements Router.Endpoint {
    private final Metrics metrics;
    private final Reloader reloader;
    private final AuditLog log;
    private final Admission admission;

    public MetricsEndpoint(Metrics metrics, Reloader reloader, AuditLog log, Admission admission) {
        this.metrics = metrics;
        this.reloader = reloader;
        this.log = log;
        this.admission = admission;
    }

    @Override
    public Response handle(Call call) {
        String text = render(metrics, reloader.state(), log == null ? null : log.status(), admission, reloader.now());
        Reloader.SourceStatus pull = reloader.sourceStatus();
        if (pull != null) {
            text += source(pull);
        }
        Reloader.SourceStatus policyPull = reloader.policySourceStatus();
        if (policyPull != null) {
            text += policySource(policyPull, reloader.latestPolicyRefused());
        }
        return new Response(200, Metrics.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * The exposition: the counters, and gauges from {@code state}, {@code log} (null if none) and
     * {@code admission}, with the registry's age taken at {@code now}.
     */
    static String render(Metrics metrics, Reloader.State state, DecisionLog.Status log, Admission admission, Instant now) {
        StringBuilder sb = new StringBuilder(4096);
        metrics.appendDecisions(sb);
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

        metrics.appendReloads(sb);
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
            metrics.appendLog(sb, log);
        }

        metrics.appendResponses(sb);
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
}
