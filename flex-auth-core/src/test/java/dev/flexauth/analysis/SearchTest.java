package dev.flexauth.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.RequestException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exact search over the ops-warden example, in process. */
class SearchTest {
    private static final Path OPS_WARDEN = TestFiles.root().resolve("examples/ops-warden");

    private static Search opsWarden() throws Exception {
        return Search.of(EngineLoader.defaults().load(OPS_WARDEN.resolve("production_registry_snapshot.json"),
                OPS_WARDEN.resolve("policy_package.md")));
    }

    @Test
    void whichSubjectsMaySignAsTheBridgeAgent() throws Exception {
        Search.Result r = opsWarden().allowed(Map.of("actor", "agt-state-hub-bridge", "action", "ssh.sign"), "subject", null, 100);
        assertEquals(List.of("agt-state-hub-bridge", "iam:agt-state-hub-bridge"), r.values());
        assertFalse(r.more());
        assertFalse(r.othersAllowed(), "a subject the registry does not bind is never allowed");
    }

    @Test
    void whichActorsMayAnIamSubjectSignAs() throws Exception {
        Search.Result r = opsWarden().allowed(Map.of("subject", "iam:adm-example", "action", "ssh.sign"), "actor", null, 100);
        assertEquals(List.of("adm-example"), r.values());
    }

    @Test
    void pagesContinueAfterTheLastValueOfThePreviousPage() throws Exception {
        Search s = opsWarden();
        Map<String, Object> fixed = Map.of("actor", "agt-state-hub-bridge", "action", "ssh.sign");
        Search.Result first = s.allowed(fixed, "subject", null, 1);
        assertEquals(List.of("agt-state-hub-bridge"), first.values());
        assertTrue(first.more());
        Search.Result second = s.allowed(fixed, "subject", first.values().get(0), 1);
        assertEquals(List.of("iam:agt-state-hub-bridge"), second.values());
        assertFalse(second.more());
    }

    @Test
    void theActionsAreTheOnesThePackageNames() throws Exception {
        Search s = opsWarden();
        assertEquals(List.of("ssh.sign"), s.candidates("action"));
        assertEquals(List.of("ssh.sign"), s.allowed(Map.of("actor", "adm-example", "subject", "adm-example"), "action", null, 10).values());
    }

    @Test
    void anIntegerFieldCannotBeSearched() throws Exception {
        AnalysisException e = assertThrows(AnalysisException.class, () -> opsWarden().candidates("ttl_hours"));
        assertEquals("not_searchable", e.code());
        assertEquals("field \"ttl_hours\" is integer; only string and entity fields can be searched, their values are named "
                + "by the package and the registry", e.getMessage());
    }

    @Test
    void aMissingRequiredFieldIsTheCallersError() throws Exception {
        RequestException e = assertThrows(RequestException.class, () -> opsWarden().allowed(Map.of("actor", "adm-example"), "subject", null, 10));
        assertEquals("action", e.field());
    }
}
