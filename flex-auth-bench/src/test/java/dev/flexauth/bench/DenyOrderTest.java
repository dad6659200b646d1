package dev.flexauth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.registry.EntityKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baseline and the jCasbin model give the ops-warden package's reasons in its deny order:
 * a request that fails several checks is refused for the first one.
 */
class DenyOrderTest {
    private static Baseline baseline;
    private static CasbinChecker casbin;

    @BeforeAll
    static void load() {
        EntityKind actors = Workload.load(Workload.EXAMPLE_ACTORS).engine.registry().kind("actor").orElseThrow();
        baseline = new Baseline(actors);
        casbin = new CasbinChecker(actors);
    }

    private static void assertBoth(Outcome expected, String actor, String subject, String action, String principal, Long ttl) {
        Ask ask = new Ask(actor, subject, action, principal, ttl, expected);
        assertEquals(expected, baseline.check(ask), "baseline: " + ask);
        assertEquals(expected, casbin.check(ask), "jCasbin: " + ask);
    }

    @Test
    void anUnknownActorIsRefusedBeforeAnythingElse() {
        assertBoth(Outcome.UNKNOWN_ACTOR_RESOURCE, "agt-gone", "adm-example", "ssh.deploy", "root", 0L);
    }

    @Test
    void theActionIsCheckedBeforeTheSubject() {
        assertBoth(Outcome.ACTION_NOT_SUPPORTED, "adm-example", "iam:atm-backup-daily", "ssh.deploy", "root", 0L);
    }

    @Test
    void theSubjectIsCheckedBeforeThePrincipal() {
        assertBoth(Outcome.SUBJECT_NOT_BOUND, "adm-example", "iam:atm-backup-daily", "ssh.sign", "root", 0L);
    }

    @Test
    void thePrincipalIsCheckedBeforeTheTtl() {
        assertBoth(Outcome.PRINCIPAL_NOT_ALLOWED, "adm-example", "iam:adm-example", "ssh.sign", "root", 0L);
    }

    @Test
    void theTtlMustBeBetweenOneAndTheActorsMaximum() {
        assertBoth(Outcome.TTL_OUT_OF_BOUNDS, "agt-state-hub-bridge", "agt-state-hub-bridge", "ssh.sign", null, 0L);
        assertBoth(Outcome.TTL_OUT_OF_BOUNDS, "agt-state-hub-bridge", "agt-state-hub-bridge", "ssh.sign", null, 25L);
        assertBoth(Outcome.SIGNING_POLICY_MATCHED, "agt-state-hub-bridge", "agt-state-hub-bridge", "ssh.sign", null, 24L);
        assertBoth(Outcome.SIGNING_POLICY_MATCHED, "agt-state-hub-bridge", "agt-state-hub-bridge", "ssh.sign", null, 1L);
    }

    @Test
    void principalAndTtlMayBeLeftOut() {
        assertBoth(Outcome.SIGNING_POLICY_MATCHED, "atm-backup-daily", "iam:atm-backup-daily", "ssh.sign", null, null);
        assertBoth(Outcome.SIGNING_POLICY_MATCHED, "atm-backup-daily", "atm-backup-daily", "ssh.sign", "atm-backup-daily", null);
    }
}
