package dev.flexauth.registry;

import dev.flexauth.FlexAuthException;
import java.util.List;

/**
 * An {@code allowed_signers} file cannot be used: unreadable, or lines that are not OpenSSH's
 * format or name what flex-auth does not verify. Carries every problem, each as
 * {@code file:line: message}; nothing of the file was applied.
 */
public final class SignersException extends FlexAuthException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    SignersException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each: {@code file:line: message}. */
    public List<String> problems() {
        return problems;
    }
}
