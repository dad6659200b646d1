package dev.flexauth.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The example of docs/testing-policies.md ("From Java"), compiled and run by the build: an
 * embedder's own properties of the ops-warden package, in JUnit 5 with jqwik and the kit.
 */
class OpsWardenPolicyProperties {
    // --- as in docs/testing-policies.md
    static final Engine ENGINE = TestFiles.opsWarden(); // EngineLoader.defaults().load(registry, policy)

    @Provide
    Arbitrary<Request> requests() {
        return PolicyArbitraries.requests(ENGINE);
    }

    @Property(tries = 500)
    void noCertificateOutlivesTheActorsMaximum(@ForAll("requests") Request request) {
        Decision d = ENGINE.check(request);
        if (d.allowed() && request.get("ttl_hours") != null) {
            long max = (Long) ENGINE.registry().kind("actor").orElseThrow()
                    .find((String) request.get("actor")).get("max_ttl_hours");
            assertTrue((Long) request.get("ttl_hours") <= max, () -> request + " is allowed over the maximum " + max);
        }
    }

    @Property(tries = 500)
    void anAllowCarriesTheActorsPrincipal(@ForAll("requests") Request request) {
        Decision d = ENGINE.check(request);
        if (d.allowed()) {
            Object principal = ENGINE.registry().kind("actor").orElseThrow()
                    .find((String) request.get("actor")).get("principal");
            assertTrue(principal.equals(d.outputs().get("principal")), () -> request + " allowed with " + d.outputs());
        }
    }
    // --- end of the example

    @Property(tries = 300)
    void everyGeneratedRequestIsOneTheEngineDecidesWithoutError(@ForAll("requests") Request request) {
        assertFalse(List.of("evaluation_error").contains(ENGINE.check(request).reason()));
    }
}
