package dev.flexauth.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grant enumeration behind {@code flex-auth diff}, in process. */
class GrantDiffTest {
    private static final Path FIXTURES = TestFiles.root().resolve("flex-auth-core/src/test/resources/analysis");
    private static final Path OPS_WARDEN = TestFiles.root().resolve("examples/ops-warden");

    private static Engine engine(Path registry, Path policy) throws Exception {
        return EngineLoader.defaults().load(registry, policy);
    }

    private static Engine doors(String registry) throws Exception {
        return engine(FIXTURES.resolve(registry), FIXTURES.resolve("policy_doors.md"));
    }

    @Test
    void enumeratesWhateverThePackageComparesNotJustOpsWardensFields() throws Exception {
        List<GrantDiff.EntityGrants> grants = GrantDiff.between(doors("registry_doors.json"), doors("registry_doors_later.json"), 1_000_000);
        assertEquals(List.of(
                new GrantDiff.EntityGrants("person", "person", "ana", List.of("door=\"lab\"|\"lobby\" hour=18..19 escorted=any"), List.of()),
                new GrantDiff.EntityGrants("person", "person", "bo", List.of("door=\"lab\" hour=absent|9..16 escorted=true"), List.of()),
                new GrantDiff.EntityGrants("person", "person", "cy", List.of("door=\"lobby\" hour=absent|0..23 escorted=any"), List.of())),
                grants);
    }

    @Test
    void swappingOldAndNewSwapsGainedAndLost() throws Exception {
        Engine before = doors("registry_doors.json");
        Engine after = doors("registry_doors_later.json");
        List<GrantDiff.EntityGrants> forward = GrantDiff.between(before, after, 1_000_000);
        List<GrantDiff.EntityGrants> backward = GrantDiff.between(after, before, 1_000_000);
        assertEquals(forward.stream().map(g -> new GrantDiff.EntityGrants(g.field(), g.kind(), g.id(), g.lost(), g.gained())).toList(),
                backward);
    }

    @Test
    void identicalEnginesDifferInNothing() throws Exception {
        Engine e = engine(OPS_WARDEN.resolve("production_registry_snapshot.json"), OPS_WARDEN.resolve("policy_package.md"));
        assertEquals(List.of(), GrantDiff.between(e, e, 1_000_000));
    }

    @Test
    void aTtlRaiseGainsExactlyTheNewHours() throws Exception {
        Path policy = OPS_WARDEN.resolve("policy_package.md");
        Engine before = engine(OPS_WARDEN.resolve("production_registry_snapshot.json"), policy);
        Engine after = engine(FIXTURES.resolve("registry_bridge_ttl_48.json"), policy);
        assertEquals(List.of(new GrantDiff.EntityGrants("actor", "actor", "agt-state-hub-bridge",
                        List.of("subject=\"agt-state-hub-bridge\"|\"iam:agt-state-hub-bridge\" action=\"ssh.sign\" "
                                + "principal=absent|\"agt-task-bridge\" ttl_hours=25..48"), List.of())),
                GrantDiff.between(before, after, 1_000_000));
    }

    @Test
    void refusesToEnumerateBeyondTheLimit() throws Exception {
        Engine before = doors("registry_doors.json");
        Engine after = doors("registry_doors_later.json");
        AnalysisException f = assertThrows(AnalysisException.class, () -> GrantDiff.between(before, after, 5));
        assertEquals("too_many_combinations", f.code());
    }

    @Test
    void anEntityThatDidNotChangeIsNotEnumeratedSoItsLimitDoesNotApply() throws Exception {
        Engine e = doors("registry_doors.json");
        assertEquals(List.of(), GrantDiff.between(e, e, 1));
    }

    @Test
    void theSummaryCountsTheLinesAndKeepsTheFirstWithTheirEntity() throws Exception {
        GrantDiff.Summary s = GrantDiff.summary(doors("registry_doors.json"), doors("registry_doors_later.json"), 1_000_000, 2);
        assertEquals(new GrantDiff.Summary(3, 0, List.of("person ana: door=\"lab\"|\"lobby\" hour=18..19 escorted=any",
                "person bo: door=\"lab\" hour=absent|9..16 escorted=true"), List.of(), ""), s);
    }

    @Test
    void theSummaryIsSkippedBeyondItsTotalBoundAndSaysWhy() throws Exception {
        GrantDiff.Summary s = GrantDiff.summary(doors("registry_doors.json"), doors("registry_doors_later.json"), 5, 2);
        assertEquals(0, s.gained());
        assertEquals(true, s.skipped().startsWith("the change needs more than 5 requests decided to enumerate (reached at person "), s.skipped());
    }
}
