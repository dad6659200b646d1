package dev.flexauth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.Example;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The production fixture has three copies that must not drift apart: the table operators read in
 * docs/ops-warden-registry-sync.md ("Current production fixture"), the snapshot flex-auth serves
 * (examples/ops-warden/production_registry_snapshot.json), and the Examples of the policy package,
 * which must hold every actor at its limits. Changing one without the others fails here.
 */
class ProductionFixtureDriftTest {
    static final String SYNC_DOC = "docs/ops-warden-registry-sync.md";
    static final String FIXTURE_HEADING = "Current production fixture";
    private static final List<String> COLUMNS = List.of("actor", "type", "principal", "max_ttl_hours", "allowed_subjects");
    private static final String ALLOW = "signing_policy_matched";
    private static final String OVER_TTL = "ttl_out_of_bounds";

    private static PolicyPackage policy;
    private static Registry snapshot;
    private static List<Entity> actors;

    @BeforeAll
    static void load() throws Exception {
        policy = PolicyReader.read(TestFiles.opsWardenPolicy());
        snapshot = RegistryLoader.builder().schema(policy.registry()).build().load(TestFiles.opsWardenRegistry());
        actors = snapshot.kind("actor").orElseThrow().entities();
    }

    private static DocSection fixtureSection() throws Exception {
        return DocSection.read(TestFiles.root().resolve(SYNC_DOC), FIXTURE_HEADING);
    }

    @Test
    void theDocTableIsTheProductionSnapshot() throws Exception {
        DocSection.Table table = fixtureSection().table();
        assertEquals(COLUMNS, table.header(), SYNC_DOC + ": the fixture table's columns");
        List<String> documented = new ArrayList<>();
        for (List<String> row : table.rows()) {
            assertEquals(COLUMNS.size(), row.size(), SYNC_DOC + ": row " + row);
            List<String> subjects = Arrays.stream(row.get(4).split(",")).map(String::strip).toList();
            documented.add(line(row.get(0), row.get(1), row.get(2), row.get(3), subjects));
        }
        List<String> served = new ArrayList<>();
        for (Entity a : actors) {
            assertEquals(Set.copyOf(COLUMNS.subList(1, COLUMNS.size())), a.attributes().keySet(),
                    "actor " + a.id() + ": the table has a column for each attribute; add one for a new attribute");
            served.add(line(a.id(), (String) a.get("type"), (String) a.get("principal"),
                    String.valueOf(a.get("max_ttl_hours")), listOf(a.get("allowed_subjects"))));
        }
        assertEquals(String.join("\n", served.stream().sorted().toList()), String.join("\n", documented.stream().sorted().toList()),
                SYNC_DOC + " \"" + FIXTURE_HEADING + "\" differs from " + TestFiles.root().relativize(TestFiles.opsWardenRegistry())
                        + "; update both together");
    }

    @Test
    void theDocNamesTheSnapshotsDigestAndGenerationTime() throws Exception {
        List<String> spans = fixtureSection().codeSpans();
        assertTrue(spans.contains(snapshot.digest()),
                SYNC_DOC + " \"" + FIXTURE_HEADING + "\" must name the snapshot digest " + snapshot.digest() + ", found " + spans);
        assertTrue(spans.contains(snapshot.source().generatedAt()), SYNC_DOC + " \"" + FIXTURE_HEADING
                + "\" must name generated_at " + snapshot.source().generatedAt() + ", found " + spans);
    }

    @TestFactory
    Stream<DynamicTest> everyActorHasExamplesAtItsLimits() {
        assertTrue(!actors.isEmpty(), "the production snapshot has actors");
        return actors.stream().map(a -> DynamicTest.dynamicTest(a.id(), () -> {
            long max = (Long) a.get("max_ttl_hours");
            for (String subject : List.of(a.id(), "iam:" + a.id())) {
                assertTrue(hasExample(a.id(), subject, max, Effect.ALLOW, ALLOW), "the policy package's Examples lack "
                        + a.id() + " asked by " + subject + " at its max TTL " + max + ": allow " + ALLOW);
            }
            assertTrue(hasExample(a.id(), null, max + 1, Effect.DENY, OVER_TTL), "the policy package's Examples lack "
                    + a.id() + " at max TTL + 1 = " + (max + 1) + ": deny " + OVER_TTL);
        }));
    }

    @Test
    void everyActorInAnExampleIsInTheSnapshotOrDeniedAsUnknown() {
        Set<String> known = Set.copyOf(actors.stream().map(Entity::id).toList());
        for (Example e : policy.examples()) {
            Object actor = e.request().get("actor");
            if (!known.contains(actor)) {
                assertEquals("deny unknown_actor_resource", e.effect().label() + " " + e.reason(),
                        "example line " + e.pos().line() + " names " + actor + ", which is not in the snapshot");
            }
        }
    }

    private static boolean hasExample(String actor, String subject, long ttl, Effect effect, String reason) {
        for (Example e : policy.examples()) {
            Map<String, Object> r = e.request();
            if (actor.equals(r.get("actor")) && (subject == null || subject.equals(r.get("subject")))
                    && Objects.equals(ttl, r.get("ttl_hours")) && "ssh.sign".equals(r.get("action"))
                    && e.effect() == effect && reason.equals(e.reason())) {
                return true;
            }
        }
        return false;
    }

    private static String line(String actor, String type, String principal, String maxTtl, List<String> subjects) {
        return String.join(" | ", actor, type, principal, maxTtl, String.join(", ", subjects));
    }

    @SuppressWarnings("unchecked")
    private static List<String> listOf(Object value) {
        return (List<String>) value;
    }
}
