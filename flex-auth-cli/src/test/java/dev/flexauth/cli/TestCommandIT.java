package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flex-auth test} on the real jar. */
class TestCommandIT {
    @Test
    void everyExampleOfTheOpsWardenPackageHolds() {
        Cli.Result r = Cli.run("test", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(List.of("19 passed, 0 failed", "properties: 6 hold, 0 fail (exact: every one of 430 distinct requests checked)"), r.outLines()),
                () -> assertEquals("", r.err()));
    }

    @Test
    void verboseListsThePassingExamples() {
        Cli.Result r = Cli.run("test", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--verbose");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(27, r.outLines().size()),
                () -> assertEquals("ok      " + Cli.POLICY + ":121 (administrator at max TTL): allow signing_policy_matched",
                        r.outLines().get(0)),
                () -> assertEquals("ok      property " + Cli.POLICY + ":151 (No certificate outlives the actor's maximum): holds",
                        r.outLines().get(19)),
                () -> assertEquals("19 passed, 0 failed", r.outLines().get(25)),
                () -> assertEquals("properties: 6 hold, 0 fail (exact: every one of 430 distinct requests checked)", r.outLines().get(26)));
    }

    @Test
    void aFailureShowsTheRequestTheExpectedAndActualDecisionAndTheTrace() {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "test", "--registry", Cli.ROOT.resolve(Cli.REGISTRY).toString(),
                "--policy", "policy_failing_example.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of(
                        "FAILED  policy_failing_example.md:123 (administrator over max TTL)",
                        "  request   actor=\"adm-example\" subject=\"iam:adm-example\" action=\"ssh.sign\" ttl_hours=49",
                        "  expected  allow signing_policy_matched",
                        "  actual    deny ttl_out_of_bounds",
                        "  explain (rules in evaluation order, up to the first match):"), r.outLines().subList(0, 5)),
                () -> assertEquals("    deny ttl_out_of_bounds       policy_failing_example.md:94  "
                        + "\"The TTL stays within the actor's maximum\"", r.outLines().get(13)),
                () -> assertEquals("        matched: ttl_hours 49 is present and ttl_hours 49 is more than actor.max_ttl_hours 48",
                        r.outLines().get(14)),
                () -> assertEquals("18 passed, 1 failed", r.outLines().get(r.outLines().size() - 1)));
    }

    @Test
    void examplesThatNameARemovedActorFail() {
        Cli.Result r = Cli.run("test", "--registry", Cli.FIXTURE_DIR + "registry_backup_removed.json", "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(3, r.outLines().stream().filter(l -> l.startsWith("FAILED  ")).count()),
                () -> assertTrue(r.out().contains("  actual    deny unknown_actor_resource\n")),
                () -> assertEquals("16 passed, 3 failed", r.outLines().get(r.outLines().size() - 2)),
                () -> assertEquals("properties: 6 hold, 0 fail (exact: every one of 322 distinct requests checked)",
                        r.outLines().get(r.outLines().size() - 1)));
    }

    @Test
    void aPlantedBugTheExamplesMissIsCaughtByAPropertyWithTheSmallestCounterexample() {
        // policy_hard_coded_ttl.md: the ops-warden package with the TTL maximum hard-coded to 48 in
        // the deny and the allow rule, and the examples over each actor's maximum deleted.
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "test", "--registry", Cli.ROOT.resolve(Cli.REGISTRY).toString(),
                "--policy", "policy_hard_coded_ttl.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of(
                        "FAILED  property policy_hard_coded_ttl.md:147 (No certificate outlives the actor's maximum)",
                        "  property        never allow when ttl_hours is present and ttl_hours > actor.max_ttl_hours",
                        "  counterexample  {\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":9}",
                        "  decision        allow signing_policy_matched",
                        "  explain (rules in evaluation order, up to the first match):"), r.outLines().subList(0, 5)),
                () -> assertEquals("        did not match: ttl_hours 9 is at least 1 and ttl_hours 9 is at most 48", r.outLines().get(14)),
                () -> assertEquals("    allow signing_policy_matched  policy_hard_coded_ttl.md:105  "
                        + "\"Signing is allowed when every check passes\"", r.outLines().get(15)),
                () -> assertTrue(r.outLines().get(16).startsWith("        matched: actor \"atm-backup-daily\" is in the registry and "),
                        r.outLines().get(16)),
                () -> assertEquals(List.of("15 passed, 0 failed",
                        "properties: 5 hold, 1 fail (exact: every one of 546 distinct requests checked)"),
                        r.outLines().subList(r.outLines().size() - 2, r.outLines().size())));
    }

    @Test
    void overTenThousandActorsThePropertiesAreProvenAndTheOutputSaysHowManyRequestsWereDecided(@TempDir Path dir)
            throws Exception {
        Path registry = dir.resolve("synthetic_10000_actors.json");
        Files.writeString(registry, synthetic(10_000));
        Cli.Result r = Cli.run("test", "--registry", registry.toString(), "--policy", Cli.POLICY);
        // The examples name the production actors, which this registry does not hold.
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("properties: 6 hold, 0 fail (exact: every one of 1068748 distinct requests checked, 5146 of "
                        + "them decided (the others differ from one of those only in a key the package cannot tell apart))",
                        r.outLines().get(r.outLines().size() - 1)));
    }

    /** The synthetic registry of bench/http/gen.py: actor i of type [adm, agt, atm][i % 3], maximum TTL 1 + (i * 7919) % 48. */
    private static String synthetic(int actors) {
        StringBuilder json = new StringBuilder("{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":"
                + "{\"system\":\"ops-warden\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[");
        String[] types = {"adm", "agt", "atm"};
        for (int i = 0; i < actors; i++) {
            String type = types[i % 3];
            String name = String.format("%s-synthetic-%06d", type, i);
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(name).append("\",\"type\":\"").append(type)
                    .append("\",\"principal\":\"").append(type).append("-principal-").append(i % 50)
                    .append("\",\"max_ttl_hours\":").append(1 + (i * 7919L) % 48).append(",\"allowed_subjects\":[\"")
                    .append(name).append("\",\"iam:").append(name).append("\"]}");
        }
        return json.append("]}}").toString();
    }

    @Test
    void aBrokenSnapshotAndABrokenPolicyAreReportedTogether() {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "test", "--registry", "registry_null_ttl.json", "--policy", "policy_unknown_field.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals(List.of(
                        "policy_unknown_field.md:95:8: unknown_field: unknown field \"ttl_hour\"; did you mean \"ttl_hours\"?",
                        "registry_null_ttl.json: entities.actor[2].max_ttl_hours: expected integer, got null; leave the attribute out instead"),
                        r.errLines()));
    }
}
