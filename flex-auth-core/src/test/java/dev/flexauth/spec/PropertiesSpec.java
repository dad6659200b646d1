package dev.flexauth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flexauth.TestJson;
import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs {@code spec/properties.md}: each example is a {@code policy} (rules) and a
 * {@code properties} block composed with the file's context tables (or a whole {@code package}),
 * and either the diagnostics the properties produce or the outcome of checking them over the
 * registry ({@code expect-check}). One dynamic test per example, named by its line.
 */
class PropertiesSpec {
    static final String FILE = "properties.md";

    @TestFactory
    Stream<DynamicTest> properties() throws Exception {
        SpecReader.SpecFile spec = SpecReader.read(FILE);
        return spec.examples().stream().map(ex -> DynamicTest.dynamicTest(ex.displayName(), ex.uri("spec/"), () -> run(spec, ex)));
    }

    private static void run(SpecReader.SpecFile spec, SpecExample ex) throws Exception {
        RuleLanguageSpec.Composed policy = compose(spec, ex);
        SpecExample.Block diagnostics = block(ex, "expect-diagnostics");
        SpecExample.Block check = block(ex, "expect-check");
        PolicyPackage pkg;
        try {
            pkg = PolicyReader.read(policy.text(), "policy.md");
        } catch (PolicyException e) {
            if (diagnostics == null) {
                fail("the policy was refused:\n" + policy.relative(e.diagnostics()) + "\n--- composed document ---\n" + policy.text());
            }
            assertEquals(diagnostics.text().strip(), policy.relative(e.diagnostics()).strip(), "diagnostics");
            return;
        }
        if (diagnostics != null) {
            assertEquals(diagnostics.text().strip(), policy.relative(pkg.warnings()).strip(), "diagnostics");
            return;
        }
        if (check == null) {
            fail("the example has neither expect-diagnostics nor expect-check");
        }
        String registryText = ex.blocks().stream().filter(b -> b.info().equals("registry")).map(SpecExample.Block::text)
                .findFirst().orElse(spec.registry());
        Registry registry = RegistryLoader.builder().schema(pkg.registry()).build()
                .load(registryText.getBytes(StandardCharsets.UTF_8), "registry.json");
        Engine engine = Engine.of(pkg, registry);
        long max = ex.blocks().stream().filter(b -> b.info().startsWith("expect-check max-cases="))
                .map(b -> Long.parseLong(b.info().substring("expect-check max-cases=".length()))).findFirst()
                .orElse(PropertyChecker.DEFAULT_MAX_CASES);
        assertEquals(check.text().strip(), outcome(PropertyChecker.check(engine, max)).strip(), "property check");
    }

    /** One line per property: it holds (over how many cases, how) or the counterexample and its decision. */
    static String outcome(List<PropertyResult> results) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (PropertyResult r : results) {
            sb.append(r.property().name()).append(": ");
            if (r.holds()) {
                sb.append("holds over ").append(r.cases());
            } else {
                sb.append("fails: ").append(TestJson.MAPPER.writeValueAsString(r.counterexample().toMap())).append(" gets ")
                        .append(r.decision().effect()).append(' ').append(r.decision().reason()).append(", over ").append(r.cases());
            }
            sb.append(r.method() == PropertyResult.Method.RANDOM ? " random cases" : " cases");
            if (!r.notExact().isEmpty()) {
                sb.append(", not exact: ").append(String.join("; ", r.notExact()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static SpecExample.Block block(SpecExample ex, String info) {
        return ex.blocks().stream().filter(b -> b.info().equals(info) || b.info().startsWith(info + " ")).findFirst().orElse(null);
    }

    /** The context, a Rules section with one block per rule, a Properties section with one block per property. */
    private static RuleLanguageSpec.Composed compose(SpecReader.SpecFile spec, SpecExample ex) {
        SpecExample.Block pkg = block(ex, "package");
        if (pkg != null) {
            return new RuleLanguageSpec.Composed(pkg.text(), List.of());
        }
        SpecExample.Block policy = block(ex, "policy");
        SpecExample.Block properties = block(ex, "properties");
        if (policy == null || properties == null) {
            throw new AssertionError(ex.displayName() + ": no package block, or not both a policy and a properties block");
        }
        StringBuilder doc = new StringBuilder(spec.context());
        doc.append("\n## Rules\n");
        int n = 1;
        for (String rule : policy.text().split("\n")) {
            if (!rule.isBlank()) {
                doc.append("\n### Rule ").append(n++).append("\n\n```rule\n").append(rule).append("\n```\n");
            }
        }
        doc.append("\n## Properties\n");
        List<int[]> map = new ArrayList<>();
        String[] lines = properties.text().split("\n", -1);
        n = 1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            doc.append("\n### Property ").append(n++).append("\n\n```property\n");
            int composedLine = (int) doc.chars().filter(c -> c == '\n').count() + 1;
            map.add(new int[] {composedLine, i + 1, 1});
            doc.append(lines[i]).append("\n```\n");
        }
        return new RuleLanguageSpec.Composed(doc.toString(), map);
    }
}
