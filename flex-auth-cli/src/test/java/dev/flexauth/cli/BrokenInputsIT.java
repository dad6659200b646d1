package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken snapshots and policy packages, each a fixture named for its defect, run through the
 * real jar: exit 1, nothing on stdout, and exactly the expected problems, with their JSON path
 * or file:line:column, on stderr.
 */
class BrokenInputsIT {
    private static final String POLICY = Cli.ROOT.resolve(Cli.POLICY).toString();
    private static final String REGISTRY = Cli.ROOT.resolve(Cli.REGISTRY).toString();

    static Stream<Arguments> brokenSnapshots() {
        return Stream.of(
                arguments("registry_duplicate_actor.json", List.of(
                        "registry_duplicate_actor.json: entities.actor[2].id: duplicate id \"adm-example\" (first at entities.actor[0]); ids are unique within a kind")),
                arguments("registry_trailing_garbage.json", List.of(
                        "registry_trailing_garbage.json: unexpected content at line 42, column 2 after the end of the JSON document; a snapshot is exactly one object")),
                arguments("registry_truncated.json", List.of(
                        "registry_truncated.json: line 26, column 15: not well-formed JSON: Unexpected end-of-input within/between Object entries")),
                arguments("registry_missing_format.json", List.of(
                        "registry_missing_format.json: missing member \"format\": add \"format\": \"flex-auth/registry\"")),
                arguments("registry_format_version_2.json", List.of(
                        "registry_format_version_2.json: format_version: this flex-auth reads format_version 1, got 2")),
                arguments("registry_bad_generated_at.json", List.of(
                        "registry_bad_generated_at.json: source.generated_at: expected an RFC 3339 timestamp such as \"2026-06-23T00:00:00Z\", got \"23 June 2026\"")),
                arguments("registry_empty_actor_id.json", List.of(
                        "registry_empty_actor_id.json: entities.actor[1].id: an entity id must not be empty")),
                arguments("registry_subject_not_string.json", List.of(
                        "registry_subject_not_string.json: entities.actor[3].allowed_subjects[1]: expected string, got number 7; list attributes hold strings only")),
                arguments("registry_unknown_member.json", List.of(
                        "registry_unknown_member.json: owner: unknown member \"owner\"; a snapshot has format, format_version, source and entities")),
                arguments("registry_duplicate_member.json", List.of(
                        "registry_duplicate_member.json: entities.actor[0].principal: duplicate member \"principal\"")),
                arguments("registry_null_ttl.json", List.of(
                        "registry_null_ttl.json: entities.actor[2].max_ttl_hours: expected integer, got null; leave the attribute out instead")),
                arguments("registry_empty.json", List.of(
                        "registry_empty.json: the file is empty; expected a JSON object")),
                arguments("registry_missing_file.json", List.of(
                        "registry_missing_file.json: file not found: registry_missing_file.json")));
    }

    /** Without a policy an attribute's type is inferred from its first value. */
    static Stream<Arguments> inconsistentSnapshots() {
        return Stream.of(
                arguments("registry_ttl_as_string.json", List.of(
                        "registry_ttl_as_string.json: entities.actor[2].max_ttl_hours: expected integer (as at entities.actor[0].max_ttl_hours), got string \"24\"")));
    }

    /** Valid on their own, refused against the ops-warden package's Registry table. */
    static Stream<Arguments> incompatibleSnapshots() {
        return Stream.of(
                arguments("registry_actor_without_principal.json", List.of(
                        "registry_actor_without_principal.json: entities.actor[0]: missing attribute \"principal\" (string), which the policy's Registry table declares")),
                arguments("registry_undeclared_attribute.json", List.of(
                        "registry_undeclared_attribute.json: entities.actor[1].team: attribute \"team\" is not declared for kind \"actor\" in the policy's Registry table (declared: type, principal, max_ttl_hours, allowed_subjects)")),
                arguments("registry_kind_actors.json", List.of(
                        "registry_kind_actors.json: entities.actors: kind \"actors\" is not declared in the policy's Registry table (declared: actor)",
                        "registry_kind_actors.json: entities: missing kind \"actor\", which the policy's Registry table declares (attributes: type, principal, max_ttl_hours, allowed_subjects)")),
                arguments("registry_ttl_as_string.json", List.of(
                        "registry_ttl_as_string.json: entities.actor[2].max_ttl_hours: expected integer, got string \"24\"")));
    }

