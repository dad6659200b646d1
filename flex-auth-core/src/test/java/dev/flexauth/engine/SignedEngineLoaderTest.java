package dev.flexauth.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.TestFiles;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.SnapshotSigners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding API: {@link EngineLoader#withSigners} loads a signed snapshot and refuses one that is not. */
class SignedEngineLoaderTest {
    static final Path DIR = TestFiles.root().resolve("flex-auth-core/src/test/resources/signing");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T04:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    private EngineLoader loader() throws Exception {
        return EngineLoader.defaults().withSigners(SnapshotSigners.read(DIR.resolve("allowed_signers")), CLOCK);
    }

    @Test
    void a_signed_snapshot_loads_into_the_same_engine_as_without_signers() throws Exception {
        Path registry = DIR.resolve("registry_production.json");
        Engine signed = loader().load(registry, TestFiles.opsWardenPolicy());
        assertEquals(EngineLoader.defaults().load(registry, TestFiles.opsWardenPolicy()).registry().digest(), signed.registry().digest());
    }

    /** What a URL source loads: bytes it verified itself, named by the URL in errors, within the loader's size limit. */
    @Test
    void a_snapshot_in_memory_loads_like_its_file_and_its_problems_carry_the_given_name() throws Exception {
        Path registry = DIR.resolve("registry_production.json");
        byte[] bytes = Files.readAllBytes(registry);
        assertEquals(EngineLoader.defaults().load(registry, TestFiles.opsWardenPolicy()).registry().digest(),
                loader().load(bytes, "https://snapshots.example/r.json?…", TestFiles.opsWardenPolicy()).registry().digest());
        LoadException tooLarge = assertThrows(LoadException.class, () -> EngineLoader.withMaxRegistryBytes(bytes.length - 1)
                .load(bytes, "https://snapshots.example/r.json?…", TestFiles.opsWardenPolicy()));
        assertEquals(List.of("https://snapshots.example/r.json?…: the snapshot is " + bytes.length + " bytes, more than the limit of "
                + (bytes.length - 1) + " bytes; raise the limit if this is intended"), tooLarge.lines());
    }

    @Test
    void a_snapshot_whose_signature_does_not_match_is_a_load_exception_naming_it() throws Exception {
        Path registry = Files.copy(DIR.resolve("registry_production.json"), tmp.resolve("registry.json"));
        Files.copy(DIR.resolve("registry_bridge_removed.json.sig"), tmp.resolve("registry.json.sig"));
        LoadException e = assertThrows(LoadException.class, () -> loader().load(registry, TestFiles.opsWardenPolicy()));
        assertEquals(RegistryCode.BAD_SIGNATURE, e.registryProblems().get(0).code());
        assertEquals(List.of(registry + ": signature " + registry + ".sig does not match the snapshot's bytes (ED25519 key"
                + " SHA256:ojNbkLcc2wRO+mhn+OZEUqejOThahyxHRGwy16TaMow of " + DIR.resolve("allowed_signers") + ":1): the snapshot"
                + " changed after it was signed, or the signature belongs to another snapshot; sign this snapshot again"), e.lines());
    }

    @Test
    void signers_are_checked_against_the_loaders_clock() throws Exception {
        String key = Files.readString(DIR.resolve("test_only_ed25519.pub"));
        SnapshotSigners expiring = SnapshotSigners.parse("ops-warden-registry valid-before=\"20261207035959Z\" " + key, "signers");
        Path registry = DIR.resolve("registry_production.json");
        LoadException e = assertThrows(LoadException.class,
                () -> EngineLoader.defaults().withSigners(expiring, CLOCK).load(registry, TestFiles.opsWardenPolicy()));
        assertEquals(registry + ": signature " + registry + ".sig was made by a key that may not sign now: signers:1 lists ED25519 key"
                + " SHA256:ojNbkLcc2wRO+mhn+OZEUqejOThahyxHRGwy16TaMow but it expired: valid before 2026-12-07T03:59:59Z, and it is"
                + " 2026-12-07T04:00:00Z", e.lines().get(0));
        Clock earlier = Clock.fixed(Instant.parse("2026-12-07T03:59:00Z"), ZoneOffset.UTC);
        EngineLoader.defaults().withSigners(expiring, earlier).load(registry, TestFiles.opsWardenPolicy());
    }
}
