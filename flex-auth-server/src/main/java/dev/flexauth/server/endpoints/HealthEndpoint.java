package dev.flexauth.server.endpoints;

import dev.flexauth.engine.Engine;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.registry.Source;
import dev.flexauth.server.observability.AuditLog;
import dev.flexauth.server.reload.Loaded;
import dev.flexauth.server.reload.Reloader;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import dev.flexauth.server.transport.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET}/{@code HEAD /healthz}: the operators' pre-flight ({@code curl -fsS <url>/healthz}).
 * 200 with status {@code ok}, or {@code degraded} while the latest reload was rejected or Examples
 * or Properties fail against the pair in service (decisions are still answered; the start-up
 * pair's Properties are reported once checked, just after the start); 503 with {@code unavailable}
 * while the decision log cannot be written, so decisions cannot be answered, and 503 with
 * {@code stale} while the registry snapshot is older than the maximum registry age, so every check
 * denies with {@code registry_stale}. (A stopping server
 * answers 503 {@code shutting_down} to everything.) There is no state without a validated pair,
 * so there is no "starting" answer.
 */
public final class HealthEndpoint implements Router.Endpoint {
    private final Reloader reloader;
    private final AuditLog log;
    private final Path logPath;
    private final String instanceId;

    public HealthEndpoint(Reloader reloader, AuditLog log, Path logPath, String instanceId) {
        this.instanceId = instanceId;
        this.reloader = reloader;
        this.log = log;
        this.logPath = logPath;
    }

    /** How the package's Properties fared against the pair in service, reported like the Examples. */
    private static Map<String, Object> properties(Loaded loaded) {
        Map<String, Object> p = new LinkedHashMap<>();
        // False for the first moments after a start: the start-up pair's Properties are checked once it serves.
        p.put("checked", loaded.propertiesChecked());
        p.put("held", loaded.properties().size() - loaded.propertiesFailed());
        p.put("failed", loaded.propertiesFailed());
        p.put("cases", loaded.properties().isEmpty() ? 0 : loaded.properties().get(0).cases());
        p.put("decided", loaded.properties().isEmpty() ? 0 : loaded.properties().get(0).decided());
        p.put("exact", loaded.properties().stream().allMatch(r -> r.proven()));
        p.put("failures", loaded.propertyFailures());
        return p;
    }

    @Override
    public Response handle(Call call) {
        Reloader.State state = reloader.state();
        DecisionLog.Status logStatus = log == null ? null : log.status();
        boolean logDown = logStatus != null && logStatus.state() == DecisionLog.State.FAILED;
        Engine engine = state.loaded().engine();
        boolean stale = engine.registryStale();
        Reloader.SourceStatus pull = reloader.sourceStatus();
        Reloader.SourceStatus policyPull = reloader.policySourceStatus();
        String status = logDown ? "unavailable" : stale ? "stale"
                : !state.last().accepted() || state.loaded().examplesFailed() > 0
                || state.loaded().propertiesFailed() > 0 || pull != null && !pull.up()
                || policyPull != null && (!policyPull.up() || reloader.latestPolicyRefused()) ? "degraded" : "ok";

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("instance", instanceId);
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("package", engine.policy().name());
        policy.put("version", engine.policy().version());
        policy.put("digest", engine.policy().digest());
        policy.put("loaded_at", state.loaded().policyLoadedAt());
        if (policyPull != null) {
            Map<String, Object> pulled = new LinkedHashMap<>();
            pulled.put("url", policyPull.url());
            pulled.put("last_status", policyPull.lastStatus() == 0 ? null : policyPull.lastStatus());
            pulled.put("last_confirmed_at", policyPull.lastConfirmedAt());
            // A refused package stays refused until the source publishes another: say so past the next reload.
            pulled.put("latest_refused", reloader.latestPolicyRefused());
            pulled.put("failures", policyPull.failures());
            pulled.put("last_error", policyPull.up() ? null : policyPull.lastError());
            pulled.put("last_failure_at", policyPull.lastFailureAt());
            policy.put("pull", pulled);
        }
        body.put("policy", policy);
        Map<String, Object> registry = new LinkedHashMap<>();
        Source source = engine.registry().source();
        registry.put("digest", engine.registry().digest());
        registry.put("generated_at", source.generatedAt());
        registry.put("age_seconds", reloader.registryAge(engine).map(HealthEndpoint::seconds).orElse(null));
        registry.put("max_age_seconds", engine.maxRegistryAge().map(HealthEndpoint::seconds).orElse(null));
        registry.put("stale", stale);
        Map<String, Object> from = new LinkedHashMap<>();
        from.put("system", source.system());
        from.put("inventory", source.inventory());
        registry.put("source", from);
        registry.put("entities", new LinkedHashMap<>(engine.registry().counts()));
        registry.put("loaded_at", state.loaded().registryLoadedAt());
        if (pull != null) {
            // The URL never with its query string, which may be a credential.
            Map<String, Object> pulled = new LinkedHashMap<>();
            pulled.put("url", pull.url());
            pulled.put("last_status", pull.lastStatus() == 0 ? null : pull.lastStatus());
            pulled.put("last_confirmed_at", pull.lastConfirmedAt());
            pulled.put("silence_ms", pull.silence().toMillis());
            pulled.put("max_silence_ms", pull.maxSilence() == null ? null : pull.maxSilence().toMillis());
            pulled.put("failures", pull.failures());
            pulled.put("last_error", pull.up() ? null : pull.lastError());
            pulled.put("last_failure_at", pull.lastFailureAt());
            registry.put("pull", pulled);
        }
        body.put("registry", registry);
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put("passed", state.loaded().examplesPassed());
        examples.put("failed", state.loaded().examplesFailed());
        examples.put("failures", state.loaded().exampleFailures());
        body.put("examples", examples);
        body.put("properties", properties(state.loaded()));
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("result", state.last().result().label());
        last.put("trigger", state.last().trigger().label());
        last.put("time", state.last().time());
        last.put("errors", state.last().errors());
        body.put("last_reload", last);
        Map<String, Object> decisionLog = new LinkedHashMap<>();
        decisionLog.put("enabled", logStatus != null);
        if (logStatus != null) {
            decisionLog.put("state", logStatus.state() == DecisionLog.State.OK ? "ok" : "failed");
            decisionLog.put("path", logPath.toString());
            decisionLog.put("last_seq", logStatus.lastSeq());
            decisionLog.put("last_error", logStatus.lastError());
            decisionLog.put("failed_since", logStatus.failedSince());
        }
        body.put("decision_log", decisionLog);
        return Response.json(logDown || stale ? 503 : 200, body);
    }

    private static long seconds(Duration d) {
        return d.getSeconds();
    }
}
