package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flex-auth search} on the real jar. */
class SearchIT {
    private static final String SEARCH_REGISTRY = "examples/authzen-search/registry_snapshot.json";
    private static final String SEARCH_POLICY = "examples/authzen-search/policy_package.md";

    @Test
    void whichSubjectsMaySignAsTheBridgeAgent() {
        Cli.Result r = Cli.run("search", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--field", "subject",
                "--request", "{\"actor\":\"agt-state-hub-bridge\",\"action\":\"ssh.sign\"}");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("", r.err()),
                () -> assertEquals(List.of("agt-state-hub-bridge", "iam:agt-state-hub-bridge"), r.outLines()));
    }

    @Test
    void whichRecordsMayAliceDeleteAsJson() {
        Cli.Result r = Cli.run("search", "--registry", SEARCH_REGISTRY, "--policy", SEARCH_POLICY, "--field", "record",
                "--request", "{\"user\":\"alice\",\"action\":\"delete\"}", "--json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(List.of("{\"field\":\"record\",\"values\":[\"101\",\"107\",\"113\",\"119\"],\"unlisted_allowed\":false}"),
                        r.outLines()));
    }

    @Test
    void aFieldThatIsNotAStringCannotBeSearched() {
        Cli.Result r = Cli.run("search", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--field", "ttl_hours",
                "--request", "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"agt-state-hub-bridge\",\"action\":\"ssh.sign\"}");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals("error: field \"ttl_hours\" is integer; only string and entity fields can be searched, their"
                        + " values are named by the package and the registry\n", r.err()));
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        Cli.Result r = Cli.run("search", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--field", "subject",
                "--request", "{\"actor\":\"agt-state-hub-bridge\"}");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals(true, r.err().startsWith("error: invalid request: missing required field \"action\""), r.err()));
    }
}
