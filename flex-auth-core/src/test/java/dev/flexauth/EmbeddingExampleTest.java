package dev.flexauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedding snippet of docs/policy-language.md runs as written (commonmark's usage-example test). */
class EmbeddingExampleTest {

    @Test
    void theSnippetRuns() throws Exception {
        Path root = TestFiles.root();
        Path dir = root.resolve("examples/ops-warden");
        // --- as in docs/policy-language.md, "Embedding" (paths resolved against the example folder)
        PolicyPackage policy = PolicyReader.read(dir.resolve(Path.of("policy_package.md")));
        Registry registry = RegistryLoader.builder().schema(policy.registry()).build()
                .load(dir.resolve(Path.of("production_registry_snapshot.json")));
        Engine engine = Engine.of(policy, registry);
        Decision d = engine.check(engine.request()
                .put("actor", "agt-state-hub-bridge").put("subject", "iam:agt-state-hub-bridge")
                .put("action", "ssh.sign").build());
        // ---
        assertEquals(Effect.ALLOW, d.effect());
        assertEquals("signing_policy_matched", d.reason());
        assertEquals(Map.of("principal", "agt-task-bridge", "max_ttl_hours", 24L), d.outputs());
    }

    @Test
    void theDocumentShowsTheSameCalls() throws Exception {
        String doc = Files.readString(TestFiles.root().resolve("docs/policy-language.md"));
        for (String call : new String[] {
            "PolicyReader.read(Path.of(\"policy_package.md\"))",
            "RegistryLoader.builder().schema(policy.registry()).build()",
            ".load(Path.of(\"production_registry_snapshot.json\"))",
            "Engine.of(policy, registry)",
            ".put(\"actor\", \"agt-state-hub-bridge\").put(\"subject\", \"iam:agt-state-hub-bridge\")",
            ".put(\"action\", \"ssh.sign\").build());"}) {
            assertTrue(doc.contains(call), "docs/policy-language.md no longer shows " + call);
        }
    }
}
