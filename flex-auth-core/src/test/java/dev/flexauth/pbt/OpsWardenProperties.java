package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Request;
import dev.flexauth.registry.Entity;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The ops-warden package's safety invariants, over generated requests against the production example. */
class OpsWardenProperties {

    @Provide
    Arbitrary<OpsWardenRequests.Ask> asks() {
        return OpsWardenRequests.asks();
    }

    private static Entity actor(OpsWardenRequests.Ask ask) {
        return OpsWardenRequests.ENGINE.registry().kind("actor").orElseThrow().find(ask.actor());
    }

    private static Decision check(OpsWardenRequests.Ask ask) {
        return OpsWardenRequests.ENGINE.check(ask.toRequest(OpsWardenRequests.ENGINE));
    }

    @Property(tries = 2000)
    void noAllowForAnUnknownActor(@ForAll("asks") OpsWardenRequests.Ask ask) {
        if (actor(ask) == null) {
            Decision d = check(ask);
            assertFalse(d.allowed(), () -> "allowed unknown actor: " + ask);
            assertEquals("unknown_actor_resource", d.reason());
        }
    }

    @Property(tries = 2000)
    void noAllowOutsideOneToTheActorsMaximumTtl(@ForAll("asks") OpsWardenRequests.Ask ask) {
        Entity a = actor(ask);
        if (a != null && ask.ttlHours() != null && (ask.ttlHours() < 1 || ask.ttlHours() > (Long) a.get("max_ttl_hours"))) {
            assertFalse(check(ask).allowed(), () -> "allowed TTL " + ask.ttlHours() + " for " + a);
        }
    }

    @Property(tries = 2000)
    void noAllowForASubjectNotBoundToTheActor(@ForAll("asks") OpsWardenRequests.Ask ask) {
        Entity a = actor(ask);
        if (a != null && !OpsWardenRequests.stringList(a.get("allowed_subjects")).contains(ask.subject())) {
            assertFalse(check(ask).allowed(), () -> "allowed unbound subject: " + ask);
        }
    }

    @Property(tries = 2000)
    void anAllowCarriesTheActorsPrincipalAndMaximumTtl(@ForAll("asks") OpsWardenRequests.Ask ask) {
        Decision d = check(ask);
        if (d.allowed()) {
            Entity a = actor(ask);
            assertEquals(a.get("principal"), d.outputs().get("principal"));
            assertEquals(a.get("max_ttl_hours"), d.outputs().get("max_ttl_hours"));
        }
    }

    @Property(tries = 1000)
    void evaluationIsDeterministicAndExplainAgrees(@ForAll("asks") OpsWardenRequests.Ask ask) {
        Request r = ask.toRequest(OpsWardenRequests.ENGINE);
        Decision first = OpsWardenRequests.ENGINE.check(r);
        Decision second = OpsWardenRequests.ENGINE.check(r);
        Decision explained = OpsWardenRequests.ENGINE.explain(r);
        assertEquals(first.effect() + " " + first.reason(), second.effect() + " " + second.reason());
        assertEquals(first.effect() + " " + first.reason(), explained.effect() + " " + explained.reason());
        assertFalse(first.decisionId().equals(second.decisionId()), "decision ids are unique");
    }

    @Property(tries = 2000)
    void theAllowRuleAndTheDenyRulesPartitionEveryRequest(@ForAll("asks") OpsWardenRequests.Ask ask) {
        // The default reason is unreachable by construction: some rule always decides.
        assertFalse(check(ask).reason().equals("no_rule_matched"), () -> "no rule decided " + ask);
    }
}
