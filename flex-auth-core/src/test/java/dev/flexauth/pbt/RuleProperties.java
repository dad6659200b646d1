package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.Printer;
import dev.flexauth.policy.markdown.PolicyReader;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants of the rule language over generated conditions: printing and parsing round-trip,
 * deny overrides, and the compiled evaluator agrees with the explain interpreter.
 */
class RuleProperties {
    private static final String BASE = TestFiles.opsWardenPolicyText();

    @Provide
    Arbitrary<Expr> conditions() {
        return Conditions.conditions();
    }

    @Provide
    Arbitrary<List<OpsWardenRequests.Ask>> asks() {
        return OpsWardenRequests.asks().list().ofSize(20);
    }

    /** The ops-warden package with one more rule appended under its own heading. */
    private static PolicyPackage withRule(String rule) {
        String text = BASE + "\n### Generated rule\n\n```rule\n" + rule + "\n```\n";
        try {
            return PolicyReader.read(text, "generated.md");
        } catch (Exception e) {
            throw new AssertionError("the generated rule did not load: " + rule + "\n" + e.getMessage(), e);
        }
    }

    private static Engine engine(PolicyPackage p) {
        try {
            return Engine.of(p, OpsWardenRequests.ENGINE.registry());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Property(tries = 300)
    void printingThenParsingGivesTheSameCondition(@ForAll("conditions") Expr condition) {
        String printed = Printer.print(condition);
        PolicyPackage p = withRule("deny ttl_out_of_bounds when " + printed);
        Expr parsed = p.rules().get(p.rules().size() - 1).condition();
        assertEquals(printed, Printer.print(parsed));
    }

    @Property(tries = 200)
    void addingADenyRuleNeverTurnsADenyIntoAnAllow(@ForAll("conditions") Expr condition,
            @ForAll("asks") List<OpsWardenRequests.Ask> asks) {
        Engine before = OpsWardenRequests.ENGINE;
        Engine after = engine(withRule("deny ttl_out_of_bounds when " + Printer.print(condition)));
        for (OpsWardenRequests.Ask ask : asks) {
            Decision b = before.check(ask.toRequest(before));
            Decision a = after.check(ask.toRequest(after));
            if (!b.allowed()) {
                assertFalse(a.allowed(), () -> "a deny rule turned " + ask + " into an allow");
                assertEquals(b.reason(), a.reason(), "an earlier deny keeps its reason");
            }
            if (a.allowed()) {
                assertTrue(b.allowed());
            }
        }
    }

    @Property(tries = 200)
    void theCompiledConditionAgreesWithTheExplainInterpreter(@ForAll("conditions") Expr condition,
            @ForAll("asks") List<OpsWardenRequests.Ask> asks) {
        // As the package's only rule, the condition alone decides allow versus the default deny.
        String text = BASE.replaceAll("(?s)```rule\\n.*?```", "")
                + "\n### The only rule\n\n```rule\nallow signing_policy_matched when " + Printer.print(condition) + "\n```\n";
        Engine e;
        try {
            e = engine(PolicyReader.read(text, "generated.md"));
        } catch (Exception x) {
            throw new AssertionError(x);
        }
        for (OpsWardenRequests.Ask ask : asks) {
            Decision checked = e.check(ask.toRequest(e));
            Decision explained = e.explain(ask.toRequest(e));
            var last = explained.trace().orElseThrow().rules();
            boolean explainedMatch = !last.isEmpty() && last.get(last.size() - 1).outcome() == dev.flexauth.engine.Trace.Outcome.MATCHED
                    && last.get(last.size() - 1).reason().equals(checked.reason());
            assertEquals(checked.reason().equals("no_rule_matched"), !explainedMatch,
                    () -> "compiled and explained disagree on " + ask + " for " + Printer.print(condition));
        }
    }
}