    static Stream<Arguments> brokenPolicies() {
        return Stream.of(
                arguments("policy_unknown_field.md", List.of(
                        "policy_unknown_field.md:95:8: unknown_field: unknown field \"ttl_hour\"; did you mean \"ttl_hours\"?")),
                arguments("policy_unknown_attribute.md", List.of(
                        "policy_unknown_attribute.md:95:69: unknown_attribute: kind \"actor\" has no attribute \"max_ttl\" in the Registry table; did you mean \"max_ttl_hours\"?")),
                arguments("policy_type_error.md", List.of(
                        "policy_type_error.md:95:63: type_error: \">\" compares integers, but string \"48\" is not an integer")),
                arguments("policy_unknown_reason.md", List.of(
                        "policy_unknown_reason.md:80:6: unknown_reason: reason \"subject_unbound\" is not in the Reasons table; known reasons: unknown_actor_resource, action_not_supported, subject_not_bound, principal_not_allowed, ttl_out_of_bounds, signing_policy_matched, no_rule_matched")),
                arguments("policy_reason_effect_mismatch.md", List.of(
                        "policy_reason_effect_mismatch.md:71:7: reason_effect_mismatch: reason \"action_not_supported\" is a deny reason in the Reasons table (line 47), but this is an allow rule")),
                arguments("policy_duplicate_rule.md", List.of(
                        "policy_duplicate_rule.md:70:1: duplicate_rule: a second rule named \"Unknown actors are refused\" (the first is at line 64); give each rule block its own heading")),
                arguments("policy_syntax_error.md", List.of(
                        "policy_syntax_error.md:65:42: syntax_error: expected missing, present, unknown or known after \"is\", got the end of the rule")),
                arguments("policy_missing_package.md", List.of(
                        "policy_missing_package.md:4:1: bad_metadata: the front matter lacks \"package\"")),
                arguments("policy_unnamed_rule.md", List.of(
                        "policy_unnamed_rule.md:7:1: unnamed_rule: a rule block needs a heading above it; the heading names the rule")),
                arguments("policy_output_on_deny.md", List.of(
                        "policy_output_on_deny.md:96:8: output_on_deny: a deny rule cannot declare outputs (\"with ...\"); only an allow carries outputs to the caller")),
                arguments("policy_unknown_kind.md", List.of(
                        "policy_unknown_kind.md:25:13: unknown_kind: type \"actr\" is neither string, integer, boolean, string[] nor an entity kind of the Registry table; did you mean \"actor\"?")),
                arguments("policy_duplicate_field.md", List.of(
                        "policy_duplicate_field.md:27:3: duplicate_definition: field \"subject\" is declared twice (first at line 26)")),
                arguments("policy_missing_request_section.md", List.of(
                        "policy_missing_request_section.md:1:1: missing_section: missing the Request section: add a \"## Request\" heading with a table of field | type | required | authzen | meaning")));
    }

    @ParameterizedTest(name = "load-registry --file {0}")
    @MethodSource({"brokenSnapshots", "inconsistentSnapshots"})
    void loadRegistryReportsEveryProblemOfABrokenSnapshot(String fixture, List<String> expected) {
        assertRefused(expected, Cli.run(Cli.FIXTURES, "", "load-registry", "--file", fixture));
    }

    @ParameterizedTest(name = "load-registry --file {0} --policy ops-warden")
    @MethodSource("incompatibleSnapshots")
    void loadRegistryWithThePolicyRefusesWhatItsRegistryTableDoesNotAllow(String fixture, List<String> expected) {
        assertRefused(expected, Cli.run(Cli.FIXTURES, "", "load-registry", "--file", fixture, "--policy", POLICY));
    }

    @ParameterizedTest(name = "test --policy {0}")
    @MethodSource("brokenPolicies")
    void testReportsEveryDiagnosticOfABrokenPolicy(String fixture, List<String> expected) {
        assertRefused(expected, Cli.run(Cli.FIXTURES, "", "test", "--registry", REGISTRY, "--policy", fixture));
    }

    @ParameterizedTest(name = "load-registry --policy {0}")
    @MethodSource("brokenPolicies")
    void loadRegistryWithABrokenPolicyReportsItsDiagnostics(String fixture, List<String> expected) {
        assertRefused(expected, Cli.run(Cli.FIXTURES, "", "load-registry", "--file", REGISTRY, "--policy", fixture));
    }

    private static void assertRefused(List<String> expected, Cli.Result r) {
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertEquals(expected, r.errLines()));
    }
}
