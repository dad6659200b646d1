package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.TestJson;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.IncompatibleRegistryException;
import dev.flexauth.engine.LoadException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No path builds an engine on a snapshot where some entity lacks an attribute the policy's
 * Registry table declares: neither {@link Engine#of} on a snapshot loaded without the schema, nor
 * {@link EngineLoader#load}. Each of the ops-warden attributes is dropped from any one actor of any
 * otherwise complete snapshot.
 */
class IncompleteSnapshotProperties {
    private static final List<String> DECLARED = List.of("type", "principal", "max_ttl_hours", "allowed_subjects");
    private static PolicyPackage policy;

    @BeforeContainer
    static void readPolicy() throws Exception {
        policy = PolicyReader.read(TestFiles.opsWardenPolicy());
    }

    /** Complete actors, and which one loses which attribute. */
    record Case(List<Map<String, Object>> actors, int victim, String dropped) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> word = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(6);
        Arbitrary<Map<String, Object>> actor = Combinators.combine(word, word, Arbitraries.longs().between(0, 100),
                word.list().ofMaxSize(3)).as((type, principal, ttl, subjects) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("type", type);
                    m.put("principal", principal);
                    m.put("max_ttl_hours", ttl);
                    m.put("allowed_subjects", subjects);
                    return m;
                });
        return actor.list().ofMinSize(1).ofMaxSize(8).flatMap(actors -> Combinators.combine(
                Arbitraries.integers().between(0, actors.size() - 1), Arbitraries.of(DECLARED))
                .as((victim, dropped) -> {
                    List<Map<String, Object>> withIds = new java.util.ArrayList<>();
                    for (int i = 0; i < actors.size(); i++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("id", "actor-" + i);
                        m.putAll(actors.get(i));
                        if (i == victim) {
                            m.remove(dropped);
                        }
                        withIds.add(m);
                    }
                    return new Case(withIds, victim, dropped);
                }));
    }

    private static byte[] json(Case c) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", RegistryLoader.FORMAT);
        doc.put("format_version", RegistryLoader.FORMAT_VERSION);
        doc.put("source", Map.of("system", "ops-warden", "generated_at", "2026-06-23T00:00:00Z"));
        doc.put("entities", Map.of("actor", c.actors()));
        return TestJson.MAPPER.writeValueAsBytes(doc);
    }

    @Property(tries = 200)
    void engineOfBuildsNoEngine(@ForAll("cases") Case c) throws Exception {
        Registry registry = RegistryLoader.builder().build().load(json(c), "snapshot.json");
        IncompatibleRegistryException e = assertThrows(IncompatibleRegistryException.class, () -> Engine.of(policy, registry));
        String expected = c.actors().size() == 1
                ? "kind \"actor\" has no attribute \"" + c.dropped() + "\""
                : "actor \"actor-" + c.victim() + "\" lacks attribute \"" + c.dropped() + "\"";
        assertEquals(1, e.mismatches().size(), e.getMessage());
        assertEquals(expected, e.mismatches().get(0).substring(0, expected.length()), e.getMessage());
    }

    @Property(tries = 50)
    void theEngineLoaderBuildsNoEngine(@ForAll("cases") Case c) throws Exception {
        Path file = Files.createTempFile("snapshot", ".json");
        try {
            Files.write(file, json(c));
            LoadException e = assertThrows(LoadException.class, () -> EngineLoader.defaults().load(file, TestFiles.opsWardenPolicy()));
            assertEquals(List.of(file + ": entities.actor[" + c.victim() + "]: missing attribute \"" + c.dropped() + "\""),
                    e.lines().stream().map(l -> l.substring(0, l.indexOf(" (", l.indexOf("missing")))).toList());
        } finally {
            Files.delete(file);
        }
    }
}
