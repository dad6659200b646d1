package dev.flexauth.policy.lang;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Expr.CompareOp;
import dev.flexauth.policy.Expr.TestKind;
import dev.flexauth.policy.Output;
import dev.flexauth.policy.Pos;
import dev.flexauth.policy.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser of one rule; the grammar is in {@code docs/policy-language.md}:
 *
 * <pre>
 * rule      = effect reason [ "when" or ] [ "with" output { "," output } ]
 * or        = and { "or" and }
 * and       = unary { "and" unary }
 * unary     = "not" unary | "(" or ")" | predicate
 * predicate = operand [ compare operand | [ "not" ] "in" operand | "is" test ]
 * operand   = path | string | integer | "true" | "false" | list
 * property  = ( "never" "allow" | "always" "allow" | "always" "deny" [ reason ] ) [ "when" or ]
 * </pre>
 */
public final class RuleParser {
    /** Words with a meaning in the grammar; no field, attribute or output may be named so. */
    public static final Set<String> KEYWORDS = Set.of("allow", "deny", "when", "with", "and", "or", "not", "in", "is",
            "missing", "present", "unknown", "known", "true", "false");

    /** The parts of a rule before the reader names it. */
    public record Parsed(Effect effect, String reason, Pos reasonPos, Expr condition, List<Output> outputs, Pos pos) {
    }

    /** The parts of a property before the reader names it. */
    public record ParsedProperty(Property.Form form, String reason, Pos reasonPos, Expr condition, Pos pos) {
    }

    private static final String PROPERTY_FORMS =
            "\"never allow when <condition>\", \"always allow when <condition>\" or \"always deny [<reason>] when <condition>\"";

    private final List<Token> tokens;
    private int at;

    private RuleParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    public static Parsed parse(SourceText src) throws SyntaxError {
        RuleParser p = new RuleParser(Lexer.tokens(src));
        return p.rule();
    }

    public static ParsedProperty parseProperty(SourceText src) throws SyntaxError {
        RuleParser p = new RuleParser(Lexer.tokens(src));
        return p.property();
    }

    /** Parses a bare condition (tests, tools). */
    static Expr parseCondition(SourceText src) throws SyntaxError {
        RuleParser p = new RuleParser(Lexer.tokens(src));
        Expr e = p.or();
        p.expectEnd("after the condition");
        return e;
    }

    private Parsed rule() throws SyntaxError {
        Token first = peek();
        if (first.is(Token.Kind.EOF)) {
            throw new SyntaxError(first.pos(), "empty rule block: write \"allow <reason> when <condition>\" or \"deny ...\"");
        }
        Effect effect;
        if (first.isWord("allow")) {
            effect = Effect.ALLOW;
        } else if (first.isWord("deny")) {
            effect = Effect.DENY;
        } else {
            throw new SyntaxError(first.pos(), "a rule starts with \"allow\" or \"deny\", got " + first.shown());
        }
        next();
        Token reason = next();
        if (!reason.is(Token.Kind.IDENT) || KEYWORDS.contains(reason.text())) {
            throw new SyntaxError(reason.pos(), "expected a reason code after \"" + effect.label() + "\", got " + reason.shown());
        }
        Expr condition = null;
        if (peek().isWord("when")) {
            next();
            condition = or();
        }
        List<Output> outputs = new ArrayList<>();
        if (peek().isWord("with")) {
            next();
            do {
                Token name = next();
                if (!name.is(Token.Kind.IDENT) || KEYWORDS.contains(name.text())) {
                    throw new SyntaxError(name.pos(), "expected an output name, got " + name.shown());
                }
                Token eq = next();
                if (!eq.is(Token.Kind.ASSIGN)) {
                    throw new SyntaxError(eq.pos(), "expected \"=\" after output \"" + name.text() + "\", got " + eq.shown());
                }
                outputs.add(new Output(name.text(), operand(), name.pos()));
            } while (accept(Token.Kind.COMMA));
        }
        expectEnd(condition == null && outputs.isEmpty()
                ? "after the reason (did you forget \"when\"?)" : "after the rule");
        return new Parsed(effect, reason.text(), reason.pos(), condition, outputs, first.pos());
    }

