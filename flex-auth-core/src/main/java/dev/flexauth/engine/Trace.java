package dev.flexauth.engine;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Pos;
import java.util.List;

/**
 * Why a decision came out as it did: each rule evaluated, in evaluation order (deny rules, then
 * allow rules, stopping at the first match), with its outcome and the conditions that decided it,
 * shown with the values seen ({@code ttl_hours 72 > actor.max_ttl_hours 48}).
 *
 * @param rules the rules evaluated
 */
public record Trace(List<RuleTrace> rules) {
    public Trace {
        rules = List.copyOf(rules);
    }

    /** How a rule's condition came out. */
    public enum Outcome {
        MATCHED("matched"),
        NOT_MATCHED("not matched"),
        /** The condition touched an absent field or an unknown entity, so the rule did not match. */
        UNDECIDED("undecided");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        /** As shown to operators. */
        public String label() {
            return label;
        }

        /** The {@link #label()}, as in the explain output. */
        @Override
        public String toString() {
            return label;
        }
    }

    /**
     * One rule's evaluation.
     *
     * @param rule    the rule's name (its heading)
     * @param pos     where the rule text is in the policy file
     * @param effect  the rule's effect
     * @param reason  the rule's reason
     * @param outcome whether it matched
     * @param because the deciding conditions with the values seen
     */
    public record RuleTrace(String rule, Pos pos, Effect effect, String reason, Outcome outcome, String because) {
    }
}
