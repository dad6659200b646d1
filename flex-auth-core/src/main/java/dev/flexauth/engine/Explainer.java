package dev.flexauth.engine;

import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Printer;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.StringList;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Evaluates rule conditions over the syntax tree, slowly, recording which conditions decided the
 * outcome and with which values. Used only for {@code explain}; it follows the same three-valued
 * semantics as the compiled {@link Cond} tree, which a property test holds it to.
 */
final class Explainer {
    /** A condition's value and the statements that decided it. */
    record Result(int value, List<String> because) {
    }

    private final RequestSchema schema;
    private final int[] entityIndexBySlot;
    private final Object[] request;
    private final Entity[] entities;

    Explainer(RequestSchema schema, int[] entityIndexBySlot, Object[] request, Entity[] entities) {
        this.schema = schema;
        this.entityIndexBySlot = entityIndexBySlot;
        this.request = request;
        this.entities = entities;
    }

    Result eval(Expr e) {
        if (e instanceof Expr.And) {
            return junction(((Expr.And) e).operands(), Cond.FALSE, Cond.TRUE);
        }
        if (e instanceof Expr.Or) {
            return junction(((Expr.Or) e).operands(), Cond.TRUE, Cond.FALSE);
        }
        if (e instanceof Expr.Not) {
            Result inner = eval(((Expr.Not) e).operand());
            return new Result(Cond.not(inner.value()), inner.because());
        }
        int v = leaf(e);
        return new Result(v, List.of(sentence(e, v)));
    }

    /** And (dominant FALSE) or Or (dominant TRUE): the first dominant operand decides, else all do. */
    private Result junction(List<Expr> ops, int dominant, int neutral) {
        List<String> all = new ArrayList<>();
        Result firstUndecided = null;
        for (Expr op : ops) {
            Result r = eval(op);
            if (r.value() == dominant) {
                return r;
            }
            if (r.value() == Cond.UNDECIDED && firstUndecided == null) {
                firstUndecided = r;
            }
            all.addAll(r.because());
        }
        return firstUndecided != null ? new Result(Cond.UNDECIDED, firstUndecided.because()) : new Result(neutral, all);
    }

