package dev.flexauth.reason;

/**
 * Reason codes the engine itself may return, beside those a policy package declares. A package
 * may not declare these names, so a reason in a decision always has one meaning.
 */
public final class EngineReason {
    /**
     * A check failed inside the engine (a defect, never a property of the request). The decision is
     * a deny: an evaluation error is never skipped.
     */
    public static final String EVALUATION_ERROR = "evaluation_error";

    /**
     * The registry snapshot is older than the engine's maximum registry age (its
     * {@code source.generated_at} is too far in the past, or cannot be read as a time): every check
     * denies until a fresher snapshot is loaded, so a stopped generator cannot keep granting.
     */
    public static final String REGISTRY_STALE = "registry_stale";

    private EngineReason() {
    }

    /** Whether a policy package may declare {@code reason}. */
    public static boolean isReserved(String reason) {
        return EVALUATION_ERROR.equals(reason) || REGISTRY_STALE.equals(reason);
    }
}
