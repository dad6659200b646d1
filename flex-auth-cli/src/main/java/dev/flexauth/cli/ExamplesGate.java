package dev.flexauth.cli;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.engine.LoadException;
import dev.flexauth.policy.Example;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code serve --require-examples}: the pair in the files must pass every Example of the package
 * before the server binds. Only at start: a reload never waits for the Examples (an actor removed
 * from the inventory must be revocable even while an example still names it).
 */
final class ExamplesGate {
    private ExamplesGate() {
    }

    /**
     * Loads the pair and runs its Examples; refuses to go on, with one line per failing example, if
     * any fails. A pair that does not load passes here: the server's start then lists its problems
     * with every other reason not to start.
     */
    static void require(Path registry, Path policy) throws CliFailure {
        Engine engine;
        try {
            engine = EngineLoader.defaults().load(registry, policy);
        } catch (LoadException e) {
            return;
        }
        List<ExampleResult> results = engine.runExamples();
        List<String> lines = new ArrayList<>();
        for (ExampleResult r : results) {
            if (!r.passed()) {
                lines.add(failure(policy, r));
            }
        }
        if (!lines.isEmpty()) {
            lines.add(0, "error: --require-examples: " + lines.size() + " of " + results.size() + " examples of " + policy
                    + " fail against " + registry + "; not starting (flex-auth test shows each with its explain trace)");
            throw new CliFailure("examples_failed", lines);
        }
    }

    /** The line load-registry prints for a failing example. */
    static String failure(Path policy, ExampleResult f) {
        Example e = f.example();
        return "  FAILED " + policy + ":" + e.pos().line() + (e.description().isEmpty() ? "" : " (" + e.description() + ")")
                + ": expected " + e.effect() + " " + e.reason()
                + (f.decision() == null ? ", but the request is invalid: " + f.error()
                        : ", got " + f.decision().effect() + " " + f.decision().reason());
    }
}
