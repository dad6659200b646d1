package dev.flexauth.engine;

import dev.flexauth.policy.Effect;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.Rule;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.Registry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to one check: a unique decision id, the effect, the reason code, the outputs an
 * allow carries, and which policy package and registry snapshot made it. A deny is a decision,
 * never an exception. Immutable and thread-safe; the id's text and the outputs are computed
 * when asked, so a check of a package with one entity field allocates this object and nothing else.
 */
public final class Decision {
    /** The {@code backend} value of every envelope flex-auth produces. */
    public static final String BACKEND = "flex-auth";

    private final long id;
    private final Engine engine;
    private final Request request;
    private final Entity first;
    private final Entity[] more;
    private final Compiler.CompiledRule rule;
    private final String reason;
    private final Trace trace;

    /** {@code first} and {@code more}: the resolved entities, split as {@link Cond#eval} takes them. */
    Decision(long id, Engine engine, Request request, Entity first, Entity[] more, Compiler.CompiledRule rule, String reason,
            Trace trace) {
        this.id = id;
        this.engine = engine;
        this.request = request;
        this.first = first;
        this.more = more;
        this.rule = rule;
        this.reason = reason;
        this.trace = trace;
    }

    /** {@code decision:} and 16 lowercase hex digits, unique per decision. */
    public String decisionId() {
        return DecisionIds.format(id);
    }

    /** Allow or deny. */
    public Effect effect() {
        return rule == null ? Effect.DENY : rule.effect();
    }

    /** Whether the effect is allow. */
    public boolean allowed() {
        return effect() == Effect.ALLOW;
    }

    /** The reason code: a rule's, the package's default, {@code evaluation_error} or {@code registry_stale}. */
    public String reason() {
        return reason;
    }

    /** The rule that matched, if one did (none for the default deny, evaluation errors and a stale registry). */
    public Optional<Rule> rule() {
        return rule == null ? Optional.empty() : Optional.ofNullable(rule.rule());
    }

    /** The outputs the matching allow rule attaches, in declaration order; absent values are left out. */
    public Map<String, Object> outputs() {
        if (rule == null || rule.outputs().length == 0) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < rule.outputs().length; i++) {
            Object v = rule.outputs()[i].get(request.values(), first, more);
            if (v != null) {
                m.put(rule.outputNames()[i], v);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** The request decided. */
    public Request request() {
        return request;
    }

    /** The policy package that decided. */
    public PolicyPackage policy() {
        return engine.policy();
    }

    /** The registry snapshot the decision used. */
    public Registry registry() {
        return engine.registry();
    }

    /** The explain trace, when the decision was made by {@link Engine#explain}. */
    public Optional<Trace> trace() {
        return Optional.ofNullable(trace);
    }

    @Override
    public String toString() {
        return decisionId() + " " + effect() + " " + reason;
    }
}
