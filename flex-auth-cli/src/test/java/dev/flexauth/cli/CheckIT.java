package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flex-auth check} on the real jar. */
class CheckIT {
    private static final String BRIDGE = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\","
            + "\"action\":\"ssh.sign\",\"ttl_hours\":";

    /** The line of the policy file that holds {@code text}, found independently of the reader. */
    private static int lineOf(String text) throws Exception {
        List<String> lines = Files.readAllLines(Cli.ROOT.resolve(Cli.POLICY));
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in the policy");
    }

    @Test
    void anAllowShowsTheOutputs() {
        Cli.Result r = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--request", BRIDGE + "24}");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("", r.err()),
                () -> assertEquals("effect    allow", r.outLines().get(0)),
                () -> assertEquals("reason    signing_policy_matched", r.outLines().get(1)),
                () -> assertTrue(r.outLines().get(2).matches("decision  decision:[0-9a-f]{16}"), r.outLines().get(2)),
                () -> assertEquals("outputs   principal=\"agt-task-bridge\" max_ttl_hours=24", r.outLines().get(3)),
                () -> assertEquals(4, r.outLines().size()));
    }

    @Test
    void aDenyIsAnAnswerAndExplainNamesTheRuleItsLineAndTheValuesSeen() throws Exception {
        Cli.Result r = Cli.run(Cli.ROOT, BRIDGE + "999}", "check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--explain");
        int ttlRule = lineOf("deny ttl_out_of_bounds");
        int unknownRule = lineOf("deny unknown_actor_resource when");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("effect    deny", r.outLines().get(0)),
                () -> assertEquals("reason    ttl_out_of_bounds", r.outLines().get(1)),
                () -> assertEquals("  deny unknown_actor_resource  " + Cli.POLICY + ":" + unknownRule
                        + "  \"Unknown actors are refused\"", r.outLines().get(5)),
                () -> assertEquals("      did not match: actor \"agt-state-hub-bridge\" is in the registry", r.outLines().get(6)),
                () -> assertEquals("      did not match: principal is absent", r.outLines().get(12)),
                () -> assertEquals("  deny ttl_out_of_bounds       " + Cli.POLICY + ":" + ttlRule
                        + "  \"The TTL stays within the actor's maximum\"", r.outLines().get(13)),
                () -> assertEquals("      matched: ttl_hours 999 is present and ttl_hours 999 is more than actor.max_ttl_hours 24",
                        r.outLines().get(14)),
                () -> assertEquals(15, r.outLines().size()));
    }

    @Test
    void jsonIsTheServersDecisionEnvelope() throws Exception {
        Cli.Result r = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--json", "--explain",
                "--request", "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:adm-example\",\"action\":\"ssh.sign\"}");
        JsonNode o = TestJson.MAPPER.readTree(r.out());
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(o.get("decision_id").asText().matches("decision:[0-9a-f]{16}")),
                () -> assertEquals("deny", o.get("effect").asText()),
                () -> assertEquals("subject_not_bound", o.get("reason").asText()),
                () -> assertEquals("flex-auth", o.get("backend").asText()),
                () -> assertEquals("ops-warden.ssh-signing", o.at("/policy/package").asText()),
                () -> assertEquals(4, o.at("/registry/entities/actor").asInt()),
                () -> assertEquals(3, o.at("/explain/rules").size()),
                () -> assertEquals("matched", o.at("/explain/rules/2/outcome").asText()),
                () -> assertEquals(lineOf("deny subject_not_bound"), o.at("/explain/rules/2/line").asInt()));
    }

    @Test
    void anUnknownFieldIsAnInvalidRequest() throws Exception {
        Cli.Result r = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--json",
                "--request", "{\"actor\":\"adm-example\",\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl\":1}");
        JsonNode o = TestJson.MAPPER.readTree(r.out());
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: invalid request: unknown field \"ttl\"; the policy's request fields are "
                        + "actor, subject, action, principal, ttl_hours"), r.errLines()),
                () -> assertEquals("unknown_field", o.get("error").asText()),
                () -> assertEquals("ttl", o.at("/problems/0/field").asText()));
    }

    @Test
    void aWrongTypeNamesTheField() {
        Cli.Result r = Cli.run(Cli.ROOT, BRIDGE + "\"24\"}", "check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals(List.of("error: invalid request: field \"ttl_hours\" must be integer, got a string"),
                        r.errLines()));
    }

    @Test
    void anEmptyStdinSaysWhatToSend() {
        Cli.Result r = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: invalid request: empty body: send a JSON object with the fields "
                        + "actor, subject, action, principal, ttl_hours"), r.errLines()));
    }

    @Test
    void secretMaterialIsRefusedWithoutEchoingIt() {
        String secret = "hunter2-do-not-print";
        Cli.Result r = Cli.run("check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY,
                "--request", "{\"actor\":\"adm-example\",\"password\":\"" + secret + "\"}");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertTrue(r.err().contains("looks like a credential"), r.err()),
                () -> assertFalse(r.err().contains(secret)),
                () -> assertFalse(r.out().contains(secret)));
    }

    @Test
    void aBrokenPolicyDecidesNothing() {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "check", "--registry", Cli.ROOT.resolve(Cli.REGISTRY).toString(),
                "--policy", "policy_unknown_attribute.md", "--request", BRIDGE + "1}");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals(List.of("policy_unknown_attribute.md:95:69: unknown_attribute: kind \"actor\" has no "
                        + "attribute \"max_ttl\" in the Registry table; did you mean \"max_ttl_hours\"?"), r.errLines()));
    }

    @Test
    void aMissingRegistryFileIsOneLine() {
        Cli.Result r = Cli.run("check", "--registry", "no-such-registry.json", "--policy", Cli.POLICY, "--request", "{}");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("no-such-registry.json: file not found: no-such-registry.json"), r.errLines()));
    }
}
