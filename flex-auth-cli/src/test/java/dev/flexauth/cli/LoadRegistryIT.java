package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.registry.RegistryLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code flex-auth load-registry} on the real jar. */
class LoadRegistryIT {
    private static String digestOf(String file) throws Exception {
        return RegistryLoader.defaults().load(Cli.ROOT.resolve(file)).digest();
    }

    @Test
    void theRunbookCommandSummarizesTheSnapshot() throws Exception {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.REGISTRY);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("", r.err()),
                () -> assertEquals(List.of(
                        "snapshot  examples/ops-warden/production_registry_snapshot.json",
                        "format    flex-auth/registry, version 1",
                        "source    ops-warden, inventory production, generated at 2026-06-23T00:00:00Z",
                        "entities  4",
                        "  actor   4  (type: adm 1, agt 2, atm 1)",
                        "digest    " + digestOf(Cli.REGISTRY),
                        "policy    not checked: give --policy POLICY to check each entity against the package's "
                                + "Registry table and run its examples"), r.outLines()));
    }

    /** Issue 16: the format allows an entity without an attribute; without --policy the summary says what it left unchecked. */
    @Test
    void withoutThePolicyAnEntityLackingAnAttributePassesAndTheSummarySaysWhatWasNotChecked() throws Exception {
        String file = Cli.FIXTURE_DIR + "registry_actor_without_principal.json";
        Cli.Result plain = Cli.run("load-registry", "--file", file);
        Cli.Result json = Cli.run("load-registry", "--file", file, "--json");
        Cli.Result gated = Cli.run("load-registry", "--file", file, "--policy", Cli.POLICY);
        assertAll(plain + "\n" + json + "\n" + gated,
                () -> assertEquals(0, plain.exit()),
                () -> assertEquals("policy    not checked: give --policy POLICY to check each entity against the package's "
                        + "Registry table and run its examples", plain.outLines().get(plain.outLines().size() - 1)),
                () -> assertEquals(0, json.exit()),
                () -> assertEquals("not checked: give --policy POLICY to check each entity against the package's "
                        + "Registry table and run its examples", TestJson.MAPPER.readTree(json.out()).get("not_checked").asText()),
                () -> assertEquals(1, gated.exit()),
                () -> assertEquals(List.of(file + ": entities.actor[0]: missing attribute \"principal\" (string), "
                        + "which the policy's Registry table declares"), gated.errLines()));
    }

    @Test
    void withThePolicyItChecksCompatibilityAndRunsTheExamples() {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("compatible  yes, provides actor (type, principal, max_ttl_hours, allowed_subjects)",
                        r.outLines().get(7)),
                () -> assertEquals("examples    19 passed, 0 failed", r.outLines().get(8)),
                () -> assertEquals("properties  6 hold, 0 fail (exact: every one of 430 distinct requests checked)",
                        r.outLines().get(9)));
    }

    @Test
    void aFailingPropertyFailsTheGateWithItsCounterexample() throws Exception {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.FIXTURE_DIR + "policy_hard_coded_ttl.md");
        Cli.Result j = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.FIXTURE_DIR + "policy_hard_coded_ttl.md",
                "--json");
        JsonNode o = TestJson.MAPPER.readTree(j.out());
        assertAll(r + "\n" + j,
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("examples    15 passed, 0 failed",
                        "properties  5 hold, 1 fail (exact: every one of 546 distinct requests checked)",
                        "  FAILED property " + Cli.FIXTURE_DIR + "policy_hard_coded_ttl.md:147 (No certificate outlives the actor's "
                                + "maximum): never allow when ttl_hours is present and ttl_hours > actor.max_ttl_hours",
                        "    counterexample {\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\","
                                + "\"ttl_hours\":9} gets allow signing_policy_matched"), r.outLines().subList(8, 12)),
                () -> assertEquals(1, j.exit()),
                () -> assertEquals(false, o.get("ok").asBoolean()),
                () -> assertEquals(1, o.at("/properties/failed").asInt()),
                () -> assertEquals(true, o.at("/properties/exact").asBoolean()),
                () -> assertEquals(546, o.at("/properties/cases").asInt()),
                () -> assertEquals(546, o.at("/properties/decided").asInt()),
                () -> assertEquals(147, o.at("/properties/failures/0/line").asInt()),
                () -> assertEquals("{\"actor\":\"atm-backup-daily\",\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":9}",
                        o.at("/properties/failures/0/counterexample").toString()));
    }

    @Test
    void jsonOutputCarriesTheSameSummary() throws Exception {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.POLICY, "--json");
        JsonNode o = TestJson.MAPPER.readTree(r.out());
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(true, o.get("ok").asBoolean()),
                () -> assertEquals("flex-auth/registry", o.get("format").asText()),
                () -> assertEquals(1, o.get("format_version").asInt()),
                () -> assertEquals("ops-warden", o.at("/source/system").asText()),
                () -> assertEquals("2026-06-23T00:00:00Z", o.at("/source/generated_at").asText()),
                () -> assertEquals(4, o.at("/entities/actor/count").asInt()),
                () -> assertEquals(2, o.at("/entities/actor/by_type/agt").asInt()),
                () -> assertEquals(digestOf(Cli.REGISTRY), o.get("digest").asText()),
                () -> assertEquals("ops-warden.ssh-signing", o.at("/policy/package").asText()),
                () -> assertEquals(19, o.at("/examples/passed").asInt()),
                () -> assertEquals(0, o.at("/examples/failed").asInt()));
    }

    @Test
    void aFailingExampleFailsTheGate() {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.REGISTRY, "--policy", Cli.FIXTURE_DIR + "policy_failing_example.md");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("examples    18 passed, 1 failed", r.outLines().get(8)),
                () -> assertEquals("  FAILED " + Cli.FIXTURE_DIR + "policy_failing_example.md:123 (administrator over max TTL): "
                        + "expected allow signing_policy_matched, got deny ttl_out_of_bounds", r.outLines().get(9)));
    }

    @Test
    void aSnapshotThatNoLongerSatisfiesTheExamplesFailsTheGateButIsValid() {
        Cli.Result r = Cli.run("load-registry", "--file", Cli.FIXTURE_DIR + "registry_backup_removed.json", "--policy", Cli.POLICY, "--json");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(false, TestJson.MAPPER.readTree(r.out()).get("ok").asBoolean()),
                () -> assertEquals(3, TestJson.MAPPER.readTree(r.out()).at("/examples/failed").asInt()),
                () -> assertEquals("unknown_actor_resource", TestJson.MAPPER.readTree(r.out()).at("/examples/failures/0/reason").asText()));
    }

    @Test
    void jsonFailureNamesEachProblemWithItsPathAndCode() throws Exception {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "load-registry", "--file", "registry_kind_actors.json", "--policy",
                Cli.ROOT.resolve(Cli.POLICY).toString(), "--json");
        JsonNode o = TestJson.MAPPER.readTree(r.out());
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("invalid_input", o.get("error").asText()),
                () -> assertEquals("2 problems; nothing was loaded", o.get("message").asText()),
                () -> assertEquals("entities.actors", o.at("/problems/0/path").asText()),
                () -> assertEquals("undeclared_kind", o.at("/problems/0/code").asText()),
                () -> assertEquals("entities", o.at("/problems/1/path").asText()),
                () -> assertEquals("missing_kind", o.at("/problems/1/code").asText()),
                () -> assertEquals(r.errLines().get(1), o.at("/problems/1/text").asText()));
    }

    @Test
    void jsonFailureOfABrokenPolicyGivesLineAndColumn() throws Exception {
        Cli.Result r = Cli.run(Cli.FIXTURES, "", "load-registry", "--file", Cli.ROOT.resolve(Cli.REGISTRY).toString(),
                "--policy", "policy_unknown_field.md", "--json");
        JsonNode o = TestJson.MAPPER.readTree(r.out());
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("policy_unknown_field.md", o.at("/problems/0/file").asText()),
                () -> assertEquals(95, o.at("/problems/0/line").asInt()),
                () -> assertEquals(8, o.at("/problems/0/column").asInt()),
                () -> assertEquals("unknown_field", o.at("/problems/0/code").asText()));
    }
}
