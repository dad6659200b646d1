package dev.flexauth.log;

import dev.flexauth.FlexAuthException;

/** A decision log key file cannot be used: the message names the file and what to do about it. */
public final class LogKeyException extends FlexAuthException {

    private static final long serialVersionUID = 1L;

    LogKeyException(String message) {
        super(message);
    }
}
