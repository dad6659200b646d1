package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.registry.Entity;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The production ops-warden example, actor by actor: every real actor is allowed at its maximum
 * TTL with both subject forms and gets the certificate's principal and TTL back, is denied one hour
 * over, and is denied for another actor's subject; an actor outside the inventory is denied; and
 * every row of the package's Examples table holds.
 */
class OpsWardenExampleTest {
    private static final Engine ENGINE = TestFiles.opsWarden();

    private static Decision check(String actor, String subject, Long ttl) throws RequestException {
        return ENGINE.check(ENGINE.request().put("actor", actor).put("subject", subject).put("action", "ssh.sign")
                .put("ttl_hours", ttl).build());
    }

    @TestFactory
    Stream<DynamicTest> everyRealActor() {
        List<Entity> actors = ENGINE.registry().kind("actor").orElseThrow().entities();
        assertEquals(4, actors.size(), "the production fixture has four actors");
        return actors.stream().map(a -> DynamicTest.dynamicTest(a.id(), () -> {
            long max = (Long) a.get("max_ttl_hours");
            for (String subject : List.of(a.id(), "iam:" + a.id())) {
                Decision allow = check(a.id(), subject, max);
                assertEquals("allow signing_policy_matched", allow.effect() + " " + allow.reason(), subject);
                assertEquals(Map.of("principal", a.get("principal"), "max_ttl_hours", max), allow.outputs());
                Decision over = check(a.id(), subject, max + 1);
                assertEquals("deny ttl_out_of_bounds", over.effect() + " " + over.reason(), subject);
            }
            String foreign = actors.stream().filter(o -> o != a).findFirst().orElseThrow().id();
            Decision stolen = check(a.id(), "iam:" + foreign, 1L);
            assertEquals("deny subject_not_bound", stolen.effect() + " " + stolen.reason());
        }));
    }

    @Test
    void anActorOutsideTheInventoryIsDenied() throws RequestException {
        Decision d = check("agt-not-inventoried", "iam:agt-not-inventoried", 1L);
        assertEquals("deny unknown_actor_resource", d.effect() + " " + d.reason());
        assertTrue(d.outputs().isEmpty());
    }

    @Test
    void theSmokeRequestsOfTheRunbook() throws RequestException {
        Decision allow = check("agt-state-hub-bridge", "iam:agt-state-hub-bridge", null);
        assertEquals("allow signing_policy_matched", allow.effect() + " " + allow.reason());
        assertEquals(Map.of("principal", "agt-task-bridge", "max_ttl_hours", 24L), allow.outputs());
        Decision deny = check("agt-state-hub-bridge", "iam:agt-state-hub-bridge", 999L);
        assertEquals("deny ttl_out_of_bounds", deny.effect() + " " + deny.reason());
    }

    @TestFactory
    Stream<DynamicTest> everyExamplesRow() {
        List<ExampleResult> results = ENGINE.runExamples();
        assertFalse(results.isEmpty());
        return results.stream().map(r -> DynamicTest.dynamicTest(r.summary(), () -> assertTrue(r.passed(), r.summary())));
    }

    @Test
    void theDenyTraceNamesTheFailingConditionWithItsValues() throws RequestException {
        Decision d = ENGINE.explain(ENGINE.request().put("actor", "adm-example").put("subject", "adm-example")
                .put("action", "ssh.sign").put("ttl_hours", 72).build());
        Trace.RuleTrace last = d.trace().orElseThrow().rules().get(d.trace().get().rules().size() - 1);
        assertEquals("The TTL stays within the actor's maximum", last.rule());
        assertEquals(Trace.Outcome.MATCHED, last.outcome());
        assertEquals("ttl_hours 72 is present and ttl_hours 72 is more than actor.max_ttl_hours 48", last.because());
    }
}
