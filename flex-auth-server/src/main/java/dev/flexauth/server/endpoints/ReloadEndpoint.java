package dev.flexauth.server.endpoints;

import dev.flexauth.reason.HttpError;
import dev.flexauth.server.reload.ReloadOutcome;
import dev.flexauth.server.reload.Reloader;
import dev.flexauth.server.transport.ApiError;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import dev.flexauth.server.transport.Router;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/admin/reload} (admin token only): loads the files again and answers what it did.
 * 200 {@code accepted} with the old and new digests; 422 {@code reload_rejected} with every
 * problem, the previous pair still serving; 202 {@code pending} if the load outlasts the wait
 * (the outcome then shows in {@code /healthz}). The request body, if any, is ignored.
 */
public final class ReloadEndpoint implements Router.Endpoint {
    private final Reloader reloader;
    private final Duration wait;

    public ReloadEndpoint(Reloader reloader, Duration wait) {
        this.reloader = reloader;
        this.wait = wait;
    }

    @Override
    public Response handle(Call call) throws ApiError {
        call.query(Set.of());
        Future<ReloadOutcome> pending;
        try {
            pending = reloader.request(ReloadOutcome.Trigger.ADMIN);
        } catch (RejectedExecutionException e) {
            throw ApiError.of(HttpError.SHUTTING_DOWN, "the server is stopping; it reloads no more");
        }
        ReloadOutcome outcome;
        try {
            outcome = pending.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("result", "pending");
            body.put("message", "the reload is still running; its outcome will show in /healthz last_reload");
            return Response.json(202, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.of(HttpError.SHUTTING_DOWN, "the server is stopping; the reload may not have run");
        } catch (ExecutionException e) {
            throw new IllegalStateException("a reload failed unexpectedly", e.getCause());
        }
        Map<String, Object> body = describe(outcome);
        if (outcome.accepted()) {
            return Response.json(200, body);
        }
        throw ApiError.of(HttpError.RELOAD_REJECTED, "the registry and policy files were refused ("
                + outcome.errors().size() + (outcome.errors().size() == 1 ? " problem" : " problems")
                + "); the previous pair keeps serving").withMembers(body);
    }

    static Map<String, Object> describe(ReloadOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("result", o.result().label());
        m.put("trigger", o.trigger().label());
        m.put("time", o.time());
        m.put("old", digests(o.before()));
        m.put("new", o.accepted() ? digests(o.after()) : null);
        m.put("errors", o.errors());
        if (o.accepted()) {
            Map<String, Object> examples = new LinkedHashMap<>();
            examples.put("passed", o.examplesPassed());
            examples.put("failed", o.examplesFailed());
            m.put("examples", examples);
        }
        return m;
    }

    private static Map<String, Object> digests(ReloadOutcome.Digests d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy_digest", d.policy());
        m.put("registry_digest", d.registry());
        return m;
    }
}
