package dev.flexauth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.analysis.RequestDomain;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.RegistryLoader;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the kit generates: well-typed requests of the whole domain, including values only the package names. */
class PolicyArbitrariesTest {
    @Test
    void theGroupsAreEveryActorAndOneUnknownKey() {
        RequestDomain d = RequestDomain.of(TestFiles.opsWarden());
        assertEquals(List.of("adm-example", "agt-codex-interhub-bootstrap", "agt-state-hub-bridge", "atm-backup-daily", "<unknown>"),
                d.groups());
        assertEquals(List.of(), d.notExact());
    }

    @Test
    void aSubjectOnlyTheRulesNameIsGeneratedOften() throws Exception {
        String text = TestFiles.opsWardenPolicyText().replace(
                "deny subject_not_bound when subject not in actor.allowed_subjects",
                "deny subject_not_bound when subject not in actor.allowed_subjects and subject != \"breakglass-7f3a\"");
        var pkg = PolicyReader.read(text, "mutant.md");
        Engine engine = Engine.of(pkg, RegistryLoader.builder().schema(pkg.registry()).build().load(TestFiles.opsWardenRegistry()));
        // Outside a property, sampling is fine: it measures what the arbitrary reaches.
        long hits = PolicyArbitraries.requests(engine).sampleStream().limit(2000)
                .filter(r -> "breakglass-7f3a".equals(r.get("subject"))).count();
        assertTrue(hits > 100, "the break-glass subject came up " + hits + " times in 2000 requests");
    }

    @Test
    void everyFieldOfEveryGeneratedRequestIsOneTheDomainOffers() {
        Engine engine = TestFiles.opsWarden();
        RequestDomain d = RequestDomain.of(engine);
        Set<Object> actions = PolicyArbitraries.requests(d).sampleStream().limit(500).map(r -> r.get("action"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("ssh.sign", "<other>"), actions);
        Request first = PolicyArbitraries.requests(d).sampleStream().findFirst().orElseThrow();
        assertTrue(d.groups().contains((String) first.get("actor")));
    }

    @Test
    void theDocsShowTheExampleAsCompiled() throws Exception {
        String src = java.nio.file.Files.readString(TestFiles.root().resolve(
                "flex-auth-testkit/src/test/java/dev/flexauth/testkit/OpsWardenPolicyProperties.java"));
        String doc = java.nio.file.Files.readString(TestFiles.root().resolve("docs/testing-policies.md"));
        String marker = "// --- as in docs/testing-policies.md\n";
        String example = src.substring(src.indexOf(marker) + marker.length(), src.indexOf("    // --- end of the example"));
        String unindented = example.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l).collect(Collectors.joining("\n"));
        assertTrue(doc.contains("```java\n" + unindented.strip() + "\n```"), "docs/testing-policies.md no longer shows:\n" + unindented);
    }
}
