package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.server.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The properties a load checks are exact over a large registry: the bound counts the requests
 * decided, and actors the package cannot tell apart share their decisions, so 10,000 synthetic
 * actors (1,068,748 distinct requests) take about 5,000 decisions, under the bound.
 */
class LoadedPropertiesTest {
    private static final int ACTORS = 10_000;

    @TempDir
    Path dir;

    @Test
    void theOpsWardenPropertiesAreProvenAtLoadOverTenThousandActors() throws Exception {
        Loaded loaded = Loaded.of(engine(Fixtures.policy()), Instant.EPOCH, Instant.EPOCH);
        List<PropertyResult> properties = loaded.properties();
        assertEquals(6, properties.size());
        for (PropertyResult p : properties) {
            assertTrue(p.holds() && p.proven(), p.property().name() + ": " + p);
            assertEquals(1_068_748, p.cases(), "distinct requests checked");
            assertTrue(p.decided() <= Loaded.MAX_PROPERTY_CASES, "decided " + p.decided());
        }
    }

    @Test
    void aHardCodedTtlIsCaughtAtLoadWithTheSmallestCounterexampleOfAllTheActors() throws Exception {
        Loaded loaded = Loaded.of(engine(Fixtures.policyWithHardCodedTtl()), Instant.EPOCH, Instant.EPOCH);
        assertTrue(loaded.properties().get(0).proven());
        // Actor 0 (max 1) is the first of the shortest keys whose maximum is below 48; 2 is its maximum plus one.
        assertEquals(List.of("line " + loaded.properties().get(0).property().pos().line() + " (No certificate outlives the "
                + "actor's maximum): {\"actor\":\"adm-synthetic-000000\",\"subject\":\"adm-synthetic-000000\","
                + "\"action\":\"ssh.sign\",\"ttl_hours\":2} gets allow signing_policy_matched"), loaded.propertyFailures());
    }

    /** The synthetic registry of bench/http/gen.py and flex-auth-bench's SyntheticSnapshot. */
    private Engine engine(String policy) throws Exception {
        StringBuilder json = new StringBuilder("{\"format\":\"flex-auth/registry\",\"format_version\":1,\"source\":"
                + "{\"system\":\"ops-warden\",\"generated_at\":\"2026-06-23T00:00:00Z\"},\"entities\":{\"actor\":[");
        String[] types = {"adm", "agt", "atm"};
        for (int i = 0; i < ACTORS; i++) {
            String type = types[i % 3];
            String name = String.format("%s-synthetic-%06d", type, i);
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(name).append("\",\"type\":\"").append(type)
                    .append("\",\"principal\":\"").append(type).append("-principal-").append(i % 50)
                    .append("\",\"max_ttl_hours\":").append(1 + (i * 7919L) % 48).append(",\"allowed_subjects\":[\"")
                    .append(name).append("\",\"iam:").append(name).append("\"]}");
        }
        json.append("]}}");
        Path policyFile = Files.writeString(dir.resolve("policy.md"), policy);
        return EngineLoader.defaults().load(json.toString().getBytes(StandardCharsets.UTF_8), "synthetic.json", policyFile);
    }
}
