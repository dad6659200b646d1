package dev.flexauth.bench;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.StringList;
import java.util.HashMap;
import java.util.Map;

/**
 * The ops-warden policy written by hand: one {@link HashMap} lookup and an if-chain in the
 * package's deny order. No engine can do less work for the same answers on this JVM, so its time
 * is the floor the others are measured against. Immutable and thread-safe after construction.
 */
final class Baseline {
    private static final String SIGN = "ssh.sign";

    /** An actor's attributes in plain fields. */
    private record Actor(String principal, long maxTtlHours, String[] subjects) {
        boolean binds(String subject) {
            for (String s : subjects) {
                if (s.equals(subject)) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Actor> actors;

    Baseline(EntityKind kind) {
        actors = new HashMap<>(Math.max(16, (int) (kind.size() / 0.75f) + 1));
        for (Entity e : kind.entities()) {
            StringList subjects = (StringList) e.get("allowed_subjects");
            actors.put(e.id(), new Actor((String) e.get("principal"), (Long) e.get("max_ttl_hours"),
                    subjects.toArray(new String[0])));
        }
    }

    Outcome check(Ask ask) {
        Actor a = actors.get(ask.actor());
        if (a == null) {
            return Outcome.UNKNOWN_ACTOR_RESOURCE;
        }
        if (!SIGN.equals(ask.action())) {
            return Outcome.ACTION_NOT_SUPPORTED;
        }
        if (!a.binds(ask.subject())) {
            return Outcome.SUBJECT_NOT_BOUND;
        }
        if (ask.principal() != null && !ask.principal().equals(a.principal())) {
            return Outcome.PRINCIPAL_NOT_ALLOWED;
        }
        Long ttl = ask.ttlHours();
        if (ttl != null && (ttl < 1 || ttl > a.maxTtlHours())) {
            return Outcome.TTL_OUT_OF_BOUNDS;
        }
        return Outcome.SIGNING_POLICY_MATCHED;
    }
}
