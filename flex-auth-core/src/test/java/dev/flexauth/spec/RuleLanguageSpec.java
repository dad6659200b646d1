package dev.flexauth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.AuthzenJson;
import dev.flexauth.json.RequestJson;
import dev.flexauth.policy.Diagnostic;
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
 * Runs {@code spec/rule-language.md}: each example is a policy (rule fragments composed with the
 * file's context tables, or a whole {@code package}), and either the diagnostics it must produce or
 * requests with the decisions they must get. One dynamic test per example, named by its line.
 */
class RuleLanguageSpec {
    static final String FILE = "rule-language.md";

    @TestFactory
    Stream<DynamicTest> ruleLanguage() throws Exception {
        SpecReader.SpecFile spec = SpecReader.read(FILE);
        return spec.examples().stream().map(ex -> DynamicTest.dynamicTest(ex.displayName(), ex.uri("spec/"), () -> run(spec, ex)));
    }

    static void run(SpecReader.SpecFile spec, SpecExample ex) throws Exception {
        Composed policy = compose(spec, ex);
        String registryText = ex.blocks().stream().filter(b -> b.info().equals("registry")).map(SpecExample.Block::text)
                .findFirst().orElse(spec.registry());
        SpecExample.Block diagnostics = block(ex, "expect-diagnostics");
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
        Registry registry = RegistryLoader.builder().schema(pkg.registry()).build()
                .load(registryText.getBytes(StandardCharsets.UTF_8), "registry.json");
        Engine engine = Engine.of(pkg, registry);
        String request = null;
        boolean authzen = false;
        int pairs = 0;
        for (SpecExample.Block b : ex.blocks()) {
            if (b.info().equals("request") || b.info().equals("request-authzen")) {
                request = b.text();
                authzen = b.info().equals("request-authzen");
            } else if (b.info().equals("expect")) {
                if (request == null) {
                    fail("line " + b.line() + ": an expect block needs a request block before it");
                }
                assertEquals(b.text().strip(), outcome(engine, request, authzen), "decision for request " + request.strip());
                pairs++;
                request = null;
            }
        }
        if (pairs == 0) {
            fail("the example has neither expect-diagnostics nor request/expect pairs");
        }
    }

    /** The decision as the spec writes it: effect and reason, then outputs and the deciding trace line. */
    static String outcome(Engine engine, String requestJson) {
        return outcome(engine, requestJson, false);
    }

    /** As {@link #outcome(Engine, String)}, the request read as {@code /v1/check} JSON or as an AuthZEN evaluation. */
    static String outcome(Engine engine, String requestJson, boolean authzen) {
        Request request;
        try {
            byte[] bytes = requestJson.getBytes(StandardCharsets.UTF_8);
            request = authzen ? AuthzenJson.readEvaluation(bytes, engine.policy().request())
                    : RequestJson.read(bytes, engine.policy().request());
        } catch (RequestException e) {
            return "request-error " + e.code().code() + ": " + e.getMessage();
        }
        Decision d = engine.check(request);
        Decision explained = engine.explain(request);
        assertEquals(d.effect() + " " + d.reason(), explained.effect() + " " + explained.reason(), "check and explain agree");
        StringBuilder sb = new StringBuilder(d.effect() + " " + d.reason());
        if (!d.outputs().isEmpty()) {
            try {
                sb.append("\noutputs ").append(TestJson.MAPPER.writeValueAsString(TestJson.MAPPER.valueToTree(d.outputs())));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        var rules = explained.trace().orElseThrow().rules();
        if (!rules.isEmpty()) {
            sb.append("\nbecause ").append(rules.get(rules.size() - 1).because());
        }
        return sb.toString();
    }

    private static SpecExample.Block block(SpecExample ex, String info) {
        return ex.blocks().stream().filter(b -> b.info().equals(info)).findFirst().orElse(null);
    }

    /** A composed policy document and the map from its lines back to the example's block. */
    record Composed(String text, List<int[]> ruleLines) {
        /** Diagnostics with positions relative to the policy (or package) block, one per line. */
        String relative(List<Diagnostic> diagnostics) {
            StringBuilder sb = new StringBuilder();
            for (Diagnostic d : diagnostics) {
                int line = d.pos().line();
                boolean mapped = ruleLines.isEmpty();
                for (int[] m : ruleLines) {
                    if (line >= m[0] && line < m[0] + m[2]) {
                        line = m[1] + (line - m[0]);
                        mapped = true;
                    }
                }
                if (!mapped && d.warning()) {
                    continue; // the composed context's own warnings (no Examples table) are not the example's
                }
                sb.append(mapped ? "" : "composed:").append(line).append(':').append(d.pos().column()).append(": ")
                        .append(d.warning() ? "warning: " : "").append(d.code().code()).append(": ")
                        .append(mapPositions(d.message())).append('\n');
            }
            return sb.toString();
        }

        /** Maps positions a message refers to ("the ( at 46:15") into the block, as the diagnostics are. */
        private String mapPositions(String message) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("at (\\d+):(\\d+)").matcher(message);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                int line = Integer.parseInt(m.group(1));
                for (int[] r : ruleLines) {
                    if (line >= r[0] && line < r[0] + r[2]) {
                        line = r[1] + (line - r[0]);
                    }
                }
                m.appendReplacement(sb, "at " + line + ":" + m.group(2));
            }
            m.appendTail(sb);
            return sb.toString();
        }
    }

    static Composed compose(SpecReader.SpecFile spec, SpecExample ex) {
        SpecExample.Block pkg = block(ex, "package");
        if (pkg != null) {
            return new Composed(pkg.text(), List.of());
        }
        SpecExample.Block policy = block(ex, "policy");
        if (policy == null) {
            throw new AssertionError(ex.displayName() + ": no policy or package block");
        }
        StringBuilder doc = new StringBuilder(spec.context());
        List<int[]> map = new ArrayList<>();
        doc.append("\n## Rules\n");
        String[] lines = policy.text().split("\n", -1);
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("allow") || lines[i].startsWith("deny") || (i == 0 && !lines[i].isBlank())) {
                starts.add(i);
            }
        }
        for (int r = 0; r < starts.size(); r++) {
            int from = starts.get(r);
            int to = r + 1 < starts.size() ? starts.get(r + 1) : lines.length;
            while (to > from + 1 && lines[to - 1].isBlank()) {
                to--;
            }
            doc.append("\n### Rule ").append(r + 1).append("\n\n```rule\n");
            int composedLine = (int) doc.chars().filter(c -> c == '\n').count() + 1;
            map.add(new int[] {composedLine, from + 1, to - from});
            for (int i = from; i < to; i++) {
                doc.append(lines[i]).append('\n');
            }
            doc.append("```\n");
        }
        return new Composed(doc.toString(), map);
    }

    static JsonNode json(String text) throws Exception {
        return TestJson.MAPPER.readTree(text);
    }
}
