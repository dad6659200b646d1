package dev.flexauth.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code GET /metrics}: the Prometheus text exposition of {@link Metrics}. */
final class MetricsEndpoint implements Router.Endpoint {
    private final Metrics metrics;
    private final Reloader reloader;
    private final AuditLog log;
    private final Admission admission;

    MetricsEndpoint(Metrics metrics, Reloader reloader, AuditLog log, Admission admission) {
        this.metrics = metrics;
        this.reloader = reloader;
        this.log = log;
        this.admission = admission;
    }

    @Override
    public Response handle(Call call) {
        String text = metrics.render(reloader.state(), log == null ? null : log.status(), admission, reloader.now());
        Reloader.SourceStatus pull = reloader.sourceStatus();
        if (pull != null) {
            text += Metrics.source(pull);
        }
        Reloader.SourceStatus policyPull = reloader.policySourceStatus();
        if (policyPull != null) {
            text += Metrics.policySource(policyPull, reloader.latestPolicyRefused());
        }
        return new Response(200, Metrics.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
