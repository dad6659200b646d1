package dev.flexauth.server.endpoints;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.AuthzenJson;
import dev.flexauth.reason.HttpError;
import dev.flexauth.server.transport.ApiError;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OpenID AuthZEN Authorization API 1.0 endpoints. The mapping from AuthZEN members to request
 * fields is the policy package's (its Request table's {@code authzen} column, applied by
 * {@link AuthzenJson}); every decision goes through the same {@link Decider} as {@code /v1/check},
 * so it is logged and counted the same way.
 */
public final class AuthzenEndpoints {
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

    private final Decider decider;
    private final String publicUrl;
    private final boolean tls;

    public AuthzenEndpoints(Decider decider, String publicUrl, boolean tls) {
        this.decider = decider;
        this.publicUrl = publicUrl;
        this.tls = tls;
    }

    /** {@code POST /access/v1/evaluation}: one evaluation. */
    public Response evaluation(Call call) throws ApiError, IOException {
        call.query(Set.of());
        java.time.Instant minRegistry = MinRegistry.of(call);
        byte[] body = call.jsonBody(HttpError.BAD_REQUEST);
        Decider.Decided d = decider.decide(engine -> AuthzenJson.readEvaluation(body, engine.policy().request()), false, minRegistry);
        return Response.json(200, AuthzenJson.evaluationResponse(d.decision()));
    }

    /**
     * {@code POST /access/v1/evaluations}: a batch, decided item by item on one engine, so a reload
     * in the middle of a batch cannot split it between two policies. Without items it is one
     * evaluation, answered as {@link #evaluation} answers.
     */
    public Response evaluations(Call call) throws ApiError, IOException {
        call.query(Set.of());
        java.time.Instant minRegistry = MinRegistry.of(call);
        byte[] body = call.jsonBody(HttpError.BAD_REQUEST);
        long start = System.nanoTime();
        Engine engine = decider.engine(minRegistry);
        AuthzenJson.Batch batch;
        try {
            batch = AuthzenJson.readEvaluations(body, engine.policy().request());
        } catch (RequestException e) {
            throw ApiError.of(e);
        }
        if (batch.single()) {
            // No evaluations (absent or empty): the specification's backwards-compatible single evaluation.
            return Response.json(200, AuthzenJson.evaluationResponse(decider.decide(engine, batch.items().get(0).request(), false, start)
                    .decision()));
        }
        List<Object> results;
        try {
            results = AuthzenJson.run(batch, request -> {
                try {
                    return decider.decide(engine, request, false, start).decision();
                } catch (ApiError e) {
                    throw new Refused(e);
                }
            });
        } catch (Refused r) {
            // The decision log could not record an item: no part of the batch is answered.
            throw r.error;
        }
        return Response.json(200, AuthzenJson.evaluationsResponse(results));
    }

    /**
     * The path of the configured public URL ({@code /tenant1}), or empty: AuthZEN puts the metadata
     * of a PDP whose base URL has a path at {@code /.well-known/authzen-configuration} followed by
     * that path.
     */
    public String publicPath() {
        return publicUrl == null ? "" : java.net.URI.create(publicUrl).getRawPath();
    }

    /** {@code GET /.well-known/authzen-configuration}: where the evaluation endpoints are. */
    public Response metadata(Call call) throws ApiError {
        call.query(Set.of());
        return Response.json(200, AuthzenJson.metadata(issuer(call)));
    }

    /** The configured public URL, else the scheme and the request's Host (when it is a plain host[:port]). */
    private String issuer(Call call) throws ApiError {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = call.header("Host");
        if (host == null || !HOST.matcher(host).matches()) {
            throw ApiError.of(HttpError.BAD_REQUEST, "the Host header is missing or not a host[:port];"
                    + " send one, or start the server with --public-url");
        }
        return (tls ? "https://" : "http://") + host;
    }

    /** Carries an {@link ApiError} out of the batch loop's function. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ApiError error;

        Refused(ApiError error) {
            super(null, null, false, false);
            this.error = error;
        }
    }
}
