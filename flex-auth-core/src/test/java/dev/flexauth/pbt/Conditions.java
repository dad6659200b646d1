package dev.flexauth.pbt;

import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Expr.CompareOp;
import dev.flexauth.policy.Expr.TestKind;
import dev.flexauth.policy.Pos;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Well-typed rule conditions over the ops-warden Request and Registry tables, of bounded depth. */
final class Conditions {
    private static final Pos P = Pos.START;

    private Conditions() {
    }

    static Arbitrary<Expr> conditions() {
        return condition(3);
    }

    private static Arbitrary<Expr> condition(int depth) {
        if (depth == 0) {
            return atoms();
        }
        Arbitrary<Expr> sub = Arbitraries.lazy(() -> condition(depth - 1));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, atoms()),
                net.jqwik.api.Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(3).map(ops -> (Expr) new Expr.And(ops, P))),
                net.jqwik.api.Tuple.of(2, sub.list().ofMinSize(2).ofMaxSize(3).map(ops -> (Expr) new Expr.Or(ops, P))),
                net.jqwik.api.Tuple.of(1, sub.map(e -> (Expr) new Expr.Not(e, P))));
    }

    private static Expr.Ref ref(String field) {
        return new Expr.Ref(field, null, P);
    }

    private static Expr.Ref attr(String attribute) {
        return new Expr.Ref("actor", attribute, P);
    }

    private static Expr.Literal lit(Object v) {
        return new Expr.Literal(v, P);
    }

    static Arbitrary<Expr> atoms() {
        Arbitrary<CompareOp> ordering = Arbitraries.of(CompareOp.LT, CompareOp.LE, CompareOp.GT, CompareOp.GE, CompareOp.EQ, CompareOp.NE);
        Arbitrary<CompareOp> equality = Arbitraries.of(CompareOp.EQ, CompareOp.NE);
        Arbitrary<Long> ints = Arbitraries.of(-1L, 0L, 1L, 2L, 8L, 24L, 48L, 49L);
        Arbitrary<String> strings = Arbitraries.of("ssh.sign", "ssh.deploy", "agt", "adm", "agt-task-bridge", "adm-full", "adm-example");
        return Arbitraries.oneOf(
                Arbitraries.of(TestKind.KNOWN, TestKind.UNKNOWN).map(k -> (Expr) new Expr.Test(ref("actor"), k, P)),
                Combinators.combine(Arbitraries.of("principal", "ttl_hours"), Arbitraries.of(TestKind.MISSING, TestKind.PRESENT))
                        .as((f, k) -> (Expr) new Expr.Test(ref(f), k, P)),
                Combinators.combine(equality, Arbitraries.of("action", "subject", "principal"), strings)
                        .as((op, f, s) -> (Expr) new Expr.Compare(op, ref(f), lit(s), P)),
                Combinators.combine(equality, Arbitraries.of("subject", "principal", "actor"), Arbitraries.of("principal", "type"))
                        .as((op, f, a) -> (Expr) new Expr.Compare(op, ref(f), attr(a), P)),
                Combinators.combine(ordering, ints).as((op, n) -> (Expr) new Expr.Compare(op, ref("ttl_hours"), lit(n), P)),
                ordering.map(op -> (Expr) new Expr.Compare(op, ref("ttl_hours"), attr("max_ttl_hours"), P)),
                Combinators.combine(Arbitraries.of("subject", "principal", "actor"), Arbitraries.of(true, false))
                        .as((f, neg) -> (Expr) new Expr.In(ref(f), attr("allowed_subjects"), neg, P)),
                Combinators.combine(Arbitraries.of("action", "actor"), Arbitraries.of(true, false))
                        .as((f, neg) -> (Expr) new Expr.In(ref(f), new Expr.ListLiteral(
                                List.of(lit("ssh.sign"), lit("agt-state-hub-bridge")), P), neg, P)));
    }
}
