package dev.flexauth.policy.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits rule text into tokens. {@code #} starts a comment that runs to the end of the line.
 * Common habits from other languages ({@code &&}, {@code ||}, {@code !}, single quotes) get a
 * message naming the rule-language spelling.
 */
final class Lexer {
    private final SourceText src;
    private final List<Token> out = new ArrayList<>();
    private int line;
    private int col;

    private Lexer(SourceText src) {
        this.src = src;
    }

    static List<Token> tokens(SourceText src) throws SyntaxError {
        Lexer lx = new Lexer(src);
        lx.run();
        return lx.out;
    }

    private void run() throws SyntaxError {
        for (line = 0; line < src.lines().size(); line++) {
            String s = src.lines().get(line);
            col = 0;
            while (col < s.length()) {
                char c = s.charAt(col);
                if (c == '#') {
                    break;
                }
                if (Character.isWhitespace(c)) {
                    col++;
                } else if (isIdentStart(c)) {
                    int start = col;
                    while (col < s.length() && isIdentPart(s.charAt(col))) {
                        col++;
                    }
                    add(Token.Kind.IDENT, s.substring(start, col), null, start);
                } else if (isDigit(c) || (c == '-' && col + 1 < s.length() && isDigit(s.charAt(col + 1)))) {
                    integer(s);
                } else if (c == '"') {
                    string(s);
                } else {
                    punctuation(s, c);
                }
            }
        }
        int last = src.lines().size() - 1;
        out.add(new Token(Token.Kind.EOF, "", null, src.at(last, src.lines().get(last).length())));
    }

    private void integer(String s) throws SyntaxError {
        int start = col;
        col++;
        while (col < s.length() && isDigit(s.charAt(col))) {
            col++;
        }
        if (col < s.length() && (isIdentStart(s.charAt(col)) || s.charAt(col) == '.')) {
            throw new SyntaxError(src.at(line, start), "malformed number \"" + s.substring(start, Math.min(s.length(), col + 1))
                    + "...\": integers are whole decimal numbers, and names cannot start with a digit");
        }
        String text = s.substring(start, col);
        try {
            add(Token.Kind.INTEGER, text, Long.parseLong(text), start);
        } catch (NumberFormatException e) {
            throw new SyntaxError(src.at(line, start), "integer " + text + " is outside the 64-bit range");
        }
    }

    private void string(String s) throws SyntaxError {
        int start = col;
        StringBuilder sb = new StringBuilder();
        col++;
        while (true) {
            if (col >= s.length()) {
                throw new SyntaxError(src.at(line, start), "unterminated string: add a closing \" on the same line");
            }
            char c = s.charAt(col);
            if (c == '"') {
                col++;
                break;
            }
            if (c == '\\') {
                if (col + 1 >= s.length()) {
                    throw new SyntaxError(src.at(line, col), "unterminated string: add a closing \" on the same line");
                }
                char e = s.charAt(col + 1);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'u':
                        if (col + 6 > s.length() || !s.substring(col + 2, col + 6).matches("[0-9a-fA-F]{4}")) {
                            throw new SyntaxError(src.at(line, col), "\\u needs four hex digits, as in \\u00e9");
                        }
                        sb.append((char) Integer.parseInt(s.substring(col + 2, col + 6), 16));
                        col += 4;
                        break;
                    default:
                        throw new SyntaxError(src.at(line, col), "unknown escape \\" + e
                                + " (known: \\\" \\\\ \\n \\t \\r, and \\u with four hex digits)");
                }
                col += 2;
            } else {
                sb.append(c);
                col++;
            }
        }
        add(Token.Kind.STRING, s.substring(start, col), sb.toString(), start);
    }

    private void punctuation(String s, char c) throws SyntaxError {
        int start = col;
        String two = col + 1 < s.length() ? s.substring(col, col + 2) : String.valueOf(c);
        switch (two) {
            case "==": case "!=": case "<=": case ">=":
                col += 2;
                add(Token.Kind.OP, two, null, start);
                return;
            case "&&":
                throw new SyntaxError(src.at(line, start), "unexpected \"&&\": write \"and\"");
            case "||":
                throw new SyntaxError(src.at(line, start), "unexpected \"||\": write \"or\"");
            default:
                break;
        }
        col++;
        switch (c) {
            case '<': case '>':
                add(Token.Kind.OP, String.valueOf(c), null, start);
                return;
            case '=':
                add(Token.Kind.ASSIGN, "=", null, start);
                return;
            case '(':
                add(Token.Kind.LPAREN, "(", null, start);
                return;
            case ')':
                add(Token.Kind.RPAREN, ")", null, start);
                return;
            case '[':
                add(Token.Kind.LBRACKET, "[", null, start);
                return;
            case ']':
                add(Token.Kind.RBRACKET, "]", null, start);
                return;
            case ',':
                add(Token.Kind.COMMA, ",", null, start);
                return;
            case '.':
                add(Token.Kind.DOT, ".", null, start);
                return;
            case '!':
                throw new SyntaxError(src.at(line, start), "unexpected \"!\": write \"not\" (or \"!=\" to compare)");
            case '\'':
                throw new SyntaxError(src.at(line, start), "strings use double quotes: \"like this\"");
            default:
                throw new SyntaxError(src.at(line, start), "unexpected character \"" + c + "\"");
        }
    }

    private void add(Token.Kind kind, String text, Object value, int startCol) {
        out.add(new Token(kind, text, value, src.at(line, startCol)));
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentPart(char c) {
        return isIdentStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
