package dev.flexauth.policy;

import dev.flexauth.FlexAuthException;
import dev.flexauth.reason.DiagnosticCode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy package was refused. Carries every error found (and the warnings), sorted by
 * position; nothing of the package is usable.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class PolicyException extends FlexAuthException {
    private static final long serialVersionUID = 1L;

    private final transient List<Diagnostic> diagnostics;

    /** A refusal carrying {@code diagnostics}, at least one of them an error; built by the reader. */
    public PolicyException(List<Diagnostic> diagnostics) {
        super(render(diagnostics));
        this.diagnostics = List.copyOf(diagnostics);
    }

    /** The package named {@code file} could not be read at all ({@code unreadable}); {@code message} says why. */
    public static PolicyException unreadable(String file, String message) {
        return new PolicyException(List.of(new Diagnostic(file, Pos.START, DiagnosticCode.UNREADABLE, false, message)));
    }

    /** All diagnostics, errors and warnings, in file order. */
    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The errors only. */
    public List<Diagnostic> errors() {
        return diagnostics.stream().filter(d -> !d.warning()).collect(Collectors.toList());
    }

    private static String render(List<Diagnostic> diagnostics) {
        long errors = diagnostics.stream().filter(d -> !d.warning()).count();
        StringBuilder sb = new StringBuilder("invalid policy package, ").append(errors)
                .append(errors == 1 ? " error" : " errors");
        for (Diagnostic d : diagnostics) {
            sb.append('\n').append(d);
        }
        return sb.toString();
    }
}
