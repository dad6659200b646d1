package dev.flexauth.policy.lang;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Output;
import dev.flexauth.policy.Pos;
import dev.flexauth.policy.Printer;
import dev.flexauth.policy.Reason;
import dev.flexauth.policy.RequestSchema;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.RegistrySchema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a parsed rule against the package's tables: every name exists, every operator gets
 * operands of its type, reasons exist with the rule's effect, outputs are well-formed. Reports
 * every problem; a rule with any error never reaches the engine.
 */
public final class TypeChecker {
    /** The static type of an operand. */
    enum Kind { STRING, INTEGER, BOOLEAN, STRING_LIST, INTEGER_LIST, BOOLEAN_LIST, EMPTY_LIST, ENTITY }

    /** A type, with the entity kind for {@link Kind#ENTITY}. */
    record Type(Kind kind, String entityKind) {
        boolean stringLike() {
            return kind == Kind.STRING || kind == Kind.ENTITY;
        }

        boolean isList() {
            return kind == Kind.STRING_LIST || kind == Kind.INTEGER_LIST || kind == Kind.BOOLEAN_LIST || kind == Kind.EMPTY_LIST;
        }

        String label() {
            switch (kind) {
                case ENTITY: return entityKind + " (an entity key)";
                case STRING_LIST: return "string[]";
                case INTEGER_LIST: return "integer[]";
                case BOOLEAN_LIST: return "boolean[]";
                case EMPTY_LIST: return "an empty list";
                default: return kind.name().toLowerCase();
            }
        }
    }

    private final RequestSchema request;
    private final RegistrySchema registry;
    private final Map<String, Reason> reasons;
    private final Set<String> unusable;
    private final Diagnostics out;

    public TypeChecker(RequestSchema request, RegistrySchema registry, Map<String, Reason> reasons, Set<String> unusable,
            Diagnostics out) {
        this.request = request;
        this.unusable = unusable;
        this.registry = registry;
        this.reasons = reasons;
        this.out = out;
    }

    public void checkRule(RuleParser.Parsed rule) {
        Reason reason = reasons.get(rule.reason());
        if (reason == null) {
            out.error(rule.reasonPos(), DiagnosticCode.UNKNOWN_REASON, "reason \"" + rule.reason()
                    + "\" is not in the Reasons table" + Diagnostics.suggest(rule.reason(), reasons.keySet(), "reasons"));
        } else if (reason.effect() != rule.effect()) {
            out.error(rule.reasonPos(), DiagnosticCode.REASON_EFFECT_MISMATCH, "reason \"" + rule.reason()
                    + "\" is " + (reason.effect() == Effect.ALLOW ? "an allow" : "a deny") + " reason in the Reasons table (line " + reason.pos().line()
                    + "), but this is a" + (rule.effect() == Effect.ALLOW ? "n allow" : " deny") + " rule");
        }
        if (rule.condition() != null) {
            condition(rule.condition());
        }
        if (!rule.outputs().isEmpty() && rule.effect() == Effect.DENY) {
            out.error(rule.outputs().get(0).pos(), DiagnosticCode.OUTPUT_ON_DENY,
                    "a deny rule cannot declare outputs (\"with ...\"); only an allow carries outputs to the caller");
        }
        Set<String> names = new HashSet<>();
        for (Output o : rule.outputs()) {
            if (!names.add(o.name())) {
                out.error(o.pos(), DiagnosticCode.DUPLICATE_DEFINITION, "output \"" + o.name() + "\" is declared twice in this rule");
            }
            if (o.value() instanceof Expr.ListLiteral) {
                out.error(o.value().pos(), DiagnosticCode.TYPE_ERROR, "an output is a field, an attribute or a single constant, not a list");
            } else {
                typeOf(o.value());
            }
        }
    }

    public void checkProperty(RuleParser.ParsedProperty property) {
        if (property.reason() != null) {
            Reason reason = reasons.get(property.reason());
            if (reason == null) {
                out.error(property.reasonPos(), DiagnosticCode.UNKNOWN_REASON, "reason \"" + property.reason()
                        + "\" is not in the Reasons table" + Diagnostics.suggest(property.reason(), reasons.keySet(), "reasons"));
            } else if (reason.effect() != Effect.DENY) {
                out.error(property.reasonPos(), DiagnosticCode.REASON_EFFECT_MISMATCH, "reason \"" + property.reason()
                        + "\" is an allow reason in the Reasons table (line " + reason.pos().line()
                        + "), but this property expects a deny");
            }
        }
        if (property.condition() != null) {
            condition(property.condition());
        }
    }

