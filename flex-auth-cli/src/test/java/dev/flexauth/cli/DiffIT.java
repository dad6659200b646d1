package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.registry.RegistryLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code flex-auth diff} on the real jar: each fixture changes the production snapshot in one way,
 * and the test pins the entity changes and the exact grants gained and lost.
 */
class DiffIT {
    private static final String BRIDGE_SUBJECTS = "subject=\"agt-state-hub-bridge\"|\"iam:agt-state-hub-bridge\"";

    private static Cli.Result diff(String newSnapshot, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("diff", "--policy", Cli.POLICY));
        args.addAll(List.of(more));
        args.add(Cli.REGISTRY);
        args.add(Cli.FIXTURE_DIR + newSnapshot);
        return Cli.run(args.toArray(new String[0]));
    }

    /** Everything after the header (old, new, policy and their digests). */
    private static String body(Cli.Result r) {
        int at = r.out().indexOf("entities: ");
        return at < 0 ? r.out() : r.out().substring(at);
    }

    @Test
    void theHeaderNamesBothSnapshotsWithTheirDigests() throws Exception {
        Cli.Result r = diff("registry_bridge_ttl_48.json");
        String newDigest = RegistryLoader.defaults().load(Cli.ROOT.resolve(Cli.FIXTURE_DIR + "registry_bridge_ttl_48.json")).digest();
        assertAll(r.toString(),
                () -> assertEquals("old     " + Cli.REGISTRY, r.outLines().get(0)),
                () -> assertEquals("new     " + Cli.FIXTURE_DIR + "registry_bridge_ttl_48.json", r.outLines().get(2)),
                () -> assertEquals("        " + newDigest + ", 4 entities", r.outLines().get(3)),
                () -> assertEquals("policy  " + Cli.POLICY, r.outLines().get(4)));
    }

    @Test
    void ttlUpGainsTheHoursAboveTheOldMaximum() {
        Cli.Result r = diff("registry_bridge_ttl_48.json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(String.join("\n",
                        "entities: 0 added, 0 removed, 1 changed",
                        "  ~ actor agt-state-hub-bridge",
                        "      max_ttl_hours: 24 -> 48",
                        "",
                        "grants: 1 gained (+), 0 lost (-)",
                        "  actor agt-state-hub-bridge",
                        "    + " + BRIDGE_SUBJECTS + " action=\"ssh.sign\" principal=absent|\"agt-task-bridge\" ttl_hours=25..48",
                        ""), body(r)));
    }

    @Test
    void ttlDownLosesTheHoursAboveTheNewMaximum() {
        Cli.Result r = diff("registry_bridge_ttl_8.json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(String.join("\n",
                        "entities: 0 added, 0 removed, 1 changed",
                        "  ~ actor agt-state-hub-bridge",
                        "      max_ttl_hours: 24 -> 8",
                        "",
                        "grants: 0 gained (+), 1 lost (-)",
                        "  actor agt-state-hub-bridge",
                        "    - " + BRIDGE_SUBJECTS + " action=\"ssh.sign\" principal=absent|\"agt-task-bridge\" ttl_hours=9..24",
                        ""), body(r)));
    }

    @Test
    void anAddedSubjectGainsEveryGrantForThatSubjectOnly() {
        Cli.Result r = diff("registry_bridge_subject_added.json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(String.join("\n",
                        "entities: 0 added, 0 removed, 1 changed",
                        "  ~ actor agt-state-hub-bridge",
                        "      allowed_subjects: [\"agt-state-hub-bridge\", \"iam:agt-state-hub-bridge\"] -> "
                                + "[\"agt-state-hub-bridge\", \"iam:agt-state-hub-bridge\", \"ops-oncall\"]",
                        "",
                        "grants: 1 gained (+), 0 lost (-)",
                        "  actor agt-state-hub-bridge",
                        "    + subject=\"ops-oncall\" action=\"ssh.sign\" principal=absent|\"agt-task-bridge\" ttl_hours=absent|1..24",
                        ""), body(r)));
    }

    @Test
    void anAddedActorGainsAllItsGrants() {
        Cli.Result r = diff("registry_release_bot_added.json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(String.join("\n",
                        "entities: 1 added, 0 removed, 0 changed",
                        "  + actor agt-release-bot",
                        "      type: \"agt\"",
                        "      principal: \"agt-release\"",
                        "      max_ttl_hours: 4",
                        "      allowed_subjects: [\"agt-release-bot\", \"iam:agt-release-bot\"]",
                        "",
                        "grants: 1 gained (+), 0 lost (-)",
                        "  actor agt-release-bot",
                        "    + subject=\"agt-release-bot\"|\"iam:agt-release-bot\" action=\"ssh.sign\" principal=absent|\"agt-release\" ttl_hours=absent|1..4",
                        ""), body(r)));
    }

    @Test
    void aRemovedActorLosesAllItsGrants() {
        Cli.Result r = diff("registry_backup_removed.json");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(String.join("\n",
                        "entities: 0 added, 1 removed, 0 changed",
                        "  - actor atm-backup-daily",
                        "      type: \"atm\"",
                        "      principal: \"atm-backup-daily\"",
                        "      max_ttl_hours: 8",
                        "      allowed_subjects: [\"atm-backup-daily\", \"iam:atm-backup-daily\"]",
                        "",
                        "grants: 0 gained (+), 1 lost (-)",
                        "  actor atm-backup-daily",
                        "    - subject=\"atm-backup-daily\"|\"iam:atm-backup-daily\" action=\"ssh.sign\" principal=absent|\"atm-backup-daily\" ttl_hours=absent|1..8",
                        ""), body(r)));
    }

    @Test
    void theSameSnapshotChangesNothing() {
        Cli.Result r = Cli.run("diff-registry", "--policy", Cli.POLICY, Cli.REGISTRY, Cli.REGISTRY);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("entities: 0 added, 0 removed, 0 changed\n\ngrants: 0 gained (+), 0 lost (-)\n", body(r)));
    }

    @Test
    void aPolicyChangeIsDiffedWithTwoPolicies() {
        Cli.Result r = Cli.run("diff", "--old-policy", Cli.POLICY, "--new-policy", Cli.FIXTURE_DIR + "policy_min_ttl_2.md",
                Cli.REGISTRY, Cli.REGISTRY);
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("old policy  " + Cli.POLICY, r.outLines().get(4)),
                () -> assertEquals(String.join("\n",
                        "entities: 0 added, 0 removed, 0 changed",
                        "",
                        "grants: 0 gained (+), 4 lost (-)",
                        "  actor adm-example",
                        "    - subject=\"adm-example\"|\"iam:adm-example\" action=\"ssh.sign\" principal=absent|\"adm-full\" ttl_hours=1",
                        "  actor agt-codex-interhub-bootstrap",
                        "    - subject=\"agt-codex-interhub-bootstrap\"|\"iam:agt-codex-interhub-bootstrap\" action=\"ssh.sign\" "
                                + "principal=absent|\"agt-interhub-bootstrap\" ttl_hours=1",
                        "  actor agt-state-hub-bridge",
                        "    - " + BRIDGE_SUBJECTS + " action=\"ssh.sign\" principal=absent|\"agt-task-bridge\" ttl_hours=1",
                        "  actor atm-backup-daily",
                        "    - subject=\"atm-backup-daily\"|\"iam:atm-backup-daily\" action=\"ssh.sign\" principal=absent|\"atm-backup-daily\" ttl_hours=1",
                        ""), body(r)));
    }

    @Test
    void failOnGrantGatesAPromotionThatGains() {
        Cli.Result gains = diff("registry_bridge_ttl_48.json", "--fail-on-grant");
        Cli.Result loses = diff("registry_bridge_ttl_8.json", "--fail-on-grant");
        assertAll(gains + "\n" + loses,
                () -> assertEquals(1, gains.exit()),
                () -> assertEquals(List.of("error: the change gains 1 grant (--fail-on-grant)"), gains.errLines()),
                () -> assertEquals(0, loses.exit()));
    }

    @Test
    void policyOptionsAreEitherOneOrBoth() {
        Cli.Result none = Cli.run("diff", Cli.REGISTRY, Cli.REGISTRY);
        Cli.Result half = Cli.run("diff", "--old-policy", Cli.POLICY, Cli.REGISTRY, Cli.REGISTRY);
        assertAll(none + "\n" + half,
                () -> assertEquals(2, none.exit()),
                () -> assertEquals("flex-auth diff: give either --policy P, or both --old-policy P1 and --new-policy P2",
                        none.errLines().get(0)),
                () -> assertEquals(2, half.exit()));
    }

    @Test
    void aBrokenNewSnapshotIsRefusedWithItsProblems() {
        Cli.Result r = diff("registry_duplicate_actor.json");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("", r.out()),
                () -> assertTrue(r.err().startsWith(Cli.FIXTURE_DIR + "registry_duplicate_actor.json: entities.actor[2].id: duplicate id"), r.err()));
    }

    @Test
    void aLimitOnTheEnumerationIsAnErrorNotASilentCut() {
        Cli.Result r = diff("registry_bridge_ttl_48.json", "--max-combinations", "10");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: the packages tell apart more than 10 requests for actor agt-state-hub-bridge; "
                        + "raise --max-combinations to enumerate them anyway"), r.errLines()));
    }
}
