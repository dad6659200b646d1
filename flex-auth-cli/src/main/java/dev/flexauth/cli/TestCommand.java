package dev.flexauth.cli;

import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Example;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth test}: runs the package's Examples table against a snapshot and checks its
 * Properties over it, the pre-handoff gate. Each failure shows the request (for a property, the
 * smallest counterexample as JSON), the decision and the explain trace; then {@code N passed, N
 * failed} for the examples and, when the package has properties, {@code properties: N hold, N
 * fail (...)} saying how many distinct requests were checked and whether that is exact.
 */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the policy package's examples against a registry snapshot, and check its properties",
            "over every request the package and the snapshot can tell apart."},
        footer = {"", "Exit 0 when every example and every property holds, 1 when one fails or the files are invalid."})
final class TestCommand implements Callable<Integer> {
    @Mixin
    EngineFiles files;

    @Option(names = "--max-cases", paramLabel = "N", defaultValue = "" + PropertyChecker.DEFAULT_MAX_CASES,
            description = "Check properties exactly when that takes deciding at most N requests (one per class of keys the "
                    + "package cannot tell apart), else over N random ones (default: ${DEFAULT-VALUE}).")
    long maxCases;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (maxCases < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-cases must be at least 1, got " + maxCases);
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean verbose = Main.verbose(spec);
        Engine engine = files.load(spec.commandLine().getErr());
        List<ExampleResult> results = engine.runExamples();
        int failed = 0;
        for (ExampleResult r : results) {
            if (r.passed()) {
                if (verbose) {
                    out.println("ok      " + where(r.example()) + ": " + r.example().effect() + " " + r.example().reason());
                }
                continue;
            }
            failed++;
            out.print(failure(engine, r));
        }
        List<PropertyResult> properties = PropertyChecker.check(engine, maxCases);
        long broken = 0;
        for (PropertyResult p : properties) {
            if (p.holds()) {
                if (verbose) {
                    out.println(PropertyReport.held(p, files.policy.toString()));
                }
                continue;
            }
            broken++;
            out.print(PropertyReport.failure(engine, p, files.policy.toString()));
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        if (!properties.isEmpty()) {
            out.println("properties: " + PropertyReport.summary(properties));
        }
        return failed == 0 && broken == 0 ? 0 : Failures.FAILED;
    }

    private String where(Example e) {
        return files.policy + ":" + e.pos().line() + (e.description().isEmpty() ? "" : " (" + e.description() + ")");
    }

    private String failure(Engine engine, ExampleResult r) {
        Example e = r.example();
        StringBuilder sb = new StringBuilder("FAILED  ").append(where(e)).append('\n');
        sb.append("  request   ").append(e.request().isEmpty() ? "{}" : Text.pairs(e.request())).append('\n');
        sb.append("  expected  ").append(e.effect()).append(' ').append(e.reason()).append('\n');
        if (r.decision() == null) {
            return sb.append("  actual    invalid request: ").append(r.error()).append('\n').toString();
        }
        sb.append("  actual    ").append(r.decision().effect()).append(' ').append(r.decision().reason()).append('\n');
        try {
            Decision explained = engine.explain(Request.of(engine.policy().request(), e.request()));
            explained.trace().ifPresent(t -> sb.append(CheckCommand.trace(t, files.policy.toString(), "  ")));
        } catch (RequestException unreachable) {
            // The same request was built for the decision above, so it cannot fail here.
            throw new IllegalStateException(unreachable);
        }
        return sb.toString();
    }
}
