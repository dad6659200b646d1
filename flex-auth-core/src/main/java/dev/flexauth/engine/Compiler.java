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
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Compiles a type-checked package against a registry's attribute layouts: field names become
 * array slots, attribute names become entity slots, and each rule condition becomes a tree of
 * {@link Cond} nodes. Runs once per engine; the checks it relies on were made by the reader.
 */
final class Compiler {
    /** An entity field of the request: where its key is and which kind to look it up in. */
    record EntityField(int slot, EntityKind kind) {
    }

    /** A rule ready to evaluate; {@code rule} is null for the package's default deny. */
    record CompiledRule(Rule rule, Effect effect, String reason, Cond condition, String[] outputNames, Val[] outputs) {
    }

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
        List<CompiledRule> allows = new ArrayList<>();
        for (Rule r : policy.rules()) {
            (r.effect() == Effect.DENY ? denies : allows).add(c.rule(r));
        }
        CompiledRule fallback = new CompiledRule(null, Effect.DENY, policy.defaultReason(), null, new String[0], new Val[0]);
        return new Program(c.entityFields.toArray(new EntityField[0]), c.entityIndexBySlot,
                denies.toArray(new CompiledRule[0]), allows.toArray(new CompiledRule[0]), fallback);
    }

    private CompiledRule rule(Rule r) {
        String[] names = new String[r.outputs().size()];
        Val[] values = new Val[names.length];
        for (int i = 0; i < names.length; i++) {
            Output o = r.outputs().get(i);
            names[i] = o.name();
            values[i] = val(o.value());
        }
        return new CompiledRule(r, r.effect(), r.reason(), r.condition() == null ? null : cond(r.condition()), names, values);
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
