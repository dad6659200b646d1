package dev.flexauth.engine;

import dev.flexauth.FlexAuthException;
import dev.flexauth.reason.RequestCode;

/**
 * A check request cannot be evaluated: it is not well-formed for the policy package (unknown or
 * missing field, wrong type) or it carries secret material. The message names the field and
 * says what to fix; it never repeats a secret value.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class RequestException extends FlexAuthException {
    private static final long serialVersionUID = 1L;

    private final RequestCode code;
    private final String field;

    /** A refusal of {@code field} (or of the whole request when {@code field} is null). */
    public RequestException(RequestCode code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    /** Why the request was refused. */
    public RequestCode code() {
        return code;
    }

    /** The field concerned, or {@code null} for the request as a whole. */
    public String field() {
        return field;
    }
}
