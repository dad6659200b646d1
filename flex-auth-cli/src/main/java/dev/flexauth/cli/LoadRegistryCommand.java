package dev.flexauth.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.json.Json;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import dev.flexauth.registry.SnapshotSigners;
import dev.flexauth.registry.SnapshotSigners.SignedSnapshot;
import dev.flexauth.registry.SnapshotSigners.Signer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
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
        footer = {"", "Without --policy only the snapshot's own format is checked: an entity may lack an attribute "
                + "the policy needs, which serve and check refuse. Give --policy before handing the snapshot over.",
            "", "Exit 0 when the snapshot is valid (and, with --policy, compatible and every example and property holds); "
                + "1 otherwise, with every problem and its JSON path on stderr."})
final class LoadRegistryCommand implements Callable<Integer> {
    /** The type attribute that gets a count per value in the summary. */
    private static final String TYPE = "type";
    /** As the server's default limit. */
    private static final long MAX_SNAPSHOT_BYTES = 512L << 20;
    /** Without --policy an entity may lack any attribute: say so, since the snapshot is not yet fit for serving. */
    static final String NOT_CHECKED = "not checked: give --policy POLICY to check each entity against the package's "
            + "Registry table and run its examples";

    @Parameters(index = "0", arity = "0..1", paramLabel = "SNAPSHOT", description = "The registry snapshot (JSON).")
    Path positional;

    @Option(names = "--file", paramLabel = "SNAPSHOT", description = "The registry snapshot, named (as the runbook gives it).")
    Path file;

    @Option(names = "--policy", paramLabel = "POLICY", description = "A policy package (Markdown) to check the snapshot against.")
    Path policy;

    @Option(names = "--registry-signers", paramLabel = "FILE", description = "Require the snapshot's signature SNAPSHOT.sig (ssh-keygen -Y sign -n flex-auth-registry) by a key of this OpenSSH allowed_signers file.")
    Path registrySigners;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // verify-log and diff take their files as arguments; the runbook's --file keeps working.
        if (file == null && positional == null) {
            throw new ParameterException(spec.commandLine(), "missing the snapshot: give it as SNAPSHOT or with --file SNAPSHOT");
        }
        if (file != null && positional != null) {
            throw new ParameterException(spec.commandLine(), "the snapshot is given twice (" + positional + " and --file "
                    + file + "); give it once");
        }
        if (file == null) {
            file = positional;
        }
        PrintWriter out = spec.commandLine().getOut();
        Registry registry;
        PolicyPackage pkg = null;
        List<ExampleResult> results = List.of();
        List<PropertyResult> properties = List.of();
        Engine engine = null;
        Signer signer = null;
        if (registrySigners != null) {
            // What was verified is what is parsed below without a policy; with one, the engine load verifies again.
            SignedSnapshot signed = Inputs.signers(registrySigners).readVerified(file, MAX_SNAPSHOT_BYTES, Instant.now());
            signer = signed.signer();
            registry = policy == null ? RegistryLoader.defaults().load(signed.bytes(), file.toString()) : null;
        } else {
            registry = policy == null ? RegistryLoader.defaults().load(file) : null;
        }
        if (policy != null) {
            engine = Inputs.engine(file, policy, registrySigners, spec.commandLine().getErr());
            registry = engine.registry();
            pkg = engine.policy();
            results = engine.runExamples();
            properties = PropertyChecker.check(engine);
        }
        List<ExampleResult> failures = results.stream().filter(r -> !r.passed()).toList();
        List<PropertyResult> broken = properties.stream().filter(p -> !p.holds()).toList();
        if (json) {
            ObjectNode o = json(registry, pkg, results, failures, signer);
            if (!properties.isEmpty()) {
                o.put("ok", failures.isEmpty() && broken.isEmpty());
                o.set("properties", propertiesJson(properties, broken));
            }
            out.println(Json.write(o));
        } else {
            out.print(human(registry, pkg, results, failures, signer, properties));
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
        ObjectNode o = Json.object();
        PropertyResult first = properties.get(0);
        o.put("held", properties.size() - broken.size());
        o.put("failed", broken.size());
        o.put("cases", first.cases());
        o.put("decided", first.decided());
        o.put("exact", first.proven());
        o.put("method", first.method().name().toLowerCase(java.util.Locale.ROOT));
        ArrayNode list = o.putArray("failures");
        for (PropertyResult p : broken) {
            ObjectNode f = list.addObject();
            f.put("line", p.property().pos().line());
            f.put("property", p.property().name());
            f.put("text", p.property().text());
            f.set("counterexample", Json.readTree(PropertyReport.request(p)));
            f.put("effect", p.decision().effect().label());
            f.put("reason", p.decision().reason());
        }
        return o;
    }

    private String human(Registry r, PolicyPackage pkg, List<ExampleResult> results, List<ExampleResult> failures,
            Signer signer, List<PropertyResult> properties) {
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
        if (signer != null) {
            rows.add(List.of("signed by", signer + " of " + registrySigners));
        }
        if (pkg == null) {
            rows.add(List.of("policy", NOT_CHECKED));
        } else {
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
            sb.append(ExamplesGate.failure(policy, f)).append('\n');
        }
        return sb.toString();
    }

    private ObjectNode json(Registry r, PolicyPackage pkg, List<ExampleResult> results, List<ExampleResult> failures,
            Signer signer) {
        ObjectNode o = Json.object();
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
        if (signer != null) {
            ObjectNode s = o.putObject("signature");
            s.put("file", SnapshotSigners.signatureOf(file).toString());
            s.put("principals", signer.principals());
            s.put("key", signer.key());
            s.put("allowed_signers", registrySigners.toString());
            s.put("line", signer.line());
        }
        if (pkg == null) {
            o.put("not_checked", NOT_CHECKED);
        } else {
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
