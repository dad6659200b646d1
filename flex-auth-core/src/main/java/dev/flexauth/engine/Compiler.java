package dev.flexauth.engine;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Output;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.Rule;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a type-checked package against a registry's attribute layouts: field names become
 * array slots, attribute names become entity slots, and each rule condition becomes a tree of
 * {@link Cond} nodes. Runs once per engine; the checks it relies on were made by the reader.
 *
 * <p>Allow rules are only evaluated after every deny rule failed to match, and a package usually
 * states its allow rule as the conjunction of the complements of its deny rules (ops-warden's
 * does, on purpose). An allow conjunct that is exactly the complement of a deny rule's condition
 * is therefore not compiled again: its value is the Kleene negation of that deny's value, which is
 * false or undecided, so the conjunct is true exactly when the deny was false. The allow rule keeps
 * those denies in {@link CompiledRule#reusedDenies()} and only its other conjuncts as a condition.
 * "Exactly the complement" is decided on a canonical form (see {@link #key}) whose rewrites all
 * preserve three-valued results.
 */
final class Compiler {
    /** An entity field of the request: where its key is and which kind to look it up in. */
    record EntityField(int slot, EntityKind kind) {
    }

    /**
     * A rule ready to evaluate; {@code rule} is null for the package's default deny. It matches
     * when {@code condition} is null or true and no deny rule in the {@code reusedDenies} bit set
     * (bit {@code k}: the {@code k}-th deny rule, only for allow rules) evaluated to undecided.
     */
    record CompiledRule(Rule rule, Effect effect, String reason, Cond condition, long reusedDenies, String[] outputNames,
            Val[] outputs) {
    }

    /** Deny rules beyond this many are never reused: {@link CompiledRule#reusedDenies()} is one {@code long}. */
    static final int MAX_REUSED_DENIES = Long.SIZE;

    /** The whole package, compiled: entity fields to resolve, deny rules, allow rules, the default. */
    record Program(EntityField[] entityFields, int[] entityIndexBySlot, CompiledRule[] denies, CompiledRule[] allows,
            CompiledRule fallback) {
    }

    private final PolicyPackage policy;
    private final int[] entityIndexBySlot;
    private final List<EntityField> entityFields = new ArrayList<>();

    private Compiler(PolicyPackage policy, Registry registry) {
        this.policy = policy;
        this.entityIndexBySlot = new int[policy.request().size()];
        for (Field f : policy.request().fields()) {
            entityIndexBySlot[f.slot()] = -1;
            if (f.type().isEntity()) {
                entityIndexBySlot[f.slot()] = entityFields.size();
                entityFields.add(new EntityField(f.slot(), registry.kind(f.type().entityKind()).orElseThrow()));
            }
        }
    }

    static Program compile(PolicyPackage policy, Registry registry) {
        Compiler c = new Compiler(policy, registry);
        List<CompiledRule> denies = new ArrayList<>();
        // The key of "not condition" of each deny rule, to its index: what an allow conjunct may reuse.
        Map<String, Integer> complements = new HashMap<>();
        for (Rule r : policy.rules()) {
            if (r.effect() == Effect.DENY) {
                String complement = r.condition() == null ? null : key(r.condition(), true);
                if (complement != null && denies.size() < MAX_REUSED_DENIES) {
                    complements.putIfAbsent(complement, denies.size());
                }
                denies.add(c.rule(r, r.condition(), 0));
            }
        }
        List<CompiledRule> allows = new ArrayList<>();
        for (Rule r : policy.rules()) {
            if (r.effect() == Effect.ALLOW) {
                allows.add(c.allowRule(r, complements));
            }
        }
        CompiledRule fallback = new CompiledRule(null, Effect.DENY, policy.defaultReason(), null, 0, new String[0], new Val[0]);
        return new Program(c.entityFields.toArray(new EntityField[0]), c.entityIndexBySlot,
                denies.toArray(new CompiledRule[0]), allows.toArray(new CompiledRule[0]), fallback);
    }

    /** Compiles a condition outside the rules (a property's), checked by the reader against the same tables. */
    static Cond condition(PolicyPackage policy, Registry registry, Expr condition) {
        return new Compiler(policy, registry).cond(condition);
    }

    private CompiledRule allowRule(Rule r, Map<String, Integer> complements) {
        if (r.condition() == null) {
            return rule(r, null, 0);
        }
        List<Expr> conjuncts = new ArrayList<>();
        conjuncts(r.condition(), conjuncts);
        long reused = 0;
        List<Expr> rest = new ArrayList<>();
        for (Expr e : conjuncts) {
            String key = key(e, false);
            Integer deny = key == null ? null : complements.get(key);
            if (deny != null) {
                reused |= 1L << deny;
            } else {
                rest.add(e);
            }
        }
        if (reused == 0) {
            return rule(r, r.condition(), 0);
        }
        Expr residual = rest.isEmpty() ? null : rest.size() == 1 ? rest.get(0) : new Expr.And(rest, r.condition().pos());
        return rule(r, residual, reused);
    }

    /** The operands of {@code e} as one flat conjunction (nested {@code and}s opened). */
    private static void conjuncts(Expr e, List<Expr> out) {
        if (e instanceof Expr.And) {
            for (Expr op : ((Expr.And) e).operands()) {
                conjuncts(op, out);
            }
        } else {
            out.add(e);
        }
    }

    private CompiledRule rule(Rule r, Expr condition, long reusedDenies) {
        String[] names = new String[r.outputs().size()];
        Val[] values = new Val[names.length];
        for (int i = 0; i < names.length; i++) {
            Output o = r.outputs().get(i);
            names[i] = o.name();
            values[i] = val(o.value());
        }
        return new CompiledRule(r, r.effect(), r.reason(), condition == null ? null : cond(condition), reusedDenies, names,
                values);
    }

    /**
     * A canonical text of {@code e} (of {@code not e} when {@code negate}): two conditions get the
     * same key only if they have the same three-valued result on every request. Negation is pushed
     * to the leaves (De Morgan; {@code ==}/{@code !=}, {@code <}/{@code >=}, {@code >}/{@code <=},
     * {@code in}/{@code not in}, {@code present}/{@code missing}, {@code known}/{@code unknown}
     * swapped), all of which keep Kleene values because a leaf is undecided on the same requests
     * whichever way it is negated; nested {@code and}/{@code or} are flattened and their operands
     * sorted. Every string is length-prefixed, so no literal can forge another key. {@code null}
     * for a shape this method does not know: such a condition is never reused.
     */
    static String key(Expr e, boolean negate) {
        while (e instanceof Expr.Not) {
            negate = !negate;
            e = ((Expr.Not) e).operand();
        }
        if (e instanceof Expr.And || e instanceof Expr.Or) {
            boolean and = (e instanceof Expr.And) != negate;
            List<String> parts = new ArrayList<>();
            junctionParts(e, negate, and, parts);
            if (parts.contains(null)) {
                return null;
            }
            parts.sort(null);
            StringBuilder b = new StringBuilder(and ? "and" : "or").append(parts.size()).append('(');
            parts.forEach(p -> b.append(p.length()).append(':').append(p));
            return b.append(')').toString();
        }
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            Expr.CompareOp op = negate ? complement(c.op()) : c.op();
            String left = operand(c.left());
            String right = operand(c.right());
            if (left == null || right == null) {
                return null;
            }
            if (!op.isOrdering() && left.compareTo(right) > 0) {
                String t = left;
                left = right;
                right = t;
            }
            return "cmp" + op.name() + "(" + left + right + ")";
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            String item = operand(in.item());
            String list = operand(in.list());
            if (item == null || list == null) {
                return null;
            }
            return (in.negated() != negate ? "notin(" : "in(") + item + list + ")";
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            String operand = operand(t.operand());
            return operand == null ? null : "is" + (negate ? complement(t.kind()) : t.kind()).name() + "(" + operand + ")";
        }
        String operand = operand(e);
        return operand == null ? null : (negate ? "false(" : "true(") + operand + ")";
    }

    private static void junctionParts(Expr e, boolean negate, boolean and, List<String> parts) {
        List<Expr> ops = e instanceof Expr.And ? ((Expr.And) e).operands() : ((Expr.Or) e).operands();
        for (Expr op : ops) {
            Expr o = op;
            boolean n = negate;
            while (o instanceof Expr.Not) {
                n = !n;
                o = ((Expr.Not) o).operand();
            }
            if ((o instanceof Expr.And || o instanceof Expr.Or) && ((o instanceof Expr.And) != n) == and) {
                junctionParts(o, n, and, parts);
            } else {
                parts.add(key(o, n));
            }
        }
    }

    private static String operand(Expr e) {
        if (e instanceof Expr.Ref) {
            String path = ((Expr.Ref) e).path();
            return "ref" + path.length() + ":" + path;
        }
        if (e instanceof Expr.ListLiteral) {
            StringBuilder b = new StringBuilder("list").append(((Expr.ListLiteral) e).items().size()).append('[');
            for (Expr.Literal item : ((Expr.ListLiteral) e).items()) {
                String k = operand(item);
                if (k == null) {
                    return null;
                }
                b.append(k);
            }
            return b.append(']').toString();
        }
        if (!(e instanceof Expr.Literal)) {
            return null;
        }
        Object v = ((Expr.Literal) e).value();
        if (v instanceof String) {
            return "str" + ((String) v).length() + ":" + v;
        }
        if (v instanceof Long || v instanceof Boolean) {
            return (v instanceof Long ? "int" : "bool") + v + ";";
        }
        return null;
    }

    private static Expr.CompareOp complement(Expr.CompareOp op) {
        switch (op) {
            case EQ: return Expr.CompareOp.NE;
            case NE: return Expr.CompareOp.EQ;
            case LT: return Expr.CompareOp.GE;
            case LE: return Expr.CompareOp.GT;
            case GT: return Expr.CompareOp.LE;
            default: return Expr.CompareOp.LT;
        }
    }

    private static Expr.TestKind complement(Expr.TestKind kind) {
        switch (kind) {
            case PRESENT: return Expr.TestKind.MISSING;
            case MISSING: return Expr.TestKind.PRESENT;
            case KNOWN: return Expr.TestKind.UNKNOWN;
            default: return Expr.TestKind.KNOWN;
        }
    }

    private Cond cond(Expr e) {
        if (e instanceof Expr.And) {
            return new Cond.And(((Expr.And) e).operands().stream().map(this::cond).toArray(Cond[]::new));
        }
        if (e instanceof Expr.Or) {
            return new Cond.Or(((Expr.Or) e).operands().stream().map(this::cond).toArray(Cond[]::new));
        }
        if (e instanceof Expr.Not) {
            return new Cond.Not(cond(((Expr.Not) e).operand()));
        }
        if (e instanceof Expr.Compare) {
            return compare((Expr.Compare) e);
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            if (in.list() instanceof Expr.ListLiteral) {
                Set<Object> constants = new HashSet<>();
                ((Expr.ListLiteral) in.list()).items().forEach(l -> constants.add(l.value()));
                return new Cond.InConstants(val(in.item()), Set.copyOf(constants), in.negated());
            }
            return new Cond.InList(val(in.item()), val(in.list()), in.negated());
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            int slot = slot((Expr.Ref) t.operand());
            switch (t.kind()) {
                case PRESENT: return new Cond.Present(slot, false);
                case MISSING: return new Cond.Present(slot, true);
                case KNOWN: return new Cond.Known(slot, entityIndexBySlot[slot], false);
                default: return new Cond.Known(slot, entityIndexBySlot[slot], true);
            }
        }
        return new Cond.Truth(val(e));
    }

    private Cond compare(Expr.Compare c) {
        switch (c.op()) {
            case EQ:
            case NE:
                boolean negated = c.op() == Expr.CompareOp.NE;
                if (isPlainField(c.left()) && c.right() instanceof Expr.Literal) {
                    return new Cond.FieldEqualsConstant(slot((Expr.Ref) c.left()), ((Expr.Literal) c.right()).value(), negated);
                }
                if (isPlainField(c.right()) && c.left() instanceof Expr.Literal) {
                    return new Cond.FieldEqualsConstant(slot((Expr.Ref) c.right()), ((Expr.Literal) c.left()).value(), negated);
                }
                return new Cond.Equals(val(c.left()), val(c.right()), negated);
            case LT: return new Cond.Order(val(c.left()), val(c.right()), Cond.Order.LT);
            case LE: return new Cond.Order(val(c.left()), val(c.right()), Cond.Order.LE);
            case GT: return new Cond.Order(val(c.left()), val(c.right()), Cond.Order.GT);
            default: return new Cond.Order(val(c.left()), val(c.right()), Cond.Order.GE);
        }
    }

    private static boolean isPlainField(Expr e) {
        return e instanceof Expr.Ref && !((Expr.Ref) e).isAttribute();
    }

    private Val val(Expr e) {
        if (e instanceof Expr.Literal) {
            return new Val.Constant(((Expr.Literal) e).value());
        }
        Expr.Ref ref = (Expr.Ref) e;
        int slot = slot(ref);
        if (!ref.isAttribute()) {
            return new Val.FieldVal(slot);
        }
        int entity = entityIndexBySlot[slot];
        return new Val.AttributeVal(entity, entityFields.get(entity).kind().layout().slotOf(ref.attribute()));
    }

    private int slot(Expr.Ref ref) {
        return policy.request().field(ref.field()).orElseThrow().slot();
    }
}
