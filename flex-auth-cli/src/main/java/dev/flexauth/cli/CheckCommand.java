package dev.flexauth.cli;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.Trace;
import dev.flexauth.json.DecisionJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth check}: decides one request offline, with the engine the server would build
 * from the same files. A deny is an answer, so it exits 0 like an allow.
 */
@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decide one request offline and print the decision.",
            "The request is a JSON object of the package's Request fields, from --request or stdin."},
        footer = {"", "Exit 0 when a decision was made, allow or deny; 1 when the files or the request are invalid."})
class CheckCommand implements Callable<Integer> {
    @Mixin
    EngineFiles files;

    @Option(names = "--request", paramLabel = "JSON",
            description = "The request, e.g. '{\"actor\":\"a\",\"subject\":\"a\",\"action\":\"ssh.sign\"}'. Default: read from stdin.")
    String request;

    @Option(names = "--explain", description = "Show every rule evaluated, where it is, and the conditions that decided it.")
    boolean explain;

    @Option(names = "--json", description = "Print the decision envelope the server's /v1/check answers with.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (request == null && System.console() != null) {
            throw new ParameterException(spec.commandLine(), "no request: pass --request '<json>' or pipe the JSON on stdin");
        }
        PrintWriter out = spec.commandLine().getOut();
        Engine engine = files.load(spec.commandLine().getErr());
        Request r = Inputs.request(request, System.in, engine);
        Decision d = explain ? engine.explain(r) : engine.check(r);
        if (json) {
            out.println(DecisionJson.envelopeString(d));
        } else {
            out.print(human(d, files.policy.toString()));
        }
        return 0;
    }

    /** The decision as aligned rows, then the trace if there is one. */
    static String human(Decision d, String policyFile) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("effect", d.effect().label()));
        rows.add(List.of("reason", d.reason()));
        rows.add(List.of("decision", d.decisionId()));
        rows.add(List.of("outputs", d.outputs().isEmpty() ? "(none)" : Text.pairs(d.outputs())));
        StringBuilder sb = new StringBuilder(Text.table(rows, ""));
        d.trace().ifPresent(t -> sb.append(trace(t, policyFile, "")));
        return sb.toString();
    }

    /**
     * One block per rule evaluated: the rule (effect and reason, place, name), then a sentence:
     * whether it matched and what was true of the request ({@code did not match: actor "a" is in
     * the registry}).
     */
    static String trace(Trace t, String policyFile, String indent) {
        StringBuilder sb = new StringBuilder(indent).append("explain (rules in evaluation order, up to the first match):\n");
        if (t.rules().isEmpty()) {
            return sb.append(indent).append("  (the package has no rules)\n").toString();
        }
        List<List<String>> rows = new ArrayList<>();
        for (Trace.RuleTrace r : t.rules()) {
            rows.add(List.of(r.effect().label() + " " + r.reason(), policyFile + ":" + r.pos().line(), "\"" + r.rule() + "\""));
        }
        String[] lines = Text.table(rows, indent + "  ").split("\n");
        for (int i = 0; i < lines.length; i++) {
            Trace.RuleTrace r = t.rules().get(i);
            sb.append(lines[i]).append('\n');
            sb.append(indent).append("      ").append(r.outcome() == Trace.Outcome.MATCHED ? "matched: " : "did not match: ")
                    .append(r.because()).append('\n');
        }
        return sb.toString();
    }
}
