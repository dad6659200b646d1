package dev.flexauth.server;

import java.util.List;

/**
 * The server did not start: the registry and policy pair is invalid, a token or keystore file is
 * unusable, the decision log cannot be opened, or the address cannot be bound. {@link #problems()}
 * lists every problem found, one line each ({@code file:line:column: code: message} for the
 * policy, {@code file: json.path: message} for the registry); nothing was left running.
 */
public final class ServerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    ServerStartException(List<String> problems, Throwable cause) {
        super("flex-auth serve cannot start:\n  " + String.join("\n  ", problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each. */
    public List<String> problems() {
        return problems;
    }
}