    /** Checks that {@code e} is a condition (a boolean-valued expression). */
    void condition(Expr e) {
        if (e instanceof Expr.And) {
            ((Expr.And) e).operands().forEach(this::condition);
        } else if (e instanceof Expr.Or) {
            ((Expr.Or) e).operands().forEach(this::condition);
        } else if (e instanceof Expr.Not) {
            condition(((Expr.Not) e).operand());
        } else if (e instanceof Expr.Compare) {
            compare((Expr.Compare) e);
        } else if (e instanceof Expr.In) {
            in((Expr.In) e);
        } else if (e instanceof Expr.Test) {
            test((Expr.Test) e);
        } else if (e instanceof Expr.Literal) {
            out.error(e.pos(), DiagnosticCode.CONSTANT_CONDITION, "the condition " + Printer.print(e)
                    + " is a constant; drop \"when ...\" for a rule that always matches");
        } else if (e instanceof Expr.ListLiteral) {
            out.error(e.pos(), DiagnosticCode.TYPE_ERROR, "expected a condition, got a list");
        } else {
            Type t = typeOf(e);
            if (t != null && t.kind() != Kind.BOOLEAN) {
                out.error(e.pos(), DiagnosticCode.TYPE_ERROR, "expected a condition, got " + describe(e, t)
                        + "; compare it, e.g. " + Printer.print(e) + " == " + example(t));
            }
        }
    }

    private void compare(Expr.Compare c) {
        Type l = typeOf(c.left());
        Type r = typeOf(c.right());
        if (l == null || r == null) {
            return;
        }
        if (isConstant(c.left()) && isConstant(c.right())) {
            out.error(c.pos(), DiagnosticCode.CONSTANT_CONDITION, "the comparison " + Printer.print(c)
                    + " has constants on both sides, so it never depends on the request; did you mean a field?");
            return;
        }
        if (l.isList() || r.isList()) {
            out.error(c.pos(), DiagnosticCode.TYPE_ERROR, "\"" + c.op().symbol() + "\" compares single values, but "
                    + describe(l.isList() ? c.left() : c.right(), l.isList() ? l : r) + " is a list; to test membership write \"in\"");
            return;
        }
        if (c.op().isOrdering()) {
            if (l.kind() != Kind.INTEGER || r.kind() != Kind.INTEGER) {
                Expr bad = l.kind() != Kind.INTEGER ? c.left() : c.right();
                out.error(bad.pos(), DiagnosticCode.TYPE_ERROR, "\"" + c.op().symbol() + "\" compares integers, but "
                        + describe(bad, l.kind() != Kind.INTEGER ? l : r) + " is not an integer");
            }
            return;
        }
        boolean ok = (l.stringLike() && r.stringLike()) || (l.kind() == r.kind() && !l.stringLike());
        if (!ok) {
            out.error(c.right().pos(), DiagnosticCode.TYPE_ERROR, "cannot compare " + describe(c.left(), l)
                    + " with " + describe(c.right(), r));
        }
    }

    private void in(Expr.In in) {
        Type item = typeOf(in.item());
        Type list = typeOf(in.list());
        if (item == null || list == null) {
            return;
        }
        if (isConstant(in.item()) && isConstant(in.list())) {
            out.error(in.pos(), DiagnosticCode.CONSTANT_CONDITION, "the test " + Printer.print(in)
                    + " has constants on both sides, so it never depends on the request; did you mean a field?");
            return;
        }
        if (!list.isList()) {
            out.error(in.list().pos(), DiagnosticCode.TYPE_ERROR, "\"in\" needs a list on its right, but "
                    + describe(in.list(), list) + " is a single value; to compare two values write \"==\"");
            return;
        }
        if (item.isList()) {
            out.error(in.item().pos(), DiagnosticCode.TYPE_ERROR, "\"in\" tests one value, but "
                    + describe(in.item(), item) + " is a list");
            return;
        }
        boolean ok = list.kind() == Kind.EMPTY_LIST
                || (list.kind() == Kind.STRING_LIST && item.stringLike())
                || (list.kind() == Kind.INTEGER_LIST && item.kind() == Kind.INTEGER)
                || (list.kind() == Kind.BOOLEAN_LIST && item.kind() == Kind.BOOLEAN);
        if (!ok) {
            out.error(in.item().pos(), DiagnosticCode.TYPE_ERROR, "cannot look for " + describe(in.item(), item)
                    + " in " + describe(in.list(), list));
        }
    }

    private void test(Expr.Test t) {
        if (!(t.operand() instanceof Expr.Ref)) {
            out.error(t.operand().pos(), DiagnosticCode.TYPE_ERROR, "\"is " + t.kind().word() + "\" tests a request field, not "
                    + Printer.print(t.operand()));
            return;
        }
        Expr.Ref ref = (Expr.Ref) t.operand();
        Type type = typeOf(ref);
        if (type == null) {
            return;
        }
        boolean presence = t.kind() == Expr.TestKind.MISSING || t.kind() == Expr.TestKind.PRESENT;
        if (ref.isAttribute()) {
            out.error(ref.pos(), DiagnosticCode.TYPE_ERROR, "\"is " + t.kind().word() + "\" tests request fields; attribute \""
                    + ref.path() + "\" is present on every known " + ref.field() + (presence
                    ? ", so test the entity with \"" + ref.field() + " is known\"" : ""));
            return;
        }
        Field f = request.field(ref.field()).orElseThrow();
        if (presence && f.required()) {
            out.error(t.pos(), DiagnosticCode.CONSTANT_CONDITION, "field \"" + f.name() + "\" is required, so \""
                    + Printer.print(t) + "\" is always " + (t.kind() == Expr.TestKind.PRESENT ? "true" : "false")
                    + "; mark it optional in the Request table or drop the test");
        }
        if (!presence && !f.type().isEntity()) {
            out.error(t.pos(), DiagnosticCode.TYPE_ERROR, "\"is " + t.kind().word() + "\" tests entity fields (looked up in the registry), but "
                    + describe(ref, type) + " is not one" + (f.required() ? "" : "; for an optional field write \"is "
                    + (t.kind() == Expr.TestKind.UNKNOWN ? "missing" : "present") + "\""));
        }
    }

