package dev.flexauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Input;
import dev.flexauth.engine.LoadException;
import dev.flexauth.engine.ReloadingEngine;
import dev.flexauth.reason.DiagnosticCode;
import dev.flexauth.reason.RegistryCode;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedder's facade: one builder loads from files, bytes, streams and class-path resources alike. */
class FlexAuthBuilderTest {
    private static final Path SIGNING = TestFiles.root().resolve("flex-auth-core/src/test/resources/signing");
    private static final Clock SIGNING_CLOCK = Clock.fixed(Instant.parse("2026-12-07T04:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void files_bytes_streams_and_resources_load_the_same_engine() throws Exception {
        byte[] registry = Files.readAllBytes(TestFiles.opsWardenRegistry());
        byte[] policy = Files.readAllBytes(TestFiles.opsWardenPolicy());
        Engine fromFiles = FlexAuth.builder().registry(TestFiles.opsWardenRegistry()).policy(TestFiles.opsWardenPolicy()).build();
        Engine fromBytes = FlexAuth.builder().registry(Input.bytes(registry, "registry.json"))
                .policy(Input.bytes(policy, "policy.md")).build();
        Engine fromStreams = FlexAuth.builder().registry(Input.stream(new ByteArrayInputStream(registry), "registry.json", 1 << 20))
                .policy(Input.stream(new ByteArrayInputStream(policy), "policy.md", 1 << 20)).build();
        Engine fromResources;
        try (URLClassLoader jar = jarWith("policies/policy.md", policy, "policies/registry.json", registry)) {
            fromResources = FlexAuth.builder().registry(Input.resource(jar, "policies/registry.json"))
                    .policy(Input.resource(jar, "policies/policy.md")).build();
        }
        for (Engine e : List.of(fromBytes, fromStreams, fromResources)) {
            assertEquals(fromFiles.registry().digest(), e.registry().digest());
            assertEquals(fromFiles.policy().digest(), e.policy().digest());
            assertEquals("allow signing_policy_matched", decide(e, "agt-state-hub-bridge", 24));
            assertEquals("deny ttl_out_of_bounds", decide(e, "agt-state-hub-bridge", 999));
            assertEquals("deny unknown_actor_resource", decide(e, "agt-not-in-the-inventory", 24));
        }
    }

    @Test
    void the_context_class_loader_finds_a_resource_by_name() throws Exception {
        byte[] policy = Files.readAllBytes(TestFiles.opsWardenPolicy());
        Thread me = Thread.currentThread();
        ClassLoader before = me.getContextClassLoader();
        try (URLClassLoader jar = jarWith("policy_package.md", policy)) {
            me.setContextClassLoader(jar);
            Engine e = FlexAuth.builder().registry(TestFiles.opsWardenRegistry()).policyResource("policy_package.md").build();
            assertEquals("allow signing_policy_matched", decide(e, "agt-state-hub-bridge", 24));
        } finally {
            me.setContextClassLoader(before);
        }
    }

    @Test
    void a_missing_resource_is_an_unreadable_policy_that_says_where_it_was_looked_for() throws Exception {
        try (URLClassLoader empty = jarWith()) {
            LoadException e = assertThrows(LoadException.class, () -> FlexAuth.builder()
                    .registry(TestFiles.opsWardenRegistry()).policy(Input.resource(empty, "/policy.md")).build());
            assertEquals(DiagnosticCode.UNREADABLE, e.policyDiagnostics().get(0).code());
            assertEquals(List.of("classpath:/policy.md:1:1: unreadable: class-path resource /policy.md not found; is it in"
                    + " src/main/resources, and is the name relative to the class-path root, without a leading slash?"), e.lines());
        }
    }

    @Test
    void an_endless_stream_is_refused_at_its_limit_not_read_into_the_heap() {
        java.io.InputStream endless = new java.io.InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Input.stream(endless, "pipe", 4096));
        assertEquals("pipe is more than the limit of 4096 bytes", e.getCause().getMessage());
    }

