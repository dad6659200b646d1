package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.server.Fixtures;
import dev.flexauth.server.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fingerprint a load finishes ({@link FileFingerprint#start}) is the one a later look at the
 * files computes for the same bytes, so an unchanged file never reloads; and a load that did not
 * read the registry to its end leaves a fingerprint that no file matches, so whatever is written
 * there next is loaded: a revocation written just after a failed reload must not pass for seen.
 */
class FileFingerprintTest {
    @TempDir
    Path dir;
    Path registry;
    Path policy;

    @BeforeEach
    void copyTheExamples() {
        TestServer.copyExamples(dir);
        registry = dir.resolve("registry.json");
        policy = dir.resolve("policy.md");
    }

    @Test
    void a_loads_fingerprint_is_the_files_fingerprint() throws Exception {
        FileFingerprint.Started files = FileFingerprint.start(EngineLoader.defaults(), registry, policy);
        EngineLoader.defaults().load(registry, policy, files.registryBytes());

        assertEquals(FileFingerprint.fingerprint(EngineLoader.defaults(), registry, policy), files.finish());
        assertEquals(FileFingerprint.identity(EngineLoader.defaults(), registry, policy), files.identity());
    }

    @Test
    void a_registry_the_load_never_read_matches_no_file_written_after() throws Exception {
        Files.delete(registry);
        FileFingerprint.Started files = FileFingerprint.start(EngineLoader.defaults(), registry, policy);
        assertThrows(LoadException.class, () -> EngineLoader.defaults().load(registry, policy, files.registryBytes()));

        Fixtures.writeInPlace(registry, Fixtures.registryWithout("agt-state-hub-bridge"));

        assertEquals(FileFingerprint.NOT_READ, files.finish());
        assertNotEquals(FileFingerprint.fingerprint(EngineLoader.defaults(), registry, policy), files.finish());
    }
}
