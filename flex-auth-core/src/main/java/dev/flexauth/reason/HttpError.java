package dev.flexauth.reason;

/**
 * The {@code error} codes of the HTTP API's JSON error bodies {@code {"error", "message"}}, each
 * with its status and a line of documentation ({@code docs/http-api.md} lists them). A refused
 * check request answers 400 with a {@link RequestCode} instead, so a client can tell a typo in
 * its request from a problem of the server. No code here is ever sent with an allow.
 */
public enum HttpError implements Code {
    BAD_REQUEST("bad_request", 400, "the request line, a framing header or the query string is malformed, or the query is not what"
            + " the endpoint accepts (an unknown parameter or value), or an AuthZEN request's body is not declared as application/json"
            + " in UTF-8 (AuthZEN wants 400 where /v1/check answers 415)"),
    UNAUTHORIZED("unauthorized", 401, "the endpoint needs a bearer token and the request sent none or another one"),
    NOT_FOUND("not_found", 404, "no endpoint at this path; the admin endpoint exists only when an admin token is configured"),
    METHOD_NOT_ALLOWED("method_not_allowed", 405, "the endpoint does not answer this method; the Allow header lists those it does"),
    LENGTH_REQUIRED("length_required", 411, "the body was sent with Transfer-Encoding; flex-auth reads bodies framed by Content-Length"
            + " only, and closes the connection without reading this one"),
    PAYLOAD_TOO_LARGE("payload_too_large", 413, "the body is longer than the configured limit"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "the body of a /v1/check or admin request is not declared as Content-Type"
            + " application/json in UTF-8"),
    RELOAD_REJECTED("reload_rejected", 422, "the registry and policy files were refused together; the previous pair keeps serving"),
    INTERNAL_ERROR("internal_error", 500, "a defect in flex-auth, never caused by the request and never an allow; report it with the server log"),
    OVERLOADED("overloaded", 503, "every worker is busy and the queue is full; retry after the Retry-After seconds"),
    DECISION_LOG_UNAVAILABLE("decision_log_unavailable", 503, "the decision log cannot be written, so no decision is answered until it can"),
    SHUTTING_DOWN("shutting_down", 503, "the server is stopping and takes no new requests");

    private final String code;
    private final int status;
    private final String doc;

    HttpError(String code, int status, String doc) {
        this.code = code;
        this.status = status;
        this.doc = doc;
    }

    /** The stable, lowercase code sent as {@code error}. */
    @Override
    public String code() {
        return code;
    }

    /** The {@link #code()}, as in messages and JSON. */
    @Override
    public String toString() {
        return code();
    }

    /** The HTTP status sent with the code. */
    public int status() {
        return status;
    }

    /** One line saying what the code means. */
    @Override
    public String doc() {
        return doc;
    }
}
