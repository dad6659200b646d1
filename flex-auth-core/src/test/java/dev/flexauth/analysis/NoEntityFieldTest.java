package dev.flexauth.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.engine.Engine;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A package whose Request table has no entity field: one group, no classes of keys, and its failing property's counterexample. */
class NoEntityFieldTest {
    @Test
    void aFailingPropertyOfAPackageWithoutAnEntityFieldGetsTheSmallestCounterexample() throws Exception {
        PolicyPackage pkg = PolicyReader.read("""
                ---
                package: no-entity
                version: 1
                default_reason: no_match
                ---

                ## Request

                | field | type | required | authzen | meaning |
                |---|---|---|---|---|
                | n | integer | yes | | |

                ## Reasons

                | reason | effect | meaning |
                |---|---|---|
                | ok | allow | |
                | no_match | deny | |

                ## Rules

                ```rule
                allow ok when n > 2
                ```

                ## Properties

                ### Small numbers only

                ```property
                never allow when n > 1
                ```
                """, "no_entity.md");
        Registry registry = RegistryLoader.builder().schema(pkg.registry()).build().load(("{\"format\":\"flex-auth/registry\","
                + "\"format_version\":1,\"source\":{\"system\":\"test\",\"generated_at\":\"2026-12-01T00:00:00Z\"},\"entities\":{}}")
                .getBytes(StandardCharsets.UTF_8), "empty.json");
        List<PropertyResult> results = PropertyChecker.check(Engine.of(pkg, registry));
        assertEquals(Map.of("n", 3L), results.get(0).counterexample().toMap());
        assertEquals(results.get(0).cases(), results.get(0).decided());
    }
}