    @Test
    void signed_snapshots_only_from_any_input_with_the_signature_beside_it() throws Exception {
        byte[] registry = Files.readAllBytes(SIGNING.resolve("registry_production.json"));
        byte[] sig = Files.readAllBytes(SIGNING.resolve("registry_production.json.sig"));
        FlexAuth.Builder signed = FlexAuth.builder().signers(SIGNING.resolve("allowed_signers")).clock(SIGNING_CLOCK)
                .policy(TestFiles.opsWardenPolicy());

        assertEquals(4, signed.registry(SIGNING.resolve("registry_production.json")).build().registry().entityCount());
        assertEquals(4, signed.registry(Input.bytes(registry, sig, "registry.json")).build().registry().entityCount());
        try (URLClassLoader jar = jarWith("r.json", registry, "r.json.sig", sig)) {
            assertEquals(4, signed.registry(Input.resource(jar, "r.json")).build().registry().entityCount());
        }

        LoadException unsigned = assertThrows(LoadException.class,
                () -> signed.registry(Input.bytes(registry, "registry.json")).build());
        assertEquals(RegistryCode.MISSING_SIGNATURE, unsigned.registryProblems().get(0).code());
        assertEquals(List.of("registry.json: no signature at registry.json (signature given with the bytes); registry signers"
                + " are configured, so every snapshot needs one: ssh-keygen -Y sign -n flex-auth-registry -f KEY FILE"),
                unsigned.lines());

        byte[] other = Files.readAllBytes(SIGNING.resolve("registry_bridge_removed.json.sig"));
        LoadException mismatched = assertThrows(LoadException.class,
                () -> signed.registry(Input.bytes(registry, other, "registry.json")).build());
        assertEquals(RegistryCode.BAD_SIGNATURE, mismatched.registryProblems().get(0).code());
    }

    @Test
    void a_maximum_age_makes_a_stale_snapshot_deny_every_check() {
        Clock later = Clock.fixed(Instant.parse("2026-06-25T00:00:01Z"), ZoneOffset.UTC); // generated_at 2026-06-23T00:00:00Z
        Engine fresh = FlexAuth.builder().registry(TestFiles.opsWardenRegistry()).policy(TestFiles.opsWardenPolicy())
                .maxRegistryAge(Duration.ofDays(3)).clock(later).build();
        Engine stale = FlexAuth.builder().registry(TestFiles.opsWardenRegistry()).policy(TestFiles.opsWardenPolicy())
                .maxRegistryAge(Duration.ofDays(2)).clock(later).build();
        assertEquals("allow signing_policy_matched", decide(fresh, "agt-state-hub-bridge", 24));
        assertEquals("deny registry_stale", decide(stale, "agt-state-hub-bridge", 24));
    }

    @Test
    void a_reloading_engine_takes_a_good_pair_and_keeps_serving_through_a_bad_one() throws Exception {
        Path registry = Files.copy(TestFiles.opsWardenRegistry(), tmp.resolve("registry.json"));
        Path policy = Files.copy(TestFiles.opsWardenPolicy(), tmp.resolve("policy.md"));
        ReloadingEngine live = FlexAuth.builder().registry(registry).policy(policy).buildReloading();
        assertEquals("allow signing_policy_matched", decide(live.current(), "agt-state-hub-bridge", 24));

        String revoked = Files.readString(registry).replace("\"id\": \"agt-state-hub-bridge\"", "\"id\": \"agt-state-hub-bridge-retired\"");
        Files.writeString(registry, revoked);
        Engine next = live.reload();
        assertSame(next, live.current());
        assertEquals("deny unknown_actor_resource", decide(live.current(), "agt-state-hub-bridge", 24));

        Files.writeString(registry, "{\"format\": ");
        LoadException refused = assertThrows(LoadException.class, live::reload);
        assertTrue(refused.lines().get(0).startsWith(registry.toString()), refused.lines().toString());
        assertSame(next, live.current(), "a pair that does not load is never put in service");
    }

    @Test
    void build_without_inputs_says_which_are_missing() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> FlexAuth.builder().registry(TestFiles.opsWardenRegistry()).build());
        assertEquals("FlexAuth.builder() needs policy(...) before build()", e.getMessage());
    }

    private static String decide(Engine engine, String actor, int ttl) {
        Decision d = engine.check(engine.request().put("actor", actor).put("subject", "iam:" + actor)
                .put("action", "ssh.sign").put("ttl_hours", ttl).build());
        return d.effect() + " " + d.reason();
    }

    /** A class loader over a directory holding {@code name, bytes, name, bytes, ...}: what a jar on the class path is to a resource lookup. */
    private URLClassLoader jarWith(Object... entries) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "jar");
        for (int i = 0; i < entries.length; i += 2) {
            Path file = dir.resolve((String) entries[i]);
            Files.createDirectories(file.getParent());
            Files.write(file, (byte[]) entries[i + 1]);
        }
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
    }
}
