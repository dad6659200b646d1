package dev.flexauth.policy;

/** A rule text that does not follow the grammar; collected into a diagnostic by the reader. */
final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    final Pos pos;

    SyntaxError(Pos pos, String message) {
        super(message, null, false, false);
        this.pos = pos;
    }
}
