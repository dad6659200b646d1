package dev.flexauth.cli;

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
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth test}: runs the package's Examples table against a snapshot, the pre-handoff
 * gate. Each failure shows the request, the expected and actual decision and the explain trace;
 * the last line is always {@code N passed, N failed}.
 */
@Command(name = "test", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the policy package's examples against a registry snapshot.",
        footer = {"", "Exit 0 when every example holds, 1 when one fails or the files are invalid."})
final class TestCommand implements Callable<Integer> {
    @Option(names = "--registry", required = true, paramLabel = "SNAPSHOT", description = "The registry snapshot (JSON).")
    Path registry;

    @Option(names = "--policy", required = true, paramLabel = "POLICY", description = "The policy package (Markdown).")
    Path policy;

    @Option(names = "--registry-signers", paramLabel = "FILE", description = "Require the snapshot's signature SNAPSHOT.sig (ssh-keygen -Y sign -n flex-auth-registry) by a key of this OpenSSH allowed_signers file.")
    Path registrySigners;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean verbose = Main.verbose(spec);
        Engine engine = Inputs.engine(registry, policy, registrySigners, spec.commandLine().getErr());
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
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        return failed == 0 ? 0 : Failures.FAILED;
    }

    private String where(Example e) {
        return policy + ":" + e.pos().line() + (e.description().isEmpty() ? "" : " (" + e.description() + ")");
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
            explained.trace().ifPresent(t -> sb.append(CheckCommand.trace(t, policy.toString(), "  ")));
        } catch (RequestException unreachable) {
            // The same request was built for the decision above, so it cannot fail here.
            throw new IllegalStateException(unreachable);
        }
        return sb.toString();
    }
}
