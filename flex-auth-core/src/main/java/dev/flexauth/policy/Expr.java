package dev.flexauth.policy;

import java.util.List;

/**
 * The abstract syntax of rule conditions and output values. Nodes carry the position of their
 * first token; {@link Printer} turns a tree back into canonical rule text.
 */
public sealed interface Expr {
    /** Where the node starts in the policy file. */
    Pos pos();

    /** A request field ({@code ttl_hours}) or an entity field's attribute ({@code actor.max_ttl_hours}). */
    record Ref(String field, String attribute, Pos pos) implements Expr {
        /** Whether this names an attribute of an entity field. */
        public boolean isAttribute() {
            return attribute != null;
        }

        /** As written: {@code field} or {@code field.attribute}. */
        public String path() {
            return attribute == null ? field : field + "." + attribute;
        }
    }

    /** A string ({@link String}), integer ({@link Long}) or boolean ({@link Boolean}) constant. */
    record Literal(Object value, Pos pos) implements Expr {
    }

    /** A list of constants: {@code ["ssh.sign", "ssh.renew"]}. */
    record ListLiteral(List<Literal> items, Pos pos) implements Expr {
        public ListLiteral {
            items = List.copyOf(items);
        }
    }

    /** {@code left op right}. */
    record Compare(CompareOp op, Expr left, Expr right, Pos pos) implements Expr {
    }

    /** {@code item in list} or {@code item not in list}. */
    record In(Expr item, Expr list, boolean negated, Pos pos) implements Expr {
    }

    /** {@code operand is missing|present|unknown|known}. */
    record Test(Expr operand, TestKind kind, Pos pos) implements Expr {
    }

    /** All operands hold (two or more). */
    record And(List<Expr> operands, Pos pos) implements Expr {
        public And {
            operands = List.copyOf(operands);
        }
    }

    /** At least one operand holds (two or more). */
    record Or(List<Expr> operands, Pos pos) implements Expr {
        public Or {
            operands = List.copyOf(operands);
        }
    }

    /** The operand does not hold. */
    record Not(Expr operand, Pos pos) implements Expr {
    }

    /** The comparison operators. */
    enum CompareOp {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        CompareOp(String symbol) {
            this.symbol = symbol;
        }

        /** As written in rules. */
        public String symbol() {
            return symbol;
        }

        /** Whether this orders integers rather than testing equality. */
        public boolean isOrdering() {
            return this != EQ && this != NE;
        }
    }

    /** The {@code is} tests. */
    enum TestKind {
        /** An optional request field is absent. */
        MISSING("missing"),
        /** An optional request field is present. */
        PRESENT("present"),
        /** An entity field's key is not in the registry. */
        UNKNOWN("unknown"),
        /** An entity field's key is in the registry. */
        KNOWN("known");

        private final String word;

        TestKind(String word) {
            this.word = word;
        }

        /** As written after {@code is}. */
        public String word() {
            return word;
        }
    }
}
