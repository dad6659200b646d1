package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.flexauth.TestFiles;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Expr.CompareOp;
import dev.flexauth.policy.Expr.TestKind;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.Pos;
import dev.flexauth.policy.markdown.PolicyReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which allow conjuncts the compiler recognises as complements of deny rules, and so does not
 * evaluate again (the decisions themselves are checked against the interpreter by
 * {@code ComplementReuseProperties}).
 */
class ComplementReuseTest {
    private static final Pos P = Pos.START;

    private static Expr.Ref ref(String field) {
        return new Expr.Ref(field, null, P);
    }

    private static Expr.Ref attr(String attribute) {
        return new Expr.Ref("actor", attribute, P);
    }

    private static Expr.Literal lit(Object v) {
        return new Expr.Literal(v, P);
    }

    @Test
    void theOpsWardenAllowRuleIsEntirelyTheComplementOfItsFiveDenyRules() {
        Engine e = TestFiles.opsWarden();
        Compiler.Program p = Compiler.compile(e.policy(), e.registry());
        assertEquals(5, p.denies().length);
        assertEquals(0b11111, p.allows()[0].reusedDenies());
        assertNull(p.allows()[0].condition(), "nothing of the allow rule is left to evaluate");
    }

    @Test
    void onlyTheConjunctsThatAreComplementsAreReused() throws Exception {
        String base = TestFiles.opsWardenPolicyWithoutRules();
        PolicyPackage policy = PolicyReader.read(base
                + "\n### A\n\n```rule\ndeny unknown_actor_resource when actor is unknown\n```\n"
                + "\n### B\n\n```rule\ndeny ttl_out_of_bounds when ttl_hours > 48\n```\n"
                + "\n### C\n\n```rule\nallow signing_policy_matched when actor is known and ttl_hours < 48\n```\n",
                "partial.md");
        Compiler.Program p = Compiler.compile(policy, TestFiles.opsWarden().registry());
        assertEquals(0b01, p.allows()[0].reusedDenies(), "ttl_hours < 48 is not the complement of ttl_hours > 48");
        assertEquals(Cond.Order.class, p.allows()[0].condition().getClass());
    }

    @Test
    void negationPushedInwardGivesTheSameKey() {
        Expr present = new Expr.Test(ref("principal"), TestKind.PRESENT, P);
        Expr differs = new Expr.Compare(CompareOp.NE, ref("principal"), attr("principal"), P);
        Expr deny = new Expr.And(List.of(present, differs), P);
        Expr written = new Expr.Or(List.of(
                new Expr.Compare(CompareOp.EQ, attr("principal"), ref("principal"), P),
                new Expr.Test(ref("principal"), TestKind.MISSING, P)), P);
        assertEquals(Compiler.key(deny, true), Compiler.key(written, false));
        assertEquals(Compiler.key(deny, true), Compiler.key(new Expr.Not(deny, P), false));
        assertEquals(Compiler.key(deny, false), Compiler.key(new Expr.Not(new Expr.Not(deny, P), P), false));
    }

    @Test
    void nestedJunctionsAreFlattened() {
        Expr a = new Expr.Test(ref("actor"), TestKind.KNOWN, P);
        Expr b = new Expr.Compare(CompareOp.EQ, ref("action"), lit("ssh.sign"), P);
        Expr c = new Expr.In(ref("subject"), attr("allowed_subjects"), false, P);
        Expr nested = new Expr.And(List.of(a, new Expr.And(List.of(b, c), P)), P);
        Expr flat = new Expr.And(List.of(c, b, a), P);
        assertEquals(Compiler.key(flat, false), Compiler.key(nested, false));
        assertNotEquals(Compiler.key(flat, false), Compiler.key(new Expr.Or(List.of(a, b, c), P), false));
    }

    @Test
    void differentLiteralsNeverShareAKey() {
        // Strings are length-prefixed: no literal can spell another key's continuation.
        Expr x = new Expr.Compare(CompareOp.EQ, ref("action"), lit("a"), P);
        Expr forged = new Expr.Compare(CompareOp.EQ, ref("action"), lit("a)str1:a"), P);
        assertNotEquals(Compiler.key(x, false), Compiler.key(forged, false));
        assertNotEquals(Compiler.key(new Expr.Compare(CompareOp.EQ, ref("ttl_hours"), lit(1L), P), false),
                Compiler.key(new Expr.Compare(CompareOp.EQ, ref("ttl_hours"), lit(11L), P), false));
        assertNotEquals(Compiler.key(new Expr.In(ref("action"), new Expr.ListLiteral(List.of(lit("a"), lit("b")), P), false, P), false),
                Compiler.key(new Expr.In(ref("action"), new Expr.ListLiteral(List.of(lit("ab")), P), false, P), false));
    }
}
