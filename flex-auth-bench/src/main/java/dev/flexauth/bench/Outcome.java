package dev.flexauth.bench;

/**
 * The six answers the ops-warden package can give, in the order its rules are checked: what every
 * implementation under test is compared on. Each constant holds the reason code flex-auth reports.
 */
public enum Outcome {
    UNKNOWN_ACTOR_RESOURCE("unknown_actor_resource"),
    ACTION_NOT_SUPPORTED("action_not_supported"),
    SUBJECT_NOT_BOUND("subject_not_bound"),
    PRINCIPAL_NOT_ALLOWED("principal_not_allowed"),
    TTL_OUT_OF_BOUNDS("ttl_out_of_bounds"),
    SIGNING_POLICY_MATCHED("signing_policy_matched");

    private final String reason;

    Outcome(String reason) {
        this.reason = reason;
    }

    /** The reason code. */
    public String reason() {
        return reason;
    }

    /** Whether this is the one allow. */
    public boolean allowed() {
        return this == SIGNING_POLICY_MATCHED;
    }

    /** The outcome with {@code reason} and effect {@code allowed}, or {@code null} if there is none. */
    static Outcome of(boolean allowed, String reason) {
        for (Outcome o : values()) {
            if (o.reason.equals(reason) && o.allowed() == allowed) {
                return o;
            }
        }
        return null;
    }
}
