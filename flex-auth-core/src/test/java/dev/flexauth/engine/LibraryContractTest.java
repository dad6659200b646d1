package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.FlexAuthException;
import dev.flexauth.TestFiles;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.reason.RequestCode;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What an embedding developer relies on (issue 16, point 2): one unchecked exception base for
 * every unusable input, null arguments refused with a message that says what to pass, and enums
 * that print as the docs and the JSON spell them.
 */
class LibraryContractTest {
    private static final Engine ENGINE = TestFiles.opsWarden();

    /** The exception {@code call} throws, which must be a FlexAuthException. */
    private static FlexAuthException thrown(Executable call) {
        return assertThrows(FlexAuthException.class, call);
    }

    @Test
    void everyRefusalOfInputIsAFlexAuthException() {
        Path missing = Path.of("no-such-dir/policy.md");
        assertAll(
                () -> assertInstanceOf(PolicyException.class,
                        thrown(() -> PolicyReader.read("# not a package", "p.md"))),
                () -> assertInstanceOf(RegistryException.class,
                        thrown(() -> RegistryLoader.defaults().load("{}".getBytes(StandardCharsets.UTF_8), "r.json"))),
                () -> assertInstanceOf(LoadException.class,
                        thrown(() -> EngineLoader.defaults().load(TestFiles.opsWardenRegistry(), missing))),
                () -> assertInstanceOf(RequestException.class,
                        thrown(() -> ENGINE.request().put("actr", "agt-state-hub-bridge"))),
                () -> assertInstanceOf(IncompatibleRegistryException.class, thrown(() -> Engine.of(ENGINE.policy(),
                        RegistryLoader.defaults().load(("{\"format\":\"flex-auth/registry\",\"format_version\":1,"
                                + "\"source\":{\"system\":\"t\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{}}")
                                .getBytes(StandardCharsets.UTF_8), "empty.json")))));
    }

    /** Request building needs no try block: its errors are unchecked, and carry the code and field. */
    @Test
    void aRequestFromLiteralsBuildsWithoutATryBlock() {
        Decision d = ENGINE.check(ENGINE.request().put("actor", "agt-state-hub-bridge")
                .put("subject", "iam:agt-state-hub-bridge").put("action", "ssh.sign").put("ttl_hours", 24).build());
        assertEquals("allow signing_policy_matched", d.effect() + " " + d.reason());
        RequestException e = assertThrows(RequestException.class, () -> ENGINE.request().put("ttl_hours", "24"));
        assertAll(
                () -> assertEquals(RequestCode.WRONG_TYPE, e.code()),
                () -> assertEquals("ttl_hours", e.field()),
                () -> assertEquals("field \"ttl_hours\" must be integer, got a string", e.getMessage()));
    }

    @Test
    void nullArgumentsAreRefusedWithWhatToPass() {
        Path registry = TestFiles.opsWardenRegistry();
        Path policy = TestFiles.opsWardenPolicy();
        assertAll(
                () -> assertNullMessage("registryFile is null; pass the path of a registry snapshot (JSON)",
                        () -> EngineLoader.defaults().load(null, policy)),
                () -> assertNullMessage("policyFile is null; pass the path of a policy package (Markdown)",
                        () -> EngineLoader.defaults().load(registry, null)),
                () -> assertNullMessage("policy is null; read one with PolicyReader.read", () -> Engine.of(null, ENGINE.registry())),
                () -> assertNullMessage("registry is null; load one with RegistryLoader", () -> Engine.of(ENGINE.policy(), null)),
                () -> assertNullMessage("request is null; build one with engine.request()", () -> ENGINE.check(null)),
                () -> assertNullMessage("file is null; pass the path of a policy package (Markdown)",
                        () -> PolicyReader.read((Path) null)),
                () -> assertNullMessage("file is null; pass the path of a registry snapshot (JSON)",
                        () -> RegistryLoader.defaults().load(null)),
                () -> assertNullMessage("field is null; pass a field name of the policy's Request table",
                        () -> ENGINE.request().put(null, "x")),
                () -> assertNullMessage("schema is null; use engine.request() or policy.request()", () -> Request.builder(null)));
    }

    private static void assertNullMessage(String expected, Executable call) {
        assertEquals(expected, assertThrows(NullPointerException.class, call).getMessage());
    }

    /** Issue 16, point 6: the two files given the wrong way round are named as swapped, not as "missing the metadata". */
    @Test
    void swappedFilesAreNamedAsSwapped() {
        Path registry = TestFiles.opsWardenRegistry();
        Path policy = TestFiles.opsWardenPolicy();
        LoadException e = assertThrows(LoadException.class, () -> EngineLoader.defaults().load(policy, registry));
        assertEquals(List.of(
                registry + ":1:1: not_a_policy: this file is JSON, not a Markdown policy package; is it the registry snapshot? "
                        + "Pass the policy package (the .md file) as the policy",
                policy + ": this file is Markdown, not a JSON registry snapshot; is it the policy package? "
                        + "Pass the registry snapshot (the .json file) as the registry",
                "hint: the two files look swapped: " + policy + " is Markdown (a policy package) and " + registry
                        + " is JSON (a registry snapshot); pass the snapshot as the registry and the package as the policy"),
                e.lines());
        assertEquals(DiagnosticCode.NOT_A_POLICY, e.policyDiagnostics().get(0).code());
        assertEquals(RegistryCode.NOT_A_SNAPSHOT, e.registryProblems().get(0).code());
    }

    @Test
    void enumsPrintAsTheDocsAndTheJsonSpellThem() {
        assertAll(
                () -> assertEquals("allow", Effect.ALLOW.toString()),
                () -> assertEquals("deny", Effect.DENY.toString()),
                () -> assertEquals("not matched", Trace.Outcome.NOT_MATCHED.toString()),
                () -> assertEquals("unknown_field", RequestCode.UNKNOWN_FIELD.toString()),
                () -> assertEquals("missing_attribute", RegistryCode.MISSING_ATTRIBUTE.toString()));
    }
}