    private ParsedProperty property() throws SyntaxError {
        Token first = next();
        if (first.is(Token.Kind.EOF)) {
            throw new SyntaxError(first.pos(), "empty property block: write " + PROPERTY_FORMS);
        }
        if (first.isWord("allow") || first.isWord("deny")) {
            throw new SyntaxError(first.pos(), "a property block holds a property, not a rule: write " + PROPERTY_FORMS);
        }
        if (!first.isWord("never") && !first.isWord("always")) {
            throw new SyntaxError(first.pos(), "a property starts with \"never allow\", \"always allow\" or \"always deny\", got "
                    + first.shown());
        }
        Token effect = next();
        Property.Form form;
        if (first.isWord("never") && effect.isWord("allow")) {
            form = Property.Form.NEVER_ALLOW;
        } else if (first.isWord("never") && effect.isWord("deny")) {
            throw new SyntaxError(first.pos(), "\"never deny\" is \"always allow\": write \"always allow when <condition>\"");
        } else if (effect.isWord("allow")) {
            form = Property.Form.ALWAYS_ALLOW;
        } else if (effect.isWord("deny")) {
            form = Property.Form.ALWAYS_DENY;
        } else {
            throw new SyntaxError(effect.pos(), "expected \"allow\" or \"deny\" after \"" + first.text() + "\", got " + effect.shown());
        }
        String reason = null;
        Pos reasonPos = null;
        Token t = peek();
        if (t.is(Token.Kind.IDENT) && !KEYWORDS.contains(t.text())) {
            if (form != Property.Form.ALWAYS_DENY) {
                throw new SyntaxError(t.pos(), "only \"always deny\" names a reason; \"" + form.words()
                        + "\" holds for any reason, so write \"" + form.words() + " when <condition>\"");
            }
            next();
            reason = t.text();
            reasonPos = t.pos();
        }
        Expr condition = null;
        if (peek().isWord("when")) {
            next();
            condition = or();
        }
        Token end = peek();
        if (end.isWord("with")) {
            throw new SyntaxError(end.pos(), "a property has no outputs (\"with ...\"); it only states the decision");
        }
        expectEnd(condition == null ? "after \"" + form.words() + (reason == null ? "" : " " + reason)
                + "\" (did you forget \"when\"?)" : "after the property");
        return new ParsedProperty(form, reason, reasonPos, condition, first.pos());
    }

    private void expectEnd(String where) throws SyntaxError {
        Token t = peek();
        if (t.is(Token.Kind.EOF)) {
            return;
        }
        if (t.is(Token.Kind.ASSIGN)) {
            throw new SyntaxError(t.pos(), "unexpected \"=\": write \"==\" to compare");
        }
        if (t.isWord("allow") || t.isWord("deny")) {
            throw new SyntaxError(t.pos(), "a rule block holds one rule; put the next rule in its own block under its own heading");
        }
        throw new SyntaxError(t.pos(), "unexpected " + t.shown() + " " + where);
    }

    private Expr or() throws SyntaxError {
        Expr first = and();
        if (!peek().isWord("or")) {
            return first;
        }
        List<Expr> ops = new ArrayList<>(List.of(first));
        while (peek().isWord("or")) {
            next();
            ops.add(and());
        }
        return new Expr.Or(ops, first.pos());
    }

    private Expr and() throws SyntaxError {
        Expr first = unary();
        if (!peek().isWord("and")) {
            return first;
        }
        List<Expr> ops = new ArrayList<>(List.of(first));
        while (peek().isWord("and")) {
            next();
            ops.add(unary());
        }
        return new Expr.And(ops, first.pos());
    }

    private Expr unary() throws SyntaxError {
        Token t = peek();
        if (t.isWord("not")) {
            next();
            return new Expr.Not(unary(), t.pos());
        }
        if (t.is(Token.Kind.LPAREN)) {
            next();
            Expr inner = or();
            Token close = next();
            if (!close.is(Token.Kind.RPAREN)) {
                throw new SyntaxError(close.pos(), "expected \")\" to close the \"(\" at " + t.pos() + ", got " + close.shown());
            }
            return inner;
        }
        return predicate();
    }

