package dev.flexauth.analysis;

/**
 * An analysis that cannot be run as asked: the inputs cannot be compared, or the requests to
 * enumerate exceed the caller's bound. The message says what to change; {@link #code()} is a
 * stable machine-readable name for it.
 */
public final class AnalysisException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;

    AnalysisException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** {@code incompatible_policies}, {@code too_many_combinations} or {@code not_searchable}. */
    public String code() {
        return code;
    }
}
