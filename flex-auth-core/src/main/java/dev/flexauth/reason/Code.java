package dev.flexauth.reason;

/**
 * The one shape of every code family here: a stable lowercase {@link #code()} that tools print and
 * match on, and one line of documentation. Each family is an enum implementing it
 * ({@link DiagnosticCode}, {@link RegistryCode}, {@link RequestCode}, {@link HttpError}), and prints
 * as its code.
 */
public interface Code {
    /** The stable, lowercase code printed in messages and JSON; it never changes once released. */
    String code();

    /** One line saying what the code means. */
    String doc();
}
