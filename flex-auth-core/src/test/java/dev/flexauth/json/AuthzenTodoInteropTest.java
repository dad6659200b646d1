package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.ExampleResult;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The public AuthZEN Todo interop decisions (40 single, 3 batch), replayed through the AuthZEN codec
 * against the engine built from examples/authzen-todo. The server module replays the same file over
 * HTTP.
 */
class AuthzenTodoInteropTest {
    private static final Engine ENGINE = load();

    private static Engine load() {
        try {
            return EngineLoader.defaults().load(TestFiles.root().resolve("examples/authzen-todo/registry_snapshot.json"),
                    TestFiles.root().resolve("examples/authzen-todo/policy_package.md"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode decisions() throws Exception {
        try (InputStream in = AuthzenTodoInteropTest.class.getResourceAsStream("/interop/authzen-todo/decisions.json")) {
            return Json.MAPPER.readTree(in);
        }
    }

    @Test
    void thePackagesOwnExamplesHold() {
        for (ExampleResult r : ENGINE.runExamples()) {
            assertEquals(true, r.passed(), r.summary());
        }
    }

    @TestFactory
    Stream<DynamicTest> everySingleEvaluation() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode e : decisions().get("evaluation")) {
            JsonNode request = e.get("request");
            boolean expected = e.get("expected").booleanValue();
            String name = "evaluation " + (i++) + ": " + request.at("/action/name").asText() + " by "
                    + request.at("/subject/id").asText().substring(0, 12) + "... on " + request.at("/resource/id").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Decision d = ENGINE.check(AuthzenJson.readEvaluation(Json.MAPPER.writeValueAsBytes(request), ENGINE.policy().request()));
                assertEquals(expected, d.allowed(), () -> d.reason());
            }));
        }
        assertEquals(40, tests.size());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everyBatchEvaluation() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        int i = 0;
        for (JsonNode e : decisions().get("evaluations")) {
            JsonNode request = e.get("request");
            List<Boolean> expected = new ArrayList<>();
            e.get("expected").forEach(x -> expected.add(x.get("decision").booleanValue()));
            tests.add(DynamicTest.dynamicTest("batch " + (i++), () -> {
                AuthzenJson.Batch batch = AuthzenJson.readEvaluations(Json.MAPPER.writeValueAsBytes(request), ENGINE.policy().request());
                List<Boolean> actual = new ArrayList<>();
                for (Object r : AuthzenJson.run(batch, ENGINE::check)) {
                    actual.add(r instanceof Decision && ((Decision) r).allowed());
                }
                assertEquals(expected, actual);
                JsonNode response = Json.MAPPER.readTree(AuthzenJson.evaluationsResponse(AuthzenJson.run(batch, ENGINE::check)));
                assertEquals(expected.size(), response.get("evaluations").size());
            }));
        }
        assertEquals(3, tests.size());
        return tests.stream();
    }
}
