package dev.flexauth.policy.lang;

import dev.flexauth.policy.Pos;

/** A rule text that does not follow the grammar; collected into a diagnostic by the reader. */
public final class SyntaxError extends Exception {
    private static final long serialVersionUID = 1L;
    public final Pos pos;

    SyntaxError(Pos pos, String message) {
        super(message, null, false, false);
        this.pos = pos;
    }
}
