package dev.flexauth.analysis;

import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a package's rules (and the extra conditions of properties) compare each request field with,
 * which is all the {@link Domain} needs of them: for each field the sources of its interesting
 * values (constants, entity attributes, other fields), the fields read at all, every string named
 * and, per entity field, the attributes read. Built once by the domain; read-only afterwards.
 */
final class Comparisons {
    /** Where a field's interesting values come from. */
    sealed interface Source {
    }

    record Constant(Object value) implements Source {
    }

    record Attribute(String field, String attribute) implements Source {
    }

    record FieldValue(String field) implements Source {
    }

    /** Per request field, where its interesting values come from. */
    final Map<String, Set<Source>> sources = new LinkedHashMap<>();
    /** The fields the rules and conditions read. */
    final Set<String> referenced = new LinkedHashSet<>();
    /** Every string the rules and conditions name: no renaming may touch these. */
    final Set<String> literals = new LinkedHashSet<>();
    /** Per entity field, the attributes the rules and conditions read, sorted. */
    final Map<String, Set<String>> attributesRead = new LinkedHashMap<>();

    Comparisons(List<Field> fields, List<Expr> conditions) {
        fields.forEach(f -> sources.put(f.name(), new LinkedHashSet<>()));
        conditions.forEach(this::collect);
    }

    private void collect(Expr e) {
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            relate(c.left(), c.right());
            relate(c.right(), c.left());
        } else if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            mark(in.item());
            mark(in.list());
            if (plainField(in.item()) != null) {
                String f = plainField(in.item());
                if (in.list() instanceof Expr.ListLiteral) {
                    ((Expr.ListLiteral) in.list()).items().forEach(l -> sources.get(f).add(new Constant(l.value())));
                } else {
                    sources.get(f).add(source(in.list()));
                }
            }
            if (plainField(in.list()) != null && !(in.item() instanceof Expr.ListLiteral)) {
                sources.get(plainField(in.list())).add(source(in.item()));
            }
        } else if (e instanceof Expr.Test) {
            mark(((Expr.Test) e).operand());
        } else if (e instanceof Expr.And) {
            ((Expr.And) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Or) {
            ((Expr.Or) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Not) {
            collect(((Expr.Not) e).operand());
        } else {
            mark(e);
        }
    }

    private void relate(Expr target, Expr other) {
        mark(target);
        String f = plainField(target);
        if (f != null && !(other instanceof Expr.ListLiteral)) {
            sources.get(f).add(source(other));
        }
    }

    private void mark(Expr e) {
        if (e instanceof Expr.Ref) {
            Expr.Ref r = (Expr.Ref) e;
            referenced.add(r.field());
            if (r.isAttribute()) {
                attributesRead.computeIfAbsent(r.field(), f -> new TreeSet<>()).add(r.attribute());
            }
        } else if (e instanceof Expr.Literal) {
            literal(((Expr.Literal) e).value());
        } else if (e instanceof Expr.ListLiteral) {
            ((Expr.ListLiteral) e).items().forEach(l -> literal(l.value()));
        }
    }

    private void literal(Object value) {
        if (value instanceof String) {
            literals.add((String) value);
        }
    }

    private String plainField(Expr e) {
        if (e instanceof Expr.Ref && !((Expr.Ref) e).isAttribute() && sources.containsKey(((Expr.Ref) e).field())) {
            return ((Expr.Ref) e).field();
        }
        return null;
    }

    private static Source source(Expr e) {
        if (e instanceof Expr.Literal) {
            return new Constant(((Expr.Literal) e).value());
        }
        Expr.Ref r = (Expr.Ref) e;
        return r.isAttribute() ? new Attribute(r.field(), r.attribute()) : new FieldValue(r.field());
    }
}
