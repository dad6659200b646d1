package dev.flexauth.server.endpoints;

import dev.flexauth.json.DecisionJson;
import dev.flexauth.json.RequestJson;
import dev.flexauth.server.transport.ApiError;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import dev.flexauth.server.transport.Router;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/check}: the body is a JSON object of the package's Request fields, read
 * strictly; the answer is the decision envelope, 200 for allow and for deny, with the explain
 * trace when {@code ?explain=true}.
 */
public final class CheckEndpoint implements Router.Endpoint {
    private final Decider decider;

    public CheckEndpoint(Decider decider) {
        this.decider = decider;
    }

    @Override
    public Response handle(Call call) throws ApiError, IOException {
        Map<String, String> query = call.query(Set.of("explain"));
        boolean explain = Call.flag(query, "explain");
        java.time.Instant minRegistry = MinRegistry.of(call);
        byte[] body = call.jsonBody();
        Decider.Decided d = decider.decide(engine -> RequestJson.read(body, engine.policy().request()), explain, minRegistry);
        return Response.json(200, DecisionJson.envelope(d.decision()));
    }
}
