package dev.flexauth.server.reload;

import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.json.Json;
import java.time.Instant;
import java.util.List;

/**
 * The pair in service, when each part came into service, and its Examples' and Properties' results;
 * {@code propertiesChecked} is false only for the start-up pair between the start and its Properties
 * check, which runs after the server answers (as after a reload's swap).
 */
public record Loaded(Engine engine, Instant policyLoadedAt, Instant registryLoadedAt, List<ExampleResult> examples,
        List<PropertyResult> properties, boolean propertiesChecked) {

    /**
     * The most requests a load decides to check the package's properties: a load must stay quick
     * (measured in docs/testing-policies.md). Keys the package cannot tell apart share decisions, so
     * the ops-warden package over 100,000 actors decides about 5,000 and is checked exactly.
     */
    static final long MAX_PROPERTY_CASES = 50_000;

    public Loaded {
        examples = List.copyOf(examples);
        properties = List.copyOf(properties);
    }

    /** A pair whose Properties were checked ({@code properties}: their results). */
    public Loaded(Engine engine, Instant policyLoadedAt, Instant registryLoadedAt, List<ExampleResult> examples,
            List<PropertyResult> properties) {
        this(engine, policyLoadedAt, registryLoadedAt, examples, properties, true);
    }

    /**
     * Runs the Examples and checks the Properties of {@code engine}; like a failing example, a
     * failing property is reported, not refused. The check is exact when it takes deciding at
     * most {@link #MAX_PROPERTY_CASES} requests, else a random search of that many (and reported
     * as not exact), so that a load stays quick; {@code flex-auth test} is where a registry
     * whose keys all differ gets the exact proof.
     */
    static Loaded of(Engine engine, Instant policyLoadedAt, Instant registryLoadedAt) {
        return new Loaded(engine, policyLoadedAt, registryLoadedAt, engine.runExamples(), checkProperties(engine));
    }

    /**
     * The start-up pair: its Examples run (they are few, and {@code serve --require-examples} needs
     * them before serving), its Properties not yet checked. Over a million actors the check is a
     * third of the start; it runs after the server answers, see {@link #withProperties()}.
     */
    static Loaded startup(Engine engine, Instant loadedAt) {
        return new Loaded(engine, loadedAt, loadedAt, engine.runExamples(), List.of(),
                engine.policy().properties().isEmpty());
    }

    /** This pair with its Properties checked, as {@link #of} checks them. */
    Loaded withProperties() {
        return new Loaded(engine, policyLoadedAt, registryLoadedAt, examples, checkProperties(engine), true);
    }

    /** The one bound every load checks with: see {@link #of}. */
    private static List<PropertyResult> checkProperties(Engine engine) {
        return PropertyChecker.check(engine, MAX_PROPERTY_CASES);
    }

    public int propertiesFailed() {
        return (int) properties.stream().filter(p -> !p.holds()).count();
    }

    /** {@code line 142 (name): {"actor":...} gets allow reason} per failing property. */
    public List<String> propertyFailures() {
        return properties.stream().filter(p -> !p.holds()).map(p -> "line " + p.property().pos().line() + " ("
                + p.property().name() + "): " + Json.writeAsciiString(p.counterexample().toMap()) + " gets "
                + p.decision().effect() + " " + p.decision().reason()).toList();
    }

    public int examplesPassed() {
        return (int) examples.stream().filter(ExampleResult::passed).count();
    }

    public int examplesFailed() {
        return examples.size() - examplesPassed();
    }

    public List<String> exampleFailures() {
        return examples.stream().filter(r -> !r.passed()).map(ExampleResult::summary).toList();
    }

    /** The server log's account of the Examples and Properties: {@code ; examples: 3 passed, 0 failed; properties: ...}. */
    String report() {
        String s = "; examples: " + examplesPassed() + " passed, " + examplesFailed() + " failed";
        List<String> failures = exampleFailures();
        s = failures.isEmpty() ? s : s + ": " + String.join(" | ", failures);
        if (!propertiesChecked) {
            return s + "; properties: checked once serving";
        }
        return s + propertiesReport();
    }

    /** {@code ; properties: 6 hold, 0 fail (exact over 430 requests)}, or nothing without Properties. */
    String propertiesReport() {
        String s = "";
        if (properties.isEmpty()) {
            return s;
        }
        PropertyResult first = properties.get(0);
        List<String> broken = propertyFailures();
        s += "; properties: " + (properties.size() - broken.size()) + " hold, " + broken.size() + " fail ("
                + (first.proven() ? "exact over " + first.cases() + " requests" : "NOT exact: " + first.cases()
                + (first.method() == PropertyResult.Method.RANDOM ? " random requests" : " requests of a sampled domain")) + ")";
        return broken.isEmpty() ? s : s + ": " + String.join(" | ", broken);
    }
}
