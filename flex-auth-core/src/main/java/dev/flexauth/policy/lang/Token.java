package dev.flexauth.policy.lang;

import dev.flexauth.policy.Pos;

/** A token of the rule language. */
record Token(Kind kind, String text, Object value, Pos pos) {
    enum Kind { IDENT, STRING, INTEGER, LPAREN, RPAREN, LBRACKET, RBRACKET, COMMA, DOT, ASSIGN, OP, EOF }

    boolean is(Kind k) {
        return kind == k;
    }

    /** Whether this is the keyword or identifier {@code word}. */
    boolean isWord(String word) {
        return kind == Kind.IDENT && text.equals(word);
    }

    /** How messages show the token. */
    String shown() {
        switch (kind) {
            case EOF: return "the end of the rule";
            case STRING: return "the string " + text;
            case INTEGER: return "the number " + text;
            default: return "\"" + text + "\"";
        }
    }
}
