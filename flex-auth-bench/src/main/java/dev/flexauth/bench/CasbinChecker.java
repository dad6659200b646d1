package dev.flexauth.bench;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.StringList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.casbin.jcasbin.main.Enforcer;
import org.casbin.jcasbin.model.Model;

/**
 * The ops-warden policy in jCasbin, written the way a casbin user would for ABAC with reasons.
 * The caller looks the actor up in a {@link HashMap} (as the baseline does) and passes its
 * attributes as the request's {@code obj}; the model has no policy lines, only matchers. Casbin
 * answers a boolean, so the reason is found as its users do it: one enforcer whose matcher is the
 * package's allow rule decides; only when it says no, one enforcer per deny rule is asked in the
 * package's order and the first that matches gives the reason. Each matcher lives in its own
 * enforcer's model, so jCasbin compiles it once and no call pays for {@code enforceWithMatcher}'s
 * per-call rewriting. Logging is off, as in production. Thread-safe for concurrent checks
 * ({@link Enforcer#enforce} only reads), built once.
 */
final class CasbinChecker {
    static final String ALLOW_MATCHER = "r.obj != nil && r.act == \"ssh.sign\" && include(r.obj.subjects, r.sub)"
            + " && (r.principal == nil || r.principal == r.obj.principal)"
            + " && (r.ttl == nil || (r.ttl >= 1 && r.ttl <= r.obj.maxTtlHours))";

    /** The deny rules in the package's order, each with the outcome it gives. */
    static final List<Map.Entry<String, Outcome>> DENY_MATCHERS = List.of(
            Map.entry("r.obj == nil", Outcome.UNKNOWN_ACTOR_RESOURCE),
            Map.entry("r.act != \"ssh.sign\"", Outcome.ACTION_NOT_SUPPORTED),
            Map.entry("!include(r.obj.subjects, r.sub)", Outcome.SUBJECT_NOT_BOUND),
            Map.entry("r.principal != nil && r.principal != r.obj.principal", Outcome.PRINCIPAL_NOT_ALLOWED),
            Map.entry("r.ttl != nil && (r.ttl < 1 || r.ttl > r.obj.maxTtlHours)", Outcome.TTL_OUT_OF_BOUNDS));

    /**
     * An actor's attributes as jCasbin's expression language (Aviator) reads them: through public
     * getters of a public class.
     */
    public static final class Actor {
        private final String principal;
        private final long maxTtlHours;
        private final List<String> subjects;

        Actor(String principal, long maxTtlHours, List<String> subjects) {
            this.principal = principal;
            this.maxTtlHours = maxTtlHours;
            this.subjects = subjects;
        }

        public String getPrincipal() {
            return principal;
        }

        public long getMaxTtlHours() {
            return maxTtlHours;
        }

        public List<String> getSubjects() {
            return subjects;
        }
    }

    private final Map<String, Actor> actors;
    private final Enforcer allow;
    private final Enforcer[] denies;
    private final Outcome[] denyOutcomes;

    CasbinChecker(EntityKind kind) {
        actors = new HashMap<>(Math.max(16, (int) (kind.size() / 0.75f) + 1));
        for (Entity e : kind.entities()) {
            actors.put(e.id(), new Actor((String) e.get("principal"), (Long) e.get("max_ttl_hours"),
                    List.copyOf((StringList) e.get("allowed_subjects"))));
        }
        allow = enforcer(ALLOW_MATCHER);
        denies = new Enforcer[DENY_MATCHERS.size()];
        denyOutcomes = new Outcome[denies.length];
        for (int i = 0; i < denies.length; i++) {
            denies[i] = enforcer(DENY_MATCHERS.get(i).getKey());
            denyOutcomes[i] = DENY_MATCHERS.get(i).getValue();
        }
    }

    static String model(String matcher) {
        return "[request_definition]\n"
                + "r = sub, obj, act, principal, ttl\n"
                + "\n"
                + "[policy_definition]\n"
                + "p = sub\n"
                + "\n"
                + "[policy_effect]\n"
                + "e = some(where (p.eft == allow))\n"
                + "\n"
                + "[matchers]\n"
                + "m = " + matcher + "\n";
    }

    private static Enforcer enforcer(String matcher) {
        Enforcer e = new Enforcer(Model.newModelFromString(model(matcher)));
        e.enableLog(false);
        return e;
    }

    Outcome check(Ask ask) {
        Actor a = actors.get(ask.actor());
        Object[] request = {ask.subject(), a, ask.action(), ask.principal(), ask.ttlHours()};
        if (allow.enforce(request)) {
            return Outcome.SIGNING_POLICY_MATCHED;
        }
        for (int i = 0; i < denies.length; i++) {
            if (denies[i].enforce(request)) {
                return denyOutcomes[i];
            }
        }
        // Unreachable while the allow matcher is the complement of the deny matchers.
        throw new IllegalStateException("no casbin matcher decided " + ask);
    }
}
