package dev.flexauth.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic snapshot follows issue 7's rule and is a real snapshot the loader accepts. */
class SyntheticSnapshotTest {
    @Test
    void actorsFollowTheIssuesNamingRule() {
        // Worked by hand from the rule: type [adm, agt, atm][i % 3], principal <type>-principal-<i % 50>,
        // max_ttl_hours 1 + (i * 7919) % 48.
        assertEquals(new SyntheticSnapshot.Actor("adm-synthetic-000000", "adm", "adm-principal-0", 1,
                List.of("adm-synthetic-000000", "iam:adm-synthetic-000000")), SyntheticSnapshot.actor(0));
        assertEquals(new SyntheticSnapshot.Actor("agt-synthetic-000052", "agt", "agt-principal-2", 45,
                List.of("agt-synthetic-000052", "iam:agt-synthetic-000052")), SyntheticSnapshot.actor(52));
        // 999,999 % 3 = 0 (adm); 999,999 * 7919 = 7,918,992,081 does not fit in an int: 7,918,992,081 % 48 = 33.
        assertEquals(34, SyntheticSnapshot.actor(999_999).maxTtlHours());
        assertEquals("adm-synthetic-999999", SyntheticSnapshot.actor(999_999).name());
    }

    @Test
    void theWrittenSnapshotLoadsWithEveryActorAsGenerated(@TempDir Path dir) throws Exception {
        Path file = SyntheticSnapshot.ensure(dir, 500);
        Registry registry = RegistryLoader.defaults().load(file);
        assertEquals(500, registry.entityCount());
        assertEquals("synthetic-500", registry.source().inventory());
        for (int i : new int[] {0, 1, 2, 251, 499}) {
            SyntheticSnapshot.Actor a = SyntheticSnapshot.actor(i);
            Entity e = registry.kind("actor").orElseThrow().find(a.name());
            assertEquals(a.type(), e.get("type"));
            assertEquals(a.principal(), e.get("principal"));
            assertEquals(a.maxTtlHours(), e.get("max_ttl_hours"));
            assertEquals(a.subjects(), e.get("allowed_subjects"));
        }
    }

    @Test
    void writingTwiceGivesTheSameBytes(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        SyntheticSnapshot.write(a, 200);
        SyntheticSnapshot.write(b, 200);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }
}
