package dev.flexauth.server.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.EngineLoader;
import dev.flexauth.server.Fixtures;
import dev.flexauth.server.TestServer;
import dev.flexauth.server.observability.Metrics;
import dev.flexauth.server.observability.ServerLog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-change reloads compare the files' bytes: events that change nothing do not reload. */
class ReloaderTest {
    @TempDir
    Path dir;
    Path registry;
    Path policy;
    Metrics metrics;
    Reloader reloader;

    @BeforeEach
    void load() throws Exception {
        TestServer.copyExamples(dir);
        registry = dir.resolve("registry.json");
        policy = dir.resolve("policy.md");
        metrics = new Metrics();
        FileFingerprint.Started files = FileFingerprint.start(EngineLoader.defaults(), registry, policy);
        reloader = new Reloader(EngineLoader.defaults(), registry, policy,
                EngineLoader.defaults().load(registry, policy, files.registryBytes()), files, null,
                metrics, new ServerLog(new PrintStream(new ByteArrayOutputStream(), true), Clock.systemUTC()), Clock.systemUTC());
    }

    /** Runs everything queued before it on the single reload thread, then returns. */
    private void drain() throws Exception {
        reloader.request(ReloadOutcome.Trigger.ADMIN).get();
    }

    private String reloads() {
        StringBuilder sb = new StringBuilder();
        metrics.appendReloads(sb);
        return sb.toString().lines()
                .filter(l -> l.startsWith("flexauth_reloads_total{")).toList().toString();
    }

    @Test
    void rewriting_the_same_bytes_does_not_reload() throws Exception {
        Fixtures.writeInPlace(registry, Fixtures.registry());
        Fixtures.replaceAtomically(policy, Fixtures.policy());

        reloader.requestIfChanged();
        drain();

        assertFalse(reloads().contains("trigger=\"file\""), reloads());
    }

    @Test
    void changed_bytes_reload_once() throws Exception {
        Fixtures.writeInPlace(registry, Fixtures.registryWithout("adm-example"));

        reloader.requestIfChanged();
        drain();
        reloader.requestIfChanged();
        drain();

        assertTrue(reloads().contains("flexauth_reloads_total{result=\"accepted\",trigger=\"file\"} 1"), reloads());
        assertEquals(3, reloader.current().registry().counts().get("actor"));
    }

    @Test
    void a_rejected_change_is_not_retried_until_the_files_change_again() throws Exception {
        Fixtures.writeInPlace(registry, Fixtures.registryWithStringTtl());

        reloader.requestIfChanged();
        reloader.request(ReloadOutcome.Trigger.ADMIN).get();
        reloader.requestIfChanged();
        drain();

        assertTrue(reloads().contains("flexauth_reloads_total{result=\"rejected\",trigger=\"file\"} 1"), reloads());
        assertEquals(4, reloader.current().registry().counts().get("actor"));
    }
}
