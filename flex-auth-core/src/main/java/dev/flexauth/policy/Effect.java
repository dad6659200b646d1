package dev.flexauth.policy;

import java.util.Optional;

/** The two outcomes of a decision. */
public enum Effect {
    ALLOW("allow"),
    DENY("deny");

    private final String label;

    Effect(String label) {
        this.label = label;
    }

    /** {@code allow} or {@code deny}, as written in policies, envelopes and logs. */
    public String label() {
        return label;
    }

    /** The effect written {@code label}, if any. */
    public static Optional<Effect> fromLabel(String label) {
        return ALLOW.label.equals(label) ? Optional.of(ALLOW)
                : DENY.label.equals(label) ? Optional.of(DENY) : Optional.empty();
    }

    @Override
    public String toString() {
        return label;
    }
}
