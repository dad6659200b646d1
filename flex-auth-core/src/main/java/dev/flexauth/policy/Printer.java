package dev.flexauth.policy;

import java.util.stream.Collectors;

/**
 * Prints rule syntax trees as canonical rule text: single spaces, the fewest parentheses that
 * keep the tree's shape. Parsing the output gives the same tree (up to positions).
 */
public final class Printer {
    private Printer() {
    }

    /** The canonical text of {@code rule}, on one line, without its heading. */
    public static String print(Rule rule) {
        StringBuilder sb = new StringBuilder(rule.effect().label()).append(' ').append(rule.reason());
        if (rule.condition() != null) {
            sb.append(" when ").append(print(rule.condition()));
        }
        if (!rule.outputs().isEmpty()) {
            sb.append(" with ").append(rule.outputs().stream()
                    .map(o -> o.name() + " = " + print(o.value())).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }

    /** The canonical text of an expression. */
    public static String print(Expr e) {
        if (e instanceof Expr.Ref) {
            return ((Expr.Ref) e).path();
        }
        if (e instanceof Expr.Literal) {
            return literal(((Expr.Literal) e).value());
        }
        if (e instanceof Expr.ListLiteral) {
            return ((Expr.ListLiteral) e).items().stream().map(Printer::print).collect(Collectors.joining(", ", "[", "]"));
        }
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            return print(c.left()) + " " + c.op().symbol() + " " + print(c.right());
        }
        if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            return print(in.item()) + (in.negated() ? " not in " : " in ") + print(in.list());
        }
        if (e instanceof Expr.Test) {
            Expr.Test t = (Expr.Test) e;
            return print(t.operand()) + " is " + t.kind().word();
        }
        if (e instanceof Expr.And) {
            return ((Expr.And) e).operands().stream()
                    .map(o -> o instanceof Expr.Or || o instanceof Expr.And ? "(" + print(o) + ")" : print(o))
                    .collect(Collectors.joining(" and "));
        }
        if (e instanceof Expr.Or) {
            return ((Expr.Or) e).operands().stream()
                    .map(o -> o instanceof Expr.Or ? "(" + print(o) + ")" : print(o))
                    .collect(Collectors.joining(" or "));
        }
        Expr inner = ((Expr.Not) e).operand();
        boolean bare = inner instanceof Expr.Ref || inner instanceof Expr.Literal || inner instanceof Expr.Not;
        return "not " + (bare ? print(inner) : "(" + print(inner) + ")");
    }

    /** A constant as rule text: strings quoted and escaped. */
    public static String literal(Object value) {
        if (!(value instanceof String)) {
            return String.valueOf(value);
        }
        String s = (String) value;
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                case '\r': sb.append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }
}