    private Expr predicate() throws SyntaxError {
        Expr left = operand();
        Token t = peek();
        if (t.is(Token.Kind.OP)) {
            next();
            return new Expr.Compare(op(t.text()), left, operand(), left.pos());
        }
        if (t.is(Token.Kind.ASSIGN)) {
            throw new SyntaxError(t.pos(), "unexpected \"=\": write \"==\" to compare");
        }
        if (t.isWord("in")) {
            next();
            return new Expr.In(left, operand(), false, left.pos());
        }
        if (t.isWord("not") && peekAt(1).isWord("in")) {
            next();
            next();
            return new Expr.In(left, operand(), true, left.pos());
        }
        if (t.isWord("is")) {
            next();
            Token w = next();
            if (w.isWord("not")) {
                Token x = peek();
                String hint = x.isWord("missing") ? "is present" : x.isWord("present") ? "is missing"
                        : x.isWord("unknown") ? "is known" : x.isWord("known") ? "is unknown" : null;
                throw new SyntaxError(w.pos(), hint != null ? "write \"" + hint + "\" instead of \"is not " + x.text() + "\""
                        : "expected missing, present, unknown or known after \"is\", got \"not\"");
            }
            for (TestKind k : TestKind.values()) {
                if (w.isWord(k.word())) {
                    return new Expr.Test(left, k, left.pos());
                }
            }
            throw new SyntaxError(w.pos(), "expected missing, present, unknown or known after \"is\", got " + w.shown());
        }
        return left;
    }

    private Expr operand() throws SyntaxError {
        Token t = next();
        switch (t.kind()) {
            case STRING:
            case INTEGER:
                return new Expr.Literal(t.value(), t.pos());
            case LBRACKET:
                return list(t);
            case IDENT:
                if (t.isWord("true") || t.isWord("false")) {
                    return new Expr.Literal(t.isWord("true"), t.pos());
                }
                if (KEYWORDS.contains(t.text())) {
                    throw new SyntaxError(t.pos(), "expected a field, a constant or a list, got the keyword \"" + t.text() + "\"");
                }
                if (peek().is(Token.Kind.DOT)) {
                    next();
                    Token attr = next();
                    if (!attr.is(Token.Kind.IDENT)) {
                        throw new SyntaxError(attr.pos(), "expected an attribute name after \"" + t.text() + ".\", got " + attr.shown());
                    }
                    if (peek().is(Token.Kind.DOT)) {
                        throw new SyntaxError(peek().pos(), "a path has at most two parts, field.attribute; \""
                                + t.text() + "." + attr.text() + "\" has no attributes");
                    }
                    return new Expr.Ref(t.text(), attr.text(), t.pos());
                }
                return new Expr.Ref(t.text(), null, t.pos());
            default:
                throw new SyntaxError(t.pos(), "expected a field, a constant or a list, got " + t.shown());
        }
    }

    private Expr list(Token open) throws SyntaxError {
        List<Expr.Literal> items = new ArrayList<>();
        if (!accept(Token.Kind.RBRACKET)) {
            do {
                Token t = next();
                if (t.is(Token.Kind.STRING) || t.is(Token.Kind.INTEGER)) {
                    items.add(new Expr.Literal(t.value(), t.pos()));
                } else if (t.isWord("true") || t.isWord("false")) {
                    items.add(new Expr.Literal(t.isWord("true"), t.pos()));
                } else {
                    throw new SyntaxError(t.pos(), "a list holds constants only, got " + t.shown());
                }
            } while (accept(Token.Kind.COMMA));
            Token close = next();
            if (!close.is(Token.Kind.RBRACKET)) {
                throw new SyntaxError(close.pos(), "expected \",\" or \"]\" in the list opened at " + open.pos() + ", got " + close.shown());
            }
        }
        return new Expr.ListLiteral(items, open.pos());
    }

    private static CompareOp op(String symbol) {
        for (CompareOp op : CompareOp.values()) {
            if (op.symbol().equals(symbol)) {
                return op;
            }
        }
        throw new IllegalStateException("the lexer produced operator " + symbol);
    }

    private boolean accept(Token.Kind kind) {
        if (peek().is(kind)) {
            at++;
            return true;
        }
        return false;
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(at + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = tokens.get(at);
        if (at < tokens.size() - 1) {
            at++;
        }
        return t;
    }
}
