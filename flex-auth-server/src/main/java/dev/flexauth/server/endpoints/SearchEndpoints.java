package dev.flexauth.server.endpoints;

import dev.flexauth.analysis.AnalysisException;
import dev.flexauth.analysis.Search;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.SearchJson;
import dev.flexauth.reason.HttpError;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.server.transport.Admission;
import dev.flexauth.server.transport.ApiError;
import dev.flexauth.server.transport.Call;
import dev.flexauth.server.transport.Response;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The AuthZEN 1.0 Search APIs: {@code POST /access/v1/search/subject}, {@code /resource} and
 * {@code /action}, answered by the core's exact {@link Search} over the engine in service, one page
 * at a time. A search holds a decision slot of {@link Admission} while it decides its candidates,
 * so searches and checks share the same bound on concurrent work. Searches are not written to the
 * decision log: they decide nothing a PEP enforces, and a PEP that acts on a result asks for the
 * evaluation, which is logged. Thread-safe.
 */
public final class SearchEndpoints {
    private final Decider decider;
    private final Admission admission;
    /** The search of the engine in service, rebuilt when a reload swaps the engine (its candidates are cached per engine). */
    private final AtomicReference<Search> current = new AtomicReference<>();

    public SearchEndpoints(Decider decider, Admission admission) {
        this.decider = decider;
        this.admission = admission;
    }

    public Response subject(Call call) throws ApiError, IOException {
        return search(call, SearchJson.Kind.SUBJECT);
    }

    public Response resource(Call call) throws ApiError, IOException {
        return search(call, SearchJson.Kind.RESOURCE);
    }

    public Response action(Call call) throws ApiError, IOException {
        return search(call, SearchJson.Kind.ACTION);
    }

    private Response search(Call call, SearchJson.Kind kind) throws ApiError, IOException {
        call.query(Set.of());
        java.time.Instant minRegistry = MinRegistry.of(call);
        byte[] body = call.jsonBody(HttpError.BAD_REQUEST);
        // Flex-Auth-Min-Registry as for an evaluation: a search never answers from an older snapshot than asked.
        Search search = searchOf(decider.engine(minRegistry));
        Engine engine = search.engine();
        Search.Result result;
        SearchJson.Query q;
        String after;
        try {
            q = SearchJson.read(body, engine.policy().request(), kind);
            after = SearchJson.after(q, engine.registry(), engine.policy().digest());
        } catch (RequestException e) {
            throw ApiError.of(e);
        }
        try {
            admission.enterDecision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiError.of(HttpError.SHUTTING_DOWN, "the server is stopping; send the request to another instance");
        }
        try {
            result = search.allowed(q.fixed(), q.field(), after, q.limit());
        } catch (AnalysisException e) {
            throw ApiError.of(new RequestException(RequestCode.NOT_SEARCHABLE, q.field(), e.getMessage()));
        } catch (RequestException e) {
            throw ApiError.of(e);
        } finally {
            admission.leaveDecision();
        }
        String next = result.more() ? SearchJson.nextToken(q, engine.registry(), engine.policy().digest(),
                result.values().get(result.values().size() - 1)) : "";
        return Response.json(200, SearchJson.response(q, result.values(), next, result.othersAllowed(), engine.registry()));
    }

    private Search searchOf(Engine engine) {
        Search s = current.get();
        if (s != null && s.engine() == engine) {
            return s;
        }
        Search fresh = Search.of(engine);
        current.set(fresh);
        return fresh;
    }
}