    private int leaf(Expr e) {
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            Object a = value(c.left());
            Object b = value(c.right());
            if (a == null || b == null) {
                return Cond.UNDECIDED;
            }
            switch (c.op()) {
                case EQ: return Cond.of(a.equals(b));
                case NE: return Cond.of(!a.equals(b));
                case LT: return Cond.of((Long) a < (Long) b);
                case LE: return Cond.of((Long) a <= (Long) b);
                case GT: return Cond.of((Long) a > (Long) b);
                default: return Cond.of((Long) a >= (Long) b);
            }
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            Object item = value(in.item());
            Object list = value(in.list());
            if (item == null || list == null) {
                return Cond.UNDECIDED;
            }
            return Cond.of(((List<?>) list).contains(item) != in.negated());
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            int slot = slot((Expr.Ref) t.operand());
            boolean present = request[slot] != null;
            switch (t.kind()) {
                case PRESENT: return Cond.of(present);
                case MISSING: return Cond.of(!present);
                default:
                    if (!present) {
                        return Cond.UNDECIDED;
                    }
                    boolean known = entities[entityIndexBySlot[slot]] != null;
                    return Cond.of(t.kind() == Expr.TestKind.KNOWN ? known : !known);
            }
        }
        Object v = value(e);
        return v == null ? Cond.UNDECIDED : Cond.of((Boolean) v);
    }

    private Object value(Expr e) {
        if (e instanceof Expr.Literal) {
            return ((Expr.Literal) e).value();
        }
        if (e instanceof Expr.ListLiteral) {
            return ((Expr.ListLiteral) e).items().stream().map(Expr.Literal::value).collect(Collectors.toList());
        }
        Expr.Ref ref = (Expr.Ref) e;
        int slot = slot(ref);
        if (!ref.isAttribute()) {
            return request[slot];
        }
        Entity entity = entities[entityIndexBySlot[slot]];
        return entity == null ? null : entity.get(ref.attribute());
    }

    private int slot(Expr.Ref ref) {
        return schema.field(ref.field()).orElseThrow().slot();
    }

    /**
     * What is true of a leaf, in a plain sentence with the values seen, whichever way it came out:
     * {@code ttl_hours 72 is more than actor.max_ttl_hours 48}, {@code actor "a" is in the registry},
     * {@code subject "s" is not in actor.allowed_subjects ["a"]}. A leaf that could not be decided
     * says which value was missing. Each sentence holds on its own, so the sentences of a rule read
     * joined by "and", under any {@code not}.
     */
    private String sentence(Expr e, int v) {
        if (v == Cond.UNDECIDED) {
            return missing(e) + ", so " + Printer.print(e) + " cannot hold";
        }
        boolean holds = v == Cond.TRUE;
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            return side(c.left()) + " " + words(holds ? c.op() : negation(c.op())) + " " + side(c.right());
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            return side(in.item()) + (holds != in.negated() ? " is in " : " is not in ") + side(in.list());
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            Expr.Ref ref = (Expr.Ref) t.operand();
            Object value = request[slot(ref)];
            switch (t.kind()) {
                case PRESENT:
                case MISSING:
                    return value == null ? ref.path() + " is absent" : side(ref) + " is present";
                default:
                    boolean known = entities[entityIndexBySlot[slot(ref)]] != null;
                    return side(ref) + (known ? " is in the registry" : " is not in the registry");
            }
        }
        return ((Expr.Ref) e).path() + " is " + holds;
    }

    /** Why a leaf could not be decided: the first value it needed that was not there. */
    private String missing(Expr e) {
        List<Expr> operands = e instanceof Expr.Compare ? List.of(((Expr.Compare) e).left(), ((Expr.Compare) e).right())
                : e instanceof Expr.In ? List.of(((Expr.In) e).item(), ((Expr.In) e).list())
                : e instanceof Expr.Test ? List.of(((Expr.Test) e).operand()) : List.of(e);
        for (Expr op : operands) {
            if (op instanceof Expr.Ref && value(op) == null) {
                Expr.Ref ref = (Expr.Ref) op;
                Object key = request[slot(ref)];
                if (!ref.isAttribute() || key == null) {
                    return ref.field() + " is absent";
                }
                return entities[entityIndexBySlot[slot(ref)]] == null
                        ? ref.field() + " " + show(key) + " is not in the registry"
                        : ref.path() + " is absent";
            }
        }
        return Printer.print(e) + " cannot be evaluated";
    }

    private static String words(Expr.CompareOp op) {
        switch (op) {
            case EQ: return "is";
            case NE: return "is not";
            case LT: return "is less than";
            case LE: return "is at most";
            case GT: return "is more than";
            default: return "is at least";
        }
    }

    private static Expr.CompareOp negation(Expr.CompareOp op) {
        switch (op) {
            case EQ: return Expr.CompareOp.NE;
            case NE: return Expr.CompareOp.EQ;
            case LT: return Expr.CompareOp.GE;
            case LE: return Expr.CompareOp.GT;
            case GT: return Expr.CompareOp.LE;
            default: return Expr.CompareOp.LT;
        }
    }

    private String side(Expr e) {
        if (e instanceof Expr.Literal || e instanceof Expr.ListLiteral) {
            return Printer.print(e);
        }
        Expr.Ref ref = (Expr.Ref) e;
        Object v = value(ref);
        if (v != null) {
            return ref.path() + " " + show(v);
        }
        if (ref.isAttribute() && request[slot(ref)] != null) {
            return ref.path() + " (unknown " + ref.field() + " " + show(request[slot(ref)]) + ")";
        }
        return ref.path() + " (absent)";
    }

    static String show(Object v) {
        if (v instanceof StringList || v instanceof List) {
            return ((List<?>) v).stream().map(Explainer::show).collect(Collectors.joining(", ", "[", "]"));
        }
        return Printer.literal(v);
    }
}
