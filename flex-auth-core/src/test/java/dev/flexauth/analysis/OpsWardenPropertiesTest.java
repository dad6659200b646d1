package dev.flexauth.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.TestJson;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.ExampleResult;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ops-warden package's properties hold, exactly, over the production fixture; and each of a
 * set of plausible bugs planted in a copy of the package is caught by one of them with the
 * smallest counterexample, even where the Examples were edited so that they no longer object.
 */
class OpsWardenPropertiesTest {
    private static final String TTL_DENY = "(ttl_hours < 1 or ttl_hours > actor.max_ttl_hours)";
    private static final String TTL_ALLOW = "(ttl_hours >= 1 and ttl_hours <= actor.max_ttl_hours)";

    /**
     * 430 = per actor 3 subjects (its two, one other) x 2 actions x 3 principals (absent, its own,
     * another) x 6 TTL classes (absent, ..0, 1, 2..max-1, max, max+1..), 5 for the bootstrap agent
     * whose maximum is 2; 3 x 108 + 90, and 16 for the unknown actor.
     */
    @Test
    void everyPropertyHoldsAndIsProvenOverTheProductionFixture() throws Exception {
        List<PropertyResult> results = PropertyChecker.check(TestFiles.opsWarden());
        assertEquals(List.of(
                "No certificate outlives the actor's maximum: holds, proven over 430 cases",
                "No certificate of less than an hour: holds, proven over 430 cases",
                "Unknown actors are refused as unknown: holds, proven over 430 cases",
                "Only a subject bound to the actor gets its certificate: holds, proven over 430 cases",
                "Only the actor's own principal: holds, proven over 430 cases",
                "Nothing but SSH signing is allowed: holds, proven over 430 cases"), lines(results));
    }

    @Test
    void aHardCodedTtlWithTheExamplesThatObjectRemovedIsCaught() throws Exception {
        String mutant = replace(replace(policy(), TTL_DENY, "(ttl_hours < 1 or ttl_hours > 48)"),
                TTL_ALLOW, "(ttl_hours >= 1 and ttl_hours <= 48)");
        mutant = withoutExampleRows(mutant, "over max TTL");
        Engine engine = engine(mutant);
        assertExamplesPass(engine);
        assertEquals("No certificate outlives the actor's maximum: fails on {\"actor\":\"atm-backup-daily\","
                + "\"subject\":\"atm-backup-daily\",\"action\":\"ssh.sign\",\"ttl_hours\":9}: allow signing_policy_matched",
                lines(PropertyChecker.check(engine)).get(0));
    }

    @Test
    void aBreakGlassSubjectInTheDenyAndTheAllowRuleIsCaught() throws Exception {
        String mutant = replace(policy(), "deny subject_not_bound when subject not in actor.allowed_subjects",
                "deny subject_not_bound when subject not in actor.allowed_subjects and subject != \"breakglass-7f3a\"");
        mutant = replace(mutant, "   and subject in actor.allowed_subjects\n",
                "   and (subject in actor.allowed_subjects or subject == \"breakglass-7f3a\")\n");
        Engine engine = engine(mutant);
        assertExamplesPass(engine);
        assertEquals("Only a subject bound to the actor gets its certificate: fails on {\"actor\":\"adm-example\","
                + "\"subject\":\"breakglass-7f3a\",\"action\":\"ssh.sign\"}: allow signing_policy_matched",
                lines(PropertyChecker.check(engine)).get(3));
    }

    @Test
    void aDroppedLowerBoundIsCaught() throws Exception {
        String mutant = replace(replace(policy(), TTL_DENY, "ttl_hours > actor.max_ttl_hours"),
                TTL_ALLOW, "ttl_hours <= actor.max_ttl_hours");
        mutant = withoutExampleRows(mutant, "TTL 0");
        Engine engine = engine(mutant);
        assertExamplesPass(engine);
        assertEquals("No certificate of less than an hour: fails on {\"actor\":\"adm-example\","
                + "\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":0}: allow signing_policy_matched",
                lines(PropertyChecker.check(engine)).get(1));
    }

    @Test
    void aSwappedComparisonIsCaught() throws Exception {
        String mutant = replace(replace(policy(), TTL_DENY, "(ttl_hours < 1 or actor.max_ttl_hours > ttl_hours)"),
                TTL_ALLOW, "(ttl_hours >= 1 and actor.max_ttl_hours <= ttl_hours)");
        Engine engine = engine(mutant);
        assertEquals("No certificate outlives the actor's maximum: fails on {\"actor\":\"adm-example\","
                + "\"subject\":\"adm-example\",\"action\":\"ssh.sign\",\"ttl_hours\":49}: allow signing_policy_matched",
                lines(PropertyChecker.check(engine)).get(0));
    }

    private static List<String> lines(List<PropertyResult> results) throws Exception {
        List<String> out = new ArrayList<>();
        for (PropertyResult r : results) {
            if (r.holds()) {
                out.add(r.property().name() + ": holds, " + (r.proven() ? "proven" : "not proven") + " over " + r.cases() + " cases");
            } else {
                out.add(r.property().name() + ": fails on " + TestJson.MAPPER.writeValueAsString(r.counterexample().toMap()) + ": "
                        + r.decision().effect() + " " + r.decision().reason());
            }
        }
        return out;
    }

    private static String policy() {
        return TestFiles.opsWardenPolicyText();
    }

    private static String replace(String text, String from, String to) {
        assertTrue(text.contains(from), "the package no longer contains " + from);
        return text.replace(from, to);
    }

    private static String withoutExampleRows(String text, String containing) {
        List<String> kept = new ArrayList<>();
        int removed = 0;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("|") && line.contains(containing)) {
                removed++;
            } else {
                kept.add(line);
            }
        }
        assertTrue(removed > 0, "no example row contains " + containing);
        return String.join("\n", kept);
    }

    private static Engine engine(String policyText) throws Exception {
        var pkg = PolicyReader.read(policyText, "mutant.md");
        Registry registry = RegistryLoader.builder().schema(pkg.registry()).build().load(TestFiles.opsWardenRegistry());
        return Engine.of(pkg, registry);
    }

    /** The planted bug is one the Examples (as edited along with it) no longer catch. */
    private static void assertExamplesPass(Engine engine) {
        List<ExampleResult> failed = engine.runExamples().stream().filter(r -> !r.passed()).toList();
        assertEquals(List.of(), failed, "examples");
    }
}
