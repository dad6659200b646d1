package dev.flexauth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workload the benchmarks measure: every implementation agrees, and the mix is what issue 7 asks for. */
class WorkloadTest {
    @Test
    void allImplementationsAgreeOnEveryRequestOfTheExampleMix() {
        // load() verifies and throws on the first disagreement; the counts show what it covered.
        Workload w = Workload.load(Workload.EXAMPLE_ACTORS);
        assertMixShape(w.outcomeCounts());
    }

    @Test
    void allImplementationsAgreeOnEveryRequestOfASyntheticMix(@TempDir Path dir) {
        Workload w = Workload.load(SyntheticSnapshot.ensure(dir, 3_000));
        assertEquals(3_000, w.engine.registry().entityCount());
        assertMixShape(w.outcomeCounts());
    }

    @Test
    void theMixIsTheSameOnEveryRun() {
        Ask[] first = Workload.load(Workload.EXAMPLE_ACTORS).asks;
        Ask[] second = Workload.load(Workload.EXAMPLE_ACTORS).asks;
        assertEquals(java.util.List.of(first), java.util.List.of(second));
    }

    private static void assertMixShape(Map<Outcome, Integer> counts) {
        assertEquals(Outcome.values().length, counts.size(), "every outcome occurs: " + counts);
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(RequestMix.SIZE, total);
        int allows = counts.get(Outcome.SIGNING_POLICY_MATCHED);
        assertTrue(allows > total * 0.45 && allows < total * 0.55, "about half allows: " + counts);
        for (Outcome o : Outcome.values()) {
            assertTrue(counts.get(o) >= total / 20, o + " is not a token presence: " + counts);
        }
    }
}
