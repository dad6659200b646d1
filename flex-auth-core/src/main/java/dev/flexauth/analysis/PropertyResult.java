package dev.flexauth.analysis;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Request;
import dev.flexauth.policy.Property;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of checking one property of a package over a registry.
 *
 * @param property       the property
 * @param method         how the requests were chosen, which says how much a pass proves
 * @param cases          how many distinct requests were checked
 * @param decided        how many of them the engine decided: fewer than {@code cases} when keys of the first entity
 *                       field that the package cannot tell apart share one decision per request (see
 *                       {@code docs/testing-policies.md})
 * @param domainSize     how many requests the exact domain holds ({@code Long.MAX_VALUE} when too many to count)
 * @param counterexample the smallest request found that breaks the property, or {@code null} if none was found
 * @param decision       the engine's decision for the counterexample, or {@code null}
 * @param notExact       why the domain is not exact (a comparison of two request fields ...), empty when it is
 */
public record PropertyResult(Property property, Method method, long cases, long decided, long domainSize, Request counterexample,
        Decision decision, List<String> notExact) {
    public PropertyResult {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(method, "method");
        notExact = List.copyOf(notExact);
    }

    /** How the requests were chosen. */
    public enum Method {
        /** Every request of the domain was decided: a pass is a proof when {@link #notExact()} is empty. */
        EXHAUSTIVE,
        /** The domain was too large: random requests of it, shrunk on failure; a pass proves nothing. */
        RANDOM
    }

    /** Whether no request breaking the property was found. */
    public boolean holds() {
        return counterexample == null;
    }

    /** Whether a pass is a proof: every request of an exact domain was decided. */
    public boolean proven() {
        return method == Method.EXHAUSTIVE && notExact.isEmpty();
    }
}
