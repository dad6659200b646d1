package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Trace;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Printer;
import dev.flexauth.policy.markdown.PolicyReader;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * An allow rule that restates the complements of deny rules (as ops-warden's does) is compiled to
 * reuse the denies' results instead of evaluating those conjuncts again. Over generated deny
 * conditions, complements written as {@code not (...)} or with the negation pushed inward, with
 * and without a conjunct of their own, and requests that leave fields absent or name unknown
 * actors, the engine must decide exactly as the explain interpreter, which evaluates every rule
 * from its syntax tree.
 */
class ComplementReuseProperties {
    private static final String BASE = TestFiles.opsWardenPolicyWithoutRules();

    @Provide
    Arbitrary<Expr> conditions() {
        return Conditions.conditions();
    }

    @Provide
    Arbitrary<List<OpsWardenRequests.Ask>> asks() {
        return OpsWardenRequests.asks().list().ofSize(25);
    }

    @Property(tries = 300)
    void anAllowRuleReusingDenyComplementsDecidesAsTheInterpreter(@ForAll("conditions") Expr first,
            @ForAll("conditions") Expr second, @ForAll("conditions") Expr own, @ForAll boolean pushNegation,
            @ForAll boolean reuseSecond, @ForAll boolean withOwn, @ForAll("asks") List<OpsWardenRequests.Ask> asks) {
        List<Expr> conjuncts = new ArrayList<>();
        conjuncts.add(pushNegation ? complement(first) : new Expr.Not(first, first.pos()));
        if (reuseSecond) {
            conjuncts.add(pushNegation ? complement(second) : new Expr.Not(second, second.pos()));
        }
        if (withOwn) {
            conjuncts.add(own);
        }
        Expr allow = conjuncts.size() == 1 ? conjuncts.get(0) : new Expr.And(conjuncts, first.pos());
        String text = BASE
                + "\n### First\n\n```rule\ndeny unknown_actor_resource when " + Printer.print(first) + "\n```\n"
                + "\n### Second\n\n```rule\ndeny action_not_supported when " + Printer.print(second) + "\n```\n"
                + "\n### Allow\n\n```rule\nallow signing_policy_matched when " + Printer.print(allow) + "\n```\n";
        Engine e;
        try {
            e = Engine.of(PolicyReader.read(text, "generated.md"), OpsWardenRequests.ENGINE.registry());
        } catch (Exception x) {
            throw new AssertionError("the generated package did not load:\n" + text, x);
        }
        for (OpsWardenRequests.Ask ask : asks) {
            Decision checked = e.check(ask.toRequest(e));
            List<Trace.RuleTrace> trace = e.explain(ask.toRequest(e)).trace().orElseThrow().rules();
            Trace.RuleTrace last = trace.get(trace.size() - 1);
            String interpreted = last.outcome() == Trace.Outcome.MATCHED ? last.reason() : "no_rule_matched";
            assertEquals(interpreted, checked.reason(), () -> "compiled and interpreted disagree on " + ask + " for\n" + text);
        }
    }

    /** {@code not e} with the negation pushed to the leaves, as a policy author might write it. */
    private static Expr complement(Expr e) {
        if (e instanceof Expr.Not) {
            return ((Expr.Not) e).operand();
        }
        if (e instanceof Expr.And) {
            return new Expr.Or(((Expr.And) e).operands().stream().map(ComplementReuseProperties::complement).toList(), e.pos());
        }
        if (e instanceof Expr.Or) {
            return new Expr.And(((Expr.Or) e).operands().stream().map(ComplementReuseProperties::complement).toList(), e.pos());
        }
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            Expr.CompareOp op;
            switch (c.op()) {
                case EQ: op = Expr.CompareOp.NE; break;
                case NE: op = Expr.CompareOp.EQ; break;
                case LT: op = Expr.CompareOp.GE; break;
                case LE: op = Expr.CompareOp.GT; break;
                case GT: op = Expr.CompareOp.LE; break;
                default: op = Expr.CompareOp.LT; break;
            }
            return new Expr.Compare(op, c.left(), c.right(), c.pos());
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            return new Expr.In(in.item(), in.list(), !in.negated(), in.pos());
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            Expr.TestKind k;
            switch (t.kind()) {
                case PRESENT: k = Expr.TestKind.MISSING; break;
                case MISSING: k = Expr.TestKind.PRESENT; break;
                case KNOWN: k = Expr.TestKind.UNKNOWN; break;
                default: k = Expr.TestKind.KNOWN; break;
            }
            return new Expr.Test(t.operand(), k, t.pos());
        }
        return new Expr.Not(e, e.pos());
    }
}
