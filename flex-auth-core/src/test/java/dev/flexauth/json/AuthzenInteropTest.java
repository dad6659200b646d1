package dev.flexauth.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.ExampleResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The public AuthZEN interop decision files (openid/authzen, copied under
 * {@code src/test/resources/interop/} with their provenance), replayed through the AuthZEN codec
 * against the engine built from the example package that models each scenario. The server module
 * replays the same files over HTTP ({@code AuthzenInteropTest} there).
 */
public class AuthzenInteropTest {

    /**
     * One interop decision file and the example package that answers it.
     *
     * @param name      the scenario, as in test names
     * @param example   the directory under {@code examples/} with {@code policy_package.md} and {@code registry_snapshot.json}
     * @param resource  the decision file on the test classpath
     * @param singleKey the member holding single evaluations ({@code evaluation}; the legacy file says {@code decisions})
     * @param singles   how many single evaluations the file holds
     * @param batches   how many evaluations batches it holds
     */
    public record Scenario(String name, String example, String resource, String singleKey, int singles, int batches) {
        /** The decision file, parsed. */
        public JsonNode decisions() {
            try (InputStream in = AuthzenInteropTest.class.getResourceAsStream(resource)) {
                return Json.mapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Every scenario the build replays. */
    public static final List<Scenario> SCENARIOS = List.of(
            new Scenario("todo 1.0-02", "authzen-todo", "/interop/authzen-todo/decisions-authorization-api-1_0-02.json", "evaluation", 40, 3),
            // Draft 01 sends the same shape as 02 (its items only add a "_note" member, ignored), so the same package answers it.
            new Scenario("todo 1.0-01", "authzen-todo", "/interop/authzen-todo/decisions-authorization-api-1_0-01.json", "evaluation", 40, 0),
            new Scenario("todo 1.0-00", "authzen-todo-1.0-00", "/interop/authzen-todo/decisions-authorization-api-1_0-00.json", "evaluation",
                    40, 0),
            new Scenario("api gateway", "authzen-api-gateway", "/interop/authzen-api-gateways/decisions.json", "evaluation", 25, 0));

    private static Engine engine(Scenario s) {
        try {
            return EngineLoader.defaults().load(TestFiles.root().resolve("examples/" + s.example() + "/registry_snapshot.json"),
                    TestFiles.root().resolve("examples/" + s.example() + "/policy_package.md"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicNode> everyInteropDecision() {
        return SCENARIOS.stream().map(s -> DynamicContainer.dynamicContainer(s.name(), scenario(s)));
    }

    private static Stream<DynamicNode> scenario(Scenario s) {
        Engine engine = engine(s);
        JsonNode all = s.decisions();
        List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the package's own examples hold", () -> {
            for (ExampleResult r : engine.runExamples()) {
                assertEquals(true, r.passed(), r.summary());
            }
        }));
        int i = 0;
        for (JsonNode e : all.get(s.singleKey())) {
            JsonNode request = e.get("request");
            boolean expected = e.get("expected").booleanValue();
            String name = "evaluation " + (i++) + ": " + request.at("/action/name").asText() + " by "
                    + request.at("/subject/id").asText() + " on " + request.at("/resource/id").asText();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                Decision d = engine.check(AuthzenJson.readEvaluation(Json.mapper().writeValueAsBytes(request), engine.policy().request()));
                assertEquals(expected, d.allowed(), d::reason);
            }));
        }
        assertEquals(s.singles(), i, s.name() + ": single evaluations in the file");
        int b = 0;
        for (JsonNode e : all.path("evaluations")) {
            JsonNode request = e.get("request");
            List<Boolean> expected = new ArrayList<>();
            e.get("expected").forEach(x -> expected.add(x.get("decision").booleanValue()));
            tests.add(DynamicTest.dynamicTest("batch " + (b++), () -> {
                AuthzenJson.Batch batch = AuthzenJson.readEvaluations(Json.mapper().writeValueAsBytes(request), engine.policy().request());
                List<Boolean> actual = new ArrayList<>();
                for (Object r : AuthzenJson.run(batch, engine::check)) {
                    actual.add(r instanceof Decision && ((Decision) r).allowed());
                }
                assertEquals(expected, actual);
            }));
        }
        assertEquals(s.batches(), b, s.name() + ": batches in the file");
        return tests.stream();
    }
}
