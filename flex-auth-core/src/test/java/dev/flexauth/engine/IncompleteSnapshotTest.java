package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import dev.flexauth.registry.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, point 1: a snapshot loaded without the policy's schema, whose bridge actor lacks its
 * principal, must not become an engine that allows with the principal missing from the outputs.
 */
class IncompleteSnapshotTest {
    private static final String BRIDGE_PRINCIPAL = "\"principal\": \"agt-task-bridge\",";

    /** The production snapshot with the bridge's principal line deleted: valid JSON, valid without a schema. */
    private static byte[] bridgeWithoutPrincipal() throws Exception {
        String text = Files.readString(TestFiles.opsWardenRegistry());
        String edited = text.replaceFirst("\\s*" + java.util.regex.Pattern.quote(BRIDGE_PRINCIPAL), "");
        assertEquals(text.length() - BRIDGE_PRINCIPAL.length() - 9, edited.length(), "the fixture's line is where it was");
        return edited.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void engineOfRefusesASnapshotLoadedWithoutTheSchema() throws Exception {
        PolicyPackage policy = PolicyReader.read(TestFiles.opsWardenPolicy());
        Registry registry = RegistryLoader.builder().build().load(bridgeWithoutPrincipal(), "snapshot.json");
        IncompatibleRegistryException e = assertThrows(IncompatibleRegistryException.class, () -> Engine.of(policy, registry));
        assertEquals(List.of("actor \"agt-state-hub-bridge\" lacks attribute \"principal\" (string), "
                + "which the policy's Registry table declares"), e.mismatches());
        assertEquals("the registry snapshot does not provide what the policy's Registry table needs:\n"
                + "  actor \"agt-state-hub-bridge\" lacks attribute \"principal\" (string), "
                + "which the policy's Registry table declares", e.getMessage());
    }

    @Test
    void engineOfRefusesASnapshotBuiltInJavaWithAnEntityLackingAnAttribute() throws Exception {
        PolicyPackage policy = PolicyReader.read(TestFiles.opsWardenPolicy());
        Map<String, AttributeType> attrs = new LinkedHashMap<>();
        attrs.put("type", AttributeType.STRING);
        attrs.put("principal", AttributeType.STRING);
        attrs.put("max_ttl_hours", AttributeType.INTEGER);
        attrs.put("allowed_subjects", AttributeType.STRING_LIST);
        Registry registry = Registry.builder(new Source("ops-warden", "test", "2026-06-23T00:00:00Z"))
                .kind("actor", attrs)
                .entity("actor", "agt-state-hub-bridge", Map.of("type", "agt", "principal", "agt-task-bridge",
                        "allowed_subjects", List.of("iam:agt-state-hub-bridge")))
                .build();
        IncompatibleRegistryException e = assertThrows(IncompatibleRegistryException.class, () -> Engine.of(policy, registry));
        assertEquals(List.of("actor \"agt-state-hub-bridge\" lacks attribute \"max_ttl_hours\" (integer), "
                + "which the policy's Registry table declares"), e.mismatches());
    }

    @Test
    void theLoaderNamesTheEntityByItsJsonPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("snapshot.json");
        Files.write(file, bridgeWithoutPrincipal());
        LoadException e = assertThrows(LoadException.class, () -> EngineLoader.defaults().load(file, TestFiles.opsWardenPolicy()));
        assertEquals(List.of(file + ": entities.actor[2]: missing attribute \"principal\" (string), "
                + "which the policy's Registry table declares"), e.lines());
    }

    @Test
    void theMismatchListIsBounded() throws Exception {
        PolicyPackage policy = PolicyReader.read(TestFiles.opsWardenPolicy());
        Map<String, AttributeType> attrs = new LinkedHashMap<>();
        attrs.put("type", AttributeType.STRING);
        attrs.put("principal", AttributeType.STRING);
        attrs.put("max_ttl_hours", AttributeType.INTEGER);
        attrs.put("allowed_subjects", AttributeType.STRING_LIST);
        Registry.Builder b = Registry.builder(new Source("ops-warden", "test", "2026-06-23T00:00:00Z")).kind("actor", attrs);
        for (int i = 0; i < 250; i++) {
            b.entity("actor", String.format("a%03d", i), Map.of("type", "agt", "principal", "p"));
        }
        List<String> m = b.build().mismatches(policy.registry());
        assertEquals(Registry.MAX_MISMATCHES + 1, m.size());
        assertEquals("actor \"a000\" lacks attribute \"max_ttl_hours\" (integer), which the policy's Registry table declares", m.get(0));
        assertEquals("... and 300 more missing attributes", m.get(Registry.MAX_MISMATCHES));
    }
}
