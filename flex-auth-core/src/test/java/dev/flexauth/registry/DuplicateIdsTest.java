package dev.flexauth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.reason.RegistryCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Duplicate ids in a large snapshot: every repeat is counted, and the first problems kept are named
 * with their first occurrence. Finding that occurrence is a scan of the kind, so it is done only for
 * the problems kept: for each of these 100,000 repeats it took this test 22 s instead of half a second.
 */
class DuplicateIdsTest {
    @TempDir
    Path tmp;

    @Test
    void a_snapshot_listed_twice_is_refused_with_every_repeat_counted() throws Exception {
        int n = 100_000;
        StringBuilder b = new StringBuilder("{\"format\": \"flex-auth/registry\", \"format_version\": 1, \"source\": "
                + "{\"system\": \"t\", \"generated_at\": \"2026-06-23T00:00:00Z\"}, \"entities\": {\"actor\": [");
        for (int i = 0; i < 2 * n; i++) {
            b.append(i == 0 ? "" : ",").append("{\"id\": \"a").append(i % n).append("\"}");
        }
        b.append("]}}");
        Path file = Files.writeString(tmp.resolve("same.json"), b, StandardCharsets.UTF_8);

        RegistryException e = assertThrows(RegistryException.class, () -> RegistryLoader.defaults().load(file));

        assertEquals(n, e.total());
        assertEquals(200, e.problems().size());
        assertEquals(new RegistryProblem("entities.actor[100000].id", RegistryCode.DUPLICATE_ENTITY,
                "duplicate id \"a0\" (first at entities.actor[0]); ids are unique within a kind"), e.problems().get(0));
        assertEquals(new RegistryProblem("entities.actor[100199].id", RegistryCode.DUPLICATE_ENTITY,
                "duplicate id \"a199\" (first at entities.actor[199]); ids are unique within a kind"), e.problems().get(199));
    }
}
