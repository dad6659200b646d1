package dev.flexauth;

/**
 * The base of every exception flex-auth throws for input it cannot use: a policy package
 * ({@code PolicyException}), a registry snapshot ({@code RegistryException}), the two together
 * ({@code IncompatibleRegistryException}, {@code LoadException}), a check request
 * ({@code RequestException}), a decision log that cannot record ({@code DecisionLogException}), an
 * {@code allowed_signers} file ({@code SignersException}) or a decision log key
 * ({@code LogKeyException}).
 * Each subtype points at its own fix and its message says what was expected, what was found and
 * where. A deny is never an exception: it is a {@code Decision}.
 *
 * <p>Unchecked, like Jackson 3's {@code JacksonException}: a request built from literals need not
 * be wrapped in a try block, and a caller that wants one handler for everything catches this
 * type. Methods still declare the subtypes they throw, so the Javadoc and the IDE show them. A
 * caller that lets one escape builds no engine and decides nothing, which fails closed.
 */
public abstract class FlexAuthException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with {@code message}, which says what to fix. */
    protected FlexAuthException(String message) {
        super(message);
    }

    /** An exception with {@code message}, caused by {@code cause}. */
    protected FlexAuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
