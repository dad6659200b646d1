package dev.flexauth.log;

import dev.flexauth.FlexAuthException;

/**
 * The decision log could not record a line: the message says what failed and on which file.
 * A caller that gets it must not answer with an allow, since there would be no audit record.
 *
 * <p>Unchecked, like every {@link FlexAuthException}.
 */
public final class DecisionLogException extends FlexAuthException {

    private static final long serialVersionUID = 1L;

    DecisionLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
