package dev.flexauth.cli;

import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.json.Json;
import java.util.List;

/**
 * How {@code test} and {@code load-registry} print property results: a failure with its name,
 * file:line, the counterexample as the JSON body a client would send, the decision and the
 * explain trace; a summary that says how many distinct requests were checked and whether that
 * proves anything.
 */
final class PropertyReport {
    private PropertyReport() {
    }

    /** {@code file:line (name)} of a property. */
    static String where(PropertyResult r, String policyFile) {
        return policyFile + ":" + r.property().pos().line() + " (" + r.property().name() + ")";
    }

    /** The counterexample as the JSON request body of {@code POST /v1/check}. */
    static String request(PropertyResult r) {
        return Json.write(r.counterexample().toMap());
    }

    /** The block {@code test} prints for a failing property. */
    static String failure(Engine engine, PropertyResult r, String policyFile) {
        StringBuilder sb = new StringBuilder("FAILED  property ").append(where(r, policyFile)).append('\n');
        sb.append("  property        ").append(r.property().text()).append('\n');
        sb.append("  counterexample  ").append(request(r)).append('\n');
        sb.append("  decision        ").append(r.decision().effect()).append(' ').append(r.decision().reason()).append('\n');
        Decision explained = engine.explain(r.counterexample());
        explained.trace().ifPresent(t -> sb.append(CheckCommand.trace(t, policyFile, "  ")));
        return sb.toString();
    }

    /** One line for a property that holds ({@code --verbose}). */
    static String held(PropertyResult r, String policyFile) {
        return "ok      property " + where(r, policyFile) + ": holds";
    }

    /** {@code 6 hold, 0 fail} and how they were checked. */
    static String summary(List<PropertyResult> results) {
        long failed = results.stream().filter(r -> !r.holds()).count();
        return (results.size() - failed) + " hold, " + failed + " fail" + " (" + how(results.get(0)) + ")";
    }

    /** How much a pass proves: every request of the exact domain, or not. */
    static String how(PropertyResult r) {
        if (r.method() == PropertyResult.Method.RANDOM) {
            return "NOT exact: " + r.cases() + " random requests, because the domain holds more than the bound "
                    + "(--max-cases); a pass proves nothing";
        }
        if (!r.notExact().isEmpty()) {
            return "NOT exact: every one of " + r.cases() + " distinct requests of a sampled domain" + decided(r) + ", because "
                    + String.join("; ", r.notExact());
        }
        return "exact: every one of " + r.cases() + " distinct requests checked" + decided(r);
    }

    /** How many requests the engine decided, when keys the package cannot tell apart shared decisions. */
    private static String decided(PropertyResult r) {
        return r.decided() == r.cases() ? "" : ", " + r.decided() + " of them decided (the others differ from one of "
                + "those only in a key the package cannot tell apart)";
    }
}
