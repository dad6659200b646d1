package dev.flexauth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryLoader;
import dev.flexauth.registry.RegistryProblem;
import dev.flexauth.registry.RegistrySchema;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code spec/registry-format.md}: each example is a snapshot, optionally a {@code schema}
 * (lines {@code kind attribute type}, what a policy's Registry table asks for), and what loading
 * gives: {@code expect-registry} with the digest and counts, or every problem as
 * {@code path: code: message}.
 */
class RegistrySpec {
    @TestFactory
    Stream<DynamicTest> registryFormat() throws Exception {
        SpecReader.SpecFile spec = SpecReader.read("registry-format.md");
        return spec.examples().stream().map(ex -> DynamicTest.dynamicTest(ex.displayName(), ex.uri("spec/"), () -> run(ex)));
    }

    private static void run(SpecExample ex) {
        String json = ex.blocks().stream().filter(b -> b.info().equals("registry")).findFirst().orElseThrow().text();
        SpecExample.Block expect = ex.blocks().stream().filter(b -> b.info().equals("expect-registry")).findFirst()
                .orElseThrow(() -> new AssertionError(ex.displayName() + " has no expect-registry block"));
        RegistryLoader.Builder loader = RegistryLoader.builder();
        ex.blocks().stream().filter(b -> b.info().equals("schema")).findFirst().ifPresent(b -> loader.schema(schema(b.text())));
        String actual;
        try {
            Registry r = loader.build().load(json.getBytes(StandardCharsets.UTF_8), "registry.json");
            actual = "digest " + r.digest() + "\ncounts " + r.counts();
        } catch (RegistryException e) {
            actual = e.problems().stream().map(RegistrySpec::line).collect(Collectors.joining("\n"));
        }
        assertEquals(expect.text().strip(), actual.strip());
    }

    private static String line(RegistryProblem p) {
        return (p.path().isEmpty() ? "$" : p.path()) + ": " + p.code().code() + ": " + p.message();
    }

    private static RegistrySchema schema(String text) {
        Map<String, Map<String, AttributeType>> kinds = new LinkedHashMap<>();
        for (String line : text.strip().split("\n")) {
            String[] parts = line.trim().split("\\s+");
            kinds.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], AttributeType.fromLabel(parts[2]).orElseThrow());
        }
        return new RegistrySchema(kinds);
    }
}
