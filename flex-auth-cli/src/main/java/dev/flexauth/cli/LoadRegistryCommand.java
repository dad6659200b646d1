package dev.flexauth.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.json.Json;
import dev.flexauth.policy.Example;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth load-registry}: validates a registry snapshot with the server's validator and
 * summarizes it; with a policy package, also checks that the snapshot provides what the
 * package's Registry table needs, runs the package's examples against it and checks its
 * properties over it (exactly, as {@code flex-auth test} does, with the default bound).
 */
@Command(name = "load-registry", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Validate a registry snapshot and print its summary and digest.",
            "With --policy, also check it against the package's Registry table, run the package's examples and check its properties."},
        footer = {"", "Exit 0 when the snapshot is valid (and, with --policy, compatible and every example and property holds); "
                + "1 otherwise, with every problem and its JSON path on stderr."})
final class LoadRegistryCommand implements Callable<Integer> {
    /** The type attribute that gets a count per value in the summary. */
    private static final String TYPE = "type";

    @Option(names = "--file", required = true, paramLabel = "SNAPSHOT", description = "The registry snapshot (JSON).")
    Path file;

    @Option(names = "--policy", paramLabel = "POLICY", description = "A policy package (Markdown) to check the snapshot against.")
    Path policy;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Registry registry;
        PolicyPackage pkg = null;
        List<ExampleResult> results = List.of();
        List<PropertyResult> properties = List.of();
        Engine engine = null;
        if (policy == null) {
            registry = RegistryLoader.defaults().load(file);
        } else {
            engine = Inputs.engine(file, policy, spec.commandLine().getErr());
            registry = engine.registry();
            pkg = engine.policy();
            results = engine.runExamples();
            properties = PropertyChecker.check(engine);
        }
        List<ExampleResult> failures = results.stream().filter(r -> !r.passed()).toList();
        List<PropertyResult> broken = properties.stream().filter(p -> !p.holds()).toList();
        if (json) {
            ObjectNode o = json(registry, pkg, results, failures);
            if (!properties.isEmpty()) {
                o.put("ok", failures.isEmpty() && broken.isEmpty());
                o.set("properties", propertiesJson(properties, broken));
            }
            out.println(Json.MAPPER.writeValueAsString(o));
        } else {
            out.print(human(registry, pkg, results, failures, properties));
            if (!properties.isEmpty()) {
                for (PropertyResult p : broken) {
                    out.println("  FAILED property " + PropertyReport.where(p, policy.toString()) + ": " + p.property().text());
                    out.println("    counterexample " + PropertyReport.request(p) + " gets " + p.decision().effect() + " "
                            + p.decision().reason());
                }
            }
        }
        return failures.isEmpty() && broken.isEmpty() ? 0 : Failures.FAILED;
    }

    private ObjectNode propertiesJson(List<PropertyResult> properties, List<PropertyResult> broken) throws Exception {
        ObjectNode o = Json.MAPPER.createObjectNode();
        PropertyResult first = properties.get(0);
        o.put("held", properties.size() - broken.size());
        o.put("failed", broken.size());
        o.put("cases", first.cases());
        o.put("exact", first.proven());
        o.put("method", first.method().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode list = o.putArray("failures");
        for (PropertyResult p : broken) {
            ObjectNode f = list.addObject();
            f.put("line", p.property().pos().line());
            f.put("property", p.property().name());
            f.put("text", p.property().text());
            f.set("counterexample", Json.MAPPER.readTree(PropertyReport.request(p)));
            f.put("effect", p.decision().effect().label());
            f.put("reason", p.decision().reason());
        }
        return o;
    }

    private String human(Registry r, PolicyPackage pkg, List<ExampleResult> results, List<ExampleResult> failures,
            List<PropertyResult> properties) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("snapshot", file.toString()));
        rows.add(List.of("format", RegistryLoader.FORMAT + ", version " + r.formatVersion()));
        rows.add(List.of("source", r.source().system()
                + (r.source().inventory().isEmpty() ? "" : ", inventory " + r.source().inventory())
                + ", generated at " + r.source().generatedAt()));
        rows.add(List.of("entities", String.valueOf(r.entityCount())));
        for (EntityKind kind : r.kinds().values()) {
            Map<String, Integer> types = byType(kind);
            String detail = types == null ? "" : "  (" + TYPE + ": " + String.join(", ",
                    types.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ")";
            rows.add(List.of("  " + kind.name(), kind.size() + detail));
        }
        rows.add(List.of("digest", r.digest()));
        if (pkg != null) {
            rows.add(List.of("policy", pkg.name() + " " + pkg.version() + ", " + pkg.digest()));
            List<String> needs = new ArrayList<>();
            pkg.registry().kinds().forEach((kind, attrs) -> needs.add(kind + " (" + String.join(", ", attrs.keySet()) + ")"));
            rows.add(List.of("compatible", needs.isEmpty() ? "yes (the package needs no registry data)"
                    : "yes, provides " + String.join("; ", needs)));
            rows.add(List.of("examples", (results.size() - failures.size()) + " passed, " + failures.size() + " failed"));
            if (!properties.isEmpty()) {
                rows.add(List.of("properties", PropertyReport.summary(properties)));
            }
        }
        StringBuilder sb = new StringBuilder(Text.table(rows, ""));
        for (ExampleResult f : failures) {
            Example e = f.example();
            sb.append("  FAILED ").append(policy).append(':').append(e.pos().line())
                    .append(e.description().isEmpty() ? "" : " (" + e.description() + ")")
                    .append(": expected ").append(e.effect()).append(' ').append(e.reason())
                    .append(f.decision() == null ? ", but the request is invalid: " + f.error()
                            : ", got " + f.decision().effect() + " " + f.decision().reason())
                    .append('\n');
        }
        return sb.toString();
    }

    private ObjectNode json(Registry r, PolicyPackage pkg, List<ExampleResult> results, List<ExampleResult> failures) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("ok", failures.isEmpty());
        o.put("file", file.toString());
        o.put("format", RegistryLoader.FORMAT);
        o.put("format_version", r.formatVersion());
        ObjectNode source = o.putObject("source");
        source.put("system", r.source().system());
        source.put("inventory", r.source().inventory());
        source.put("generated_at", r.source().generatedAt());
        o.put("entity_count", r.entityCount());
        ObjectNode entities = o.putObject("entities");
        for (EntityKind kind : r.kinds().values()) {
            ObjectNode k = entities.putObject(kind.name());
            k.put("count", kind.size());
            Map<String, Integer> types = byType(kind);
            if (types != null) {
                ObjectNode t = k.putObject("by_" + TYPE);
                types.forEach(t::put);
            }
        }
        o.put("digest", r.digest());
        if (pkg != null) {
            ObjectNode p = o.putObject("policy");
            p.put("file", policy.toString());
            p.put("package", pkg.name());
            p.put("version", pkg.version());
            p.put("digest", pkg.digest());
            p.put("compatible", true);
            ObjectNode ex = o.putObject("examples");
            ex.put("passed", results.size() - failures.size());
            ex.put("failed", failures.size());
            ArrayNode list = ex.putArray("failures");
            for (ExampleResult f : failures) {
                ObjectNode e = list.addObject();
                e.put("line", f.example().pos().line());
                e.put("example", f.example().description());
                e.put("expected_effect", f.example().effect().label());
                e.put("expected_reason", f.example().reason());
                if (f.decision() != null) {
                    e.put("effect", f.decision().effect().label());
                    e.put("reason", f.decision().reason());
                } else {
                    e.put("error", f.error());
                }
            }
        }
        return o;
    }

    /** Entity counts per value of a string {@code type} attribute, or null if the kind has none. */
    private static Map<String, Integer> byType(EntityKind kind) {
        if (kind.layout().typeOf(TYPE).orElse(null) != AttributeType.STRING) {
            return null;
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Entity e : kind.entities()) {
            Object t = e.get(TYPE);
            counts.merge(t == null ? "(none)" : (String) t, 1, Integer::sum);
        }
        return counts;
    }
}
