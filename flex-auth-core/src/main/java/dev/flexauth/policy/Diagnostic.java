package dev.flexauth.policy;

import dev.flexauth.reason.DiagnosticCode;
import java.util.Comparator;

/**
 * One problem of a policy package, printed as {@code file:line:column: code: message} (errors)
 * or {@code file:line:column: warning: code: message}. Errors refuse the package; warnings do not.
 *
 * @param file     the policy file name as given to the reader
 * @param pos      where the problem is
 * @param code     what kind of problem
 * @param warning  whether the package is still usable
 * @param message  what was expected and found, and how to fix it
 */
public record Diagnostic(String file, Pos pos, DiagnosticCode code, boolean warning, String message) {
    /** Orders diagnostics by file, line and column, as editors list them. */
    public static final Comparator<Diagnostic> ORDER =
            Comparator.comparing(Diagnostic::file).thenComparing(Diagnostic::pos);

    @Override
    public String toString() {
        return file + ":" + pos + ": " + (warning ? "warning: " : "") + code.code() + ": " + message;
    }
}
