package dev.flexauth.pbt;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.registry.Entity;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Requests to the ops-warden example: real and unknown actors, bound and foreign subjects, every TTL edge. */
final class OpsWardenRequests {
    static final Engine ENGINE = TestFiles.opsWarden();

    private OpsWardenRequests() {
    }

    /** A request as plain values (null = absent), so properties can reason about it. */
    record Ask(String actor, String subject, String action, String principal, Long ttlHours) {
        Request toRequest(Engine engine) {
            try {
                return engine.request().put("actor", actor).put("subject", subject).put("action", action)
                        .put("principal", principal).put("ttl_hours", ttlHours).build();
            } catch (RequestException e) {
                throw new IllegalStateException("generated an invalid request " + this, e);
            }
        }
    }

    static List<Entity> actors() {
        return ENGINE.registry().kind("actor").orElseThrow().entities();
    }

    static Arbitrary<Ask> asks() {
        List<String> actorNames = new ArrayList<>();
        List<String> subjects = new ArrayList<>(List.of("iam:nobody", "root", ""));
        List<String> principals = new ArrayList<>(List.of("root", "adm-full "));
        for (Entity a : actors()) {
            actorNames.add(a.id());
            subjects.addAll(a.get("allowed_subjects") instanceof List ? stringList(a.get("allowed_subjects")) : List.of());
            principals.add((String) a.get("principal"));
        }
        Arbitrary<String> actor = Arbitraries.oneOf(Arbitraries.of(actorNames),
                Arbitraries.of("agt-not-inventoried", "ADM-EXAMPLE", "adm-example ", "iam:adm-example"),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12));
        Arbitrary<String> subject = Arbitraries.oneOf(Arbitraries.of(subjects), Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> action = Arbitraries.oneOf(Arbitraries.just("ssh.sign"), Arbitraries.of("ssh.deploy", "SSH.SIGN", ""));
        Arbitrary<String> principal = Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of(principals));
        Arbitrary<Long> ttl = Arbitraries.oneOf(Arbitraries.just(null),
                Arbitraries.of(Long.MIN_VALUE, -1L, 0L, 1L, 2L, 3L, 8L, 9L, 24L, 25L, 48L, 49L, 999L, Long.MAX_VALUE),
                Arbitraries.longs());
        return Combinators.combine(actor, subject, action, principal, ttl).as(Ask::new);
    }

    @SuppressWarnings("unchecked")
    static List<String> stringList(Object o) {
        return (List<String>) o;
    }
}
