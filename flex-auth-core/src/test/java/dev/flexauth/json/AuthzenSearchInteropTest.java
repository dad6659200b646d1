package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.TestFiles;
import dev.flexauth.analysis.Search;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.ExampleResult;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The public AuthZEN search demo (60 subject, 18 resource and 120 action searches) and IdP (6
 * resource searches) results, replayed through the search codec and the exact search against the
 * engine built from examples/authzen-search; scored as upstream scores them, by the set of results.
 * The server module replays the same files over HTTP.
 */
class AuthzenSearchInteropTest {
    static final Engine ENGINE = load();

    private static Engine load() {
        try {
            return EngineLoader.defaults().load(TestFiles.root().resolve("examples/authzen-search/registry_snapshot.json"),
                    TestFiles.root().resolve("examples/authzen-search/policy_package.md"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cases of one upstream file: {@code subject}, {@code resource}, {@code action} or {@code idp}. */
    static List<JsonNode> cases(String file) throws Exception {
        try (InputStream in = AuthzenSearchInteropTest.class.getResourceAsStream("/interop/authzen-search/" + file + "/results.json")) {
            JsonNode root = Json.mapper().readTree(in);
            List<JsonNode> out = new ArrayList<>();
            root.get(file.equals("idp") ? "search" : "evaluation").forEach(out::add);
            return out;
        }
    }

    /** A case's expected results as a set of "type/id" or action names. */
    static Set<String> expected(JsonNode c) {
        Set<String> out = new TreeSet<>();
        c.get("expected").get("results").forEach(r -> out.add(r.has("name") ? r.get("name").asText() : r.get("type").asText() + "/" + r.get("id").asText()));
        return out;
    }

    @Test
    void thePackagesOwnExamplesHold() {
        for (ExampleResult r : ENGINE.runExamples()) {
            assertTrue(r.passed(), r.summary());
        }
    }

    @Test
    void theFilesHoldTheCasesTheReadmeCounts() throws Exception {
        assertEquals(List.of(60, 18, 120, 6), List.of(cases("subject").size(), cases("resource").size(),
                cases("action").size(), cases("idp").size()));
    }

    @TestFactory
    Stream<DynamicTest> everySearch() throws Exception {
        Search search = Search.of(ENGINE);
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : List.of("subject", "resource", "action", "idp")) {
            SearchJson.Kind kind = file.equals("idp") ? SearchJson.Kind.RESOURCE : SearchJson.Kind.valueOf(file.toUpperCase(java.util.Locale.ROOT));
            int i = 0;
            for (JsonNode c : cases(file)) {
                JsonNode request = c.get("request");
                tests.add(DynamicTest.dynamicTest(file + " " + i++ + ": " + request, () -> {
                    SearchJson.Query q = SearchJson.read(Json.mapper().writeValueAsBytes(request), ENGINE.policy().request(), kind);
                    Search.Result r = search.allowed(q.fixed(), q.field(), null, SearchJson.MAX_LIMIT);
                    assertFalse(r.more());
                    assertFalse(r.othersAllowed(), "nothing the registry does not hold is allowed");
                    Set<String> actual = new TreeSet<>();
                    r.values().forEach(v -> actual.add(kind == SearchJson.Kind.ACTION ? v : q.type() + "/" + v));
                    assertEquals(expected(c), actual);
                }));
            }
        }
        assertEquals(204, tests.size());
        return tests.stream();
    }
}
