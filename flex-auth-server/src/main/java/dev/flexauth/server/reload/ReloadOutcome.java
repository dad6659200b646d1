package dev.flexauth.server.reload;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one load of the registry and policy files did: accepted (the new pair serves) or rejected
 * (the previous pair keeps serving), why it ran, when, the digests before and after, every
 * problem found, and how the package's Examples fared against the new pair.
 *
 * @param before the digests in service before (equal to {@code after} at startup)
 * @param after  the digests in service after: the new ones if accepted, else {@code before}
 * @param errors every problem of a rejected pair, one line each; empty if accepted
 */
public record ReloadOutcome(Result result, Trigger trigger, Instant time, Digests before, Digests after, List<String> errors,
        int examplesPassed, int examplesFailed) {

    public ReloadOutcome {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(trigger, "trigger");
        errors = List.copyOf(errors);
    }

    public boolean accepted() {
        return result == Result.ACCEPTED;
    }

    /** The policy and registry digests of a pair. */
    public record Digests(String policy, String registry) {
    }

    public enum Result {
        ACCEPTED, REJECTED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Why a load ran: {@code poll} is the periodic backstop that found a change no event reported. */
    public enum Trigger {
        STARTUP, FILE, POLL, SIGNAL, ADMIN, SOURCE;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
