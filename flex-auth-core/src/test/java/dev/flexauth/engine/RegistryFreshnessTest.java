package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.TestFiles;
import dev.flexauth.policy.Effect;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.reason.EngineReason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A maximum registry age for embedders: past it, every check denies with {@code registry_stale},
 * whatever the rules say; within it, the engine decides as without the option.
 */
class RegistryFreshnessTest {
    /** The example snapshot's source.generated_at. */
    private static final Instant GENERATED = Instant.parse("2026-06-23T00:00:00Z");
    private static final Engine ENGINE = TestFiles.opsWarden();

    private static Decision bridge(Engine engine) throws RequestException {
        return engine.check(engine.request().put("actor", "agt-state-hub-bridge").put("subject", "iam:agt-state-hub-bridge")
                .put("action", "ssh.sign").build());
    }

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    @Test
    void within_the_age_the_engine_decides_as_without_it() throws Exception {
        Engine fresh = ENGINE.withMaxRegistryAge(Duration.ofHours(36), at(GENERATED.plus(Duration.ofHours(36))));

        assertFalse(fresh.registryStale());
        assertEquals(Optional.of(Duration.ofHours(36)), fresh.maxRegistryAge());
        Decision d = bridge(fresh);
        assertEquals(Effect.ALLOW, d.effect());
        assertEquals(bridge(ENGINE).reason(), d.reason());
    }

    @Test
    void past_the_age_every_check_denies_registry_stale_and_explains_so() throws Exception {
        Engine stale = ENGINE.withMaxRegistryAge(Duration.ofHours(36),
                at(GENERATED.plus(Duration.ofHours(36)).plusMillis(1)));

        assertTrue(stale.registryStale());
        Decision d = bridge(stale);
        assertEquals(Effect.DENY, d.effect());
        assertEquals(EngineReason.REGISTRY_STALE, d.reason());
        assertEquals("registry_stale", d.reason());
        assertTrue(d.rule().isEmpty());
        assertEquals(0, stale.explain(stale.request().put("actor", "adm-example").put("subject", "adm-example")
                .put("action", "ssh.sign").build()).trace().orElseThrow().rules().size());
        // The Examples test the policy and inventory: they run whatever the snapshot's age.
        assertEquals(ENGINE.runExamples().stream().filter(ExampleResult::passed).count(),
                stale.runExamples().stream().filter(ExampleResult::passed).count());
        assertFalse(stale.withoutMaxRegistryAge().registryStale());
    }

    @Test
    void a_cut_off_denies_registry_stale_while_it_holds_and_keeps_the_maximum_age() throws Exception {
        boolean[] cutOff = {false};
        Engine engine = ENGINE.withMaxRegistryAge(Duration.ofHours(36), at(GENERATED)).withStaleWhen(() -> cutOff[0]);

        assertFalse(engine.registryStale());
        assertEquals(Effect.ALLOW, bridge(engine).effect());
        assertEquals(Optional.of(Duration.ofHours(36)), engine.maxRegistryAge());
        cutOff[0] = true;
        assertTrue(engine.registryStale());
        assertEquals(EngineReason.REGISTRY_STALE, bridge(engine).reason());
        assertFalse(engine.withoutMaxRegistryAge().registryStale(), "the Examples run without the cut-off");
        cutOff[0] = false;
        assertEquals(Effect.ALLOW, bridge(engine).effect());
        // A later maximum age keeps the cut-off.
        cutOff[0] = true;
        assertTrue(engine.withMaxRegistryAge(Duration.ofHours(36), at(GENERATED)).registryStale());
    }

    @Test
    void an_engine_turns_stale_as_its_clock_moves_on() throws Exception {
        Instant[] now = {GENERATED};
        Clock moving = new Clock() {
            @Override
            public Instant instant() {
                return now[0];
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        Engine engine = ENGINE.withMaxRegistryAge(Duration.ofMinutes(10), moving);
        assertEquals(Effect.ALLOW, bridge(engine).effect());

        now[0] = GENERATED.plus(Duration.ofMinutes(11));
        assertEquals("registry_stale", bridge(engine).reason());
    }

    @Test
    void a_package_may_not_declare_registry_stale() {
        String text = TestFiles.opsWardenPolicyText().replace("| `unknown_actor_resource` | deny |",
                "| `registry_stale` | deny | The inventory is old. |\n| `unknown_actor_resource` | deny |");
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyReader.read(text, "p.md"));
        assertTrue(e.diagnostics().stream().anyMatch(d -> d.message().equals(
                "\"registry_stale\" is reserved for the engine's own denies; choose another code")), e::getMessage);
    }

    @Test
    void the_age_must_be_positive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ENGINE.withMaxRegistryAge(Duration.ZERO, Clock.systemUTC()));
        assertEquals("expected a maximum registry age above zero but found PT0S", e.getMessage());
    }
}
