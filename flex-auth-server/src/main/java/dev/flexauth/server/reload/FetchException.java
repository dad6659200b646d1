package dev.flexauth.server.reload;

/**
 * A fetch from a source URL that did not yield a usable answer: unreachable, timed out, refused,
 * too large, too many redirects, an unexpected status, or a snapshot and signature that do not
 * belong together. The message names the URL without its query string and says what to check.
 * The last good pair keeps serving.
 */
public final class FetchException extends Exception {
    private static final long serialVersionUID = 1L;

    public FetchException(String message) {
        super(message, null, false, false);
    }
}