    /** The type of an operand, or {@code null} after reporting why it has none. */
    Type typeOf(Expr e) {
        if (e instanceof Expr.Literal) {
            return literalType(((Expr.Literal) e).value());
        }
        if (e instanceof Expr.ListLiteral) {
            List<Expr.Literal> items = ((Expr.ListLiteral) e).items();
            if (items.isEmpty()) {
                return new Type(Kind.EMPTY_LIST, null);
            }
            Type first = literalType(items.get(0).value());
            for (Expr.Literal item : items) {
                Type t = literalType(item.value());
                if (t.kind() != first.kind()) {
                    out.error(item.pos(), DiagnosticCode.TYPE_ERROR, "a list holds values of one type; this list starts with "
                            + first.label() + " but has " + Printer.print(item) + " (" + t.label() + ")");
                    return null;
                }
            }
            Kind k = first.kind() == Kind.STRING ? Kind.STRING_LIST : first.kind() == Kind.INTEGER ? Kind.INTEGER_LIST : Kind.BOOLEAN_LIST;
            return new Type(k, null);
        }
        if (e instanceof Expr.Ref) {
            return refType((Expr.Ref) e);
        }
        out.error(e.pos(), DiagnosticCode.TYPE_ERROR, "expected a field, a constant or a list, got the condition \"" + Printer.print(e) + "\"");
        return null;
    }

    private Type refType(Expr.Ref ref) {
        Field f = request.field(ref.field()).orElse(null);
        if (f == null && unusable.contains(ref.field())) {
            return null; // its Request row already has an error
        }
        if (f == null) {
            out.error(ref.pos(), DiagnosticCode.UNKNOWN_FIELD, "unknown field \"" + ref.field() + "\""
                    + Diagnostics.suggest(ref.field(), request.names(), "fields"));
            return null;
        }
        if (!ref.isAttribute()) {
            return f.type().isEntity() ? new Type(Kind.ENTITY, f.type().entityKind()) : scalar(f.type().scalar());
        }
        if (!f.type().isEntity()) {
            out.error(ref.pos(), DiagnosticCode.TYPE_ERROR, "field \"" + f.name() + "\" is " + f.type().label()
                    + " and has no attributes; only entity fields (whose type is a Registry kind) have attributes");
            return null;
        }
        Map<String, AttributeType> attrs = registry.kinds().get(f.type().entityKind());
        AttributeType t = attrs == null ? null : attrs.get(ref.attribute());
        if (t == null) {
            Pos at = new Pos(ref.pos().line(), ref.pos().column() + ref.field().length() + 1);
            out.error(at, DiagnosticCode.UNKNOWN_ATTRIBUTE, "kind \"" + f.type().entityKind() + "\" has no attribute \""
                    + ref.attribute() + "\" in the Registry table"
                    + Diagnostics.suggest(ref.attribute(), attrs == null ? List.of() : attrs.keySet(), "attributes"));
            return null;
        }
        return scalar(t);
    }

    private static Type scalar(AttributeType t) {
        switch (t) {
            case STRING: return new Type(Kind.STRING, null);
            case INTEGER: return new Type(Kind.INTEGER, null);
            case BOOLEAN: return new Type(Kind.BOOLEAN, null);
            default: return new Type(Kind.STRING_LIST, null);
        }
    }

    private static Type literalType(Object v) {
        return new Type(v instanceof String ? Kind.STRING : v instanceof Long ? Kind.INTEGER : Kind.BOOLEAN, null);
    }

    private static boolean isConstant(Expr e) {
        return e instanceof Expr.Literal || e instanceof Expr.ListLiteral;
    }

    private static String describe(Expr e, Type t) {
        if (e instanceof Expr.Ref) {
            Expr.Ref r = (Expr.Ref) e;
            return (r.isAttribute() ? "attribute" : "field") + " \"" + r.path() + "\" (" + t.label() + ")";
        }
        return t.label() + " " + Printer.print(e);
    }

    private static String example(Type t) {
        switch (t.kind()) {
            case INTEGER: return "1";
            case STRING_LIST: return "[\"...\"]";
            default: return "\"...\"";
        }
    }
}
