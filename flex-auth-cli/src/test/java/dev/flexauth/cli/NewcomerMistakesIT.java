package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, points 4 and 6, on the real jar: what a newcomer types first (explain, a positional
 * snapshot, the two files the wrong way round) gets an answer or an error that says what to do.
 */
class NewcomerMistakesIT {
    private static final String NOT_A_POLICY = Cli.REGISTRY + ":1:1: not_a_policy: this file is JSON, not a Markdown "
            + "policy package; is it the registry snapshot? Pass the policy package (the .md file) as the policy";
    private static final String NOT_A_SNAPSHOT = Cli.POLICY + ": this file is Markdown, not a JSON registry snapshot; "
            + "is it the policy package? Pass the registry snapshot (the .json file) as the registry";
    private static final String SWAPPED = "hint: the two files look swapped: " + Cli.POLICY + " is Markdown (a policy "
            + "package) and " + Cli.REGISTRY + " is JSON (a registry snapshot); pass the snapshot as the registry and the "
            + "package as the policy";
    private static final String REQUEST = "{\"actor\":\"agt-state-hub-bridge\",\"subject\":\"iam:agt-state-hub-bridge\","
            + "\"action\":\"ssh.sign\",\"ttl_hours\":999}";

    @Test
    void swappedFilesAreNamedAsSwapped() throws Exception {
        Cli.Result r = Cli.run("check", "--registry", Cli.POLICY, "--policy", Cli.REGISTRY, "--request", REQUEST);
        Cli.Result json = Cli.run("check", "--registry", Cli.POLICY, "--policy", Cli.REGISTRY, "--request", REQUEST, "--json");
        JsonNode o = TestJson.MAPPER.readTree(json.out());
        assertAll(r + "\n" + json,
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of(NOT_A_POLICY, NOT_A_SNAPSHOT, SWAPPED), r.errLines()),
                () -> assertEquals("2 problems; nothing was loaded", o.get("message").asText()),
                () -> assertEquals("not_a_policy", o.at("/problems/0/code").asText()),
                () -> assertEquals("not_a_snapshot", o.at("/problems/1/code").asText()),
                () -> assertEquals(SWAPPED, o.at("/problems/2/text").asText()));
    }

    @Test
    void aPolicyGivenAsTheSnapshotOrASnapshotAsThePolicyIsSaidSo() {
        Cli.Result markdown = Cli.run("load-registry", Cli.POLICY);
        Cli.Result json = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.REGISTRY);
        assertAll(markdown + "\n" + json,
                () -> assertEquals(1, markdown.exit()),
                () -> assertEquals(List.of(NOT_A_SNAPSHOT), markdown.errLines()),
                () -> assertEquals(1, json.exit()),
                () -> assertEquals(List.of(NOT_A_POLICY), json.errLines()));
    }

    @Test
    void loadRegistryTakesTheSnapshotAsAnArgumentToo() {
        Cli.Result named = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.POLICY);
        Cli.Result positional = Cli.run("load-registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        Cli.Result none = Cli.run("load-registry");
        Cli.Result both = Cli.run("load-registry", Cli.REGISTRY, "--file", Cli.REGISTRY);
        assertAll(named + "\n" + positional + "\n" + none + "\n" + both,
                () -> assertEquals(0, positional.exit()),
                () -> assertEquals(named.out(), positional.out()),
                () -> assertEquals(2, none.exit()),
                () -> assertEquals("flex-auth load-registry: missing the snapshot: give it as SNAPSHOT or with --file SNAPSHOT",
                        none.errLines().get(0)),
                () -> assertEquals(2, both.exit()),
                () -> assertEquals("flex-auth load-registry: the snapshot is given twice (" + Cli.REGISTRY + " and --file "
                        + Cli.REGISTRY + "); give it once", both.errLines().get(0)));
    }

    @Test
    void explainIsCheckExplain() {
        Cli.Result explain = Cli.run("explain", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--request", REQUEST);
        Cli.Result check = Cli.run("check", "--explain", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--request", REQUEST);
        assertAll(explain + "\n" + check,
                () -> assertEquals(0, explain.exit()),
                () -> assertEquals(15, explain.outLines().size()),
                () -> assertEquals(withoutDecisionId(check.outLines()), withoutDecisionId(explain.outLines())),
                () -> assertEquals("      matched: ttl_hours 999 is present and ttl_hours 999 is more than actor.max_ttl_hours 24",
                        explain.outLines().get(14)));
    }

    @Test
    void anUnknownActorIsExplainedInASentence() {
        Cli.Result r = Cli.run("explain", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--request",
                "{\"actor\":\"agt-retired\",\"subject\":\"agt-retired\",\"action\":\"ssh.sign\"}");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("reason    unknown_actor_resource", r.outLines().get(1)),
                () -> assertEquals("      matched: actor \"agt-retired\" is not in the registry", r.outLines().get(6)),
                () -> assertTrue(r.outLines().get(5).startsWith("  deny unknown_actor_resource  " + Cli.POLICY + ":"), r.out()));
    }

    private static List<String> withoutDecisionId(List<String> lines) {
        return lines.stream().filter(l -> !l.startsWith("decision ")).toList();
    }
}
