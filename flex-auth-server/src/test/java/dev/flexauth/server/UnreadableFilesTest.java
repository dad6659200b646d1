package dev.flexauth.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: only regular files are read. A FIFO, a device, a directory or an oversize file at the
 * registry or policy path stops the start with a clear problem (the CLI exits 1), and at reload is
 * a rejected reload: the last good pair keeps serving, /healthz, the metrics and the server log say
 * why, and a later valid file is picked up (the reloader never wedges). The reload cases run with
 * the decision log beside the registry and steady traffic, as deployed.
 */
class UnreadableFilesTest {
    private static final String SUFFIX = ", not a regular file; flex-auth reads only regular files (or symlinks to them),"
            + " so that no read can block or run without end";

    @TempDir
    Path dir;

    private Path registry() {
        return dir.resolve("registry.json");
    }

    private Path policy() {
        return dir.resolve("policy.md");
    }

    private static void mkfifo(Path path) throws Exception {
        boolean made;
        try {
            made = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() == 0;
        } catch (IOException e) {
            made = false;
        }
        assumeTrue(made, "mkfifo(1) is not available here, and Java cannot make a FIFO");
    }

    private static void sparse(Path file, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
    }

    /** Starting on these files fails at once (not after a hang) with exactly {@code problem}. */
    private void assertStartRefused(String problem) {
        ServerStartException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(ServerStartException.class, () -> TestServer.start(TestServer.config(registry(), policy()))));
        assertEquals(List.of(problem), e.problems());
    }

    @Test
    void a_fifo_as_the_registry_stops_the_start() throws Exception {
        Files.writeString(policy(), Fixtures.policy());
        mkfifo(registry());
        assertStartRefused(registry() + ": " + registry() + " is a FIFO (named pipe)" + SUFFIX);
    }

    @Test
    void dev_zero_as_the_registry_stops_the_start() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here");
        Files.writeString(policy(), Fixtures.policy());
        Files.createSymbolicLink(registry(), Path.of("/dev/zero"));
        assertStartRefused(registry() + ": " + registry() + " is a character device" + SUFFIX);
    }

    @Test
    void a_directory_as_the_policy_stops_the_start() throws Exception {
        Files.writeString(registry(), Fixtures.registry());
        Files.createDirectory(policy());
        assertStartRefused(policy() + ":1:1: unreadable: " + policy()
                + " is a directory, not a regular file; give the path of the file itself");
    }

    @Test
    void an_oversize_registry_stops_the_start_unread() throws Exception {
        Files.writeString(policy(), Fixtures.policy());
        sparse(registry(), 600L << 20);
        assertStartRefused(registry() + ": the snapshot is 629145600 bytes, more than the limit of 536870912 bytes;"
                + " raise the limit if this is intended");
    }

    /** Serves the example pair with the log beside it, puts {@code bad} in place, then a valid revocation. */
    private void assertRejectedThenRecovers(Runnable bad, Path replaced, String error) throws Exception {
        TestServer.copyExamples(dir);
        ServerConfig config = TestServer.config(registry(), policy()).withLog(dir.resolve("decisions.jsonl")).withWatchFiles(true)
                .withReloadDebounce(ServerConfig.DEFAULT_RELOAD_DEBOUNCE).withReloadMaxDelay(ServerConfig.DEFAULT_RELOAD_MAX_DELAY);
        try (TestServer server = TestServer.start(config); SteadyTraffic traffic = SteadyTraffic.start(server)) {
            String serving = server.get("/healthz").json().path("registry").path("digest").asText();

            bad.run();
            JsonNode h = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("rejected"));

            assertEquals("degraded", h.path("status").asText());
            assertEquals(List.of(error), List.of(h.path("last_reload").path("errors").get(0).asText()), h::toString);
            assertEquals(1, h.path("last_reload").path("errors").size());
            assertEquals(serving, h.path("registry").path("digest").asText());
            assertEquals("allow", server.check(ReloadTest.BRIDGE).json().path("effect").asText());
            String metrics = server.get("/metrics").body();
            assertTrue(metrics.contains("flexauth_last_reload_rejected 1\n"), metrics);
            assertTrue(metrics.contains("flexauth_last_reload_errors 1\n"), metrics);
            assertTrue(metrics.matches("(?s).*flexauth_last_reload_info\\{result=\"rejected\",trigger=\"(file|poll)\"} 1\n.*"), metrics);
            server.awaitServerLog("reload rejected (trigger ");
            assertTrue(server.serverLog().contains(error), server.serverLog());

            // Not wedged: a valid file put in place afterwards is loaded, and revokes.
            if (Files.isDirectory(replaced, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(replaced);
            }
            Fixtures.replaceAtomically(policy(), Fixtures.policy());
            Fixtures.replaceAtomically(registry(), Fixtures.registryWithout("agt-state-hub-bridge"));
            JsonNode fixed = server.awaitHealth(j -> j.path("last_reload").path("result").asText().equals("accepted")
                    && j.path("registry").path("entities").path("actor").asInt() == 3);
            assertEquals(0, fixed.path("last_reload").path("errors").size());
            assertEquals("deny", server.check(ReloadTest.BRIDGE).json().path("effect").asText());
            assertEquals(0, traffic.failed());
        }
    }

    private void moveOver(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void a_fifo_renamed_over_the_registry_is_a_rejected_reload() throws Exception {
        Path fifo = dir.resolve(".registry.fifo");
        mkfifo(fifo);
        assertRejectedThenRecovers(() -> moveOver(fifo, registry()), registry(),
                registry() + ": " + registry() + " is a FIFO (named pipe)" + SUFFIX);
    }

    @Test
    void a_fifo_renamed_over_the_policy_is_a_rejected_reload() throws Exception {
        Path fifo = dir.resolve(".policy.fifo");
        mkfifo(fifo);
        assertRejectedThenRecovers(() -> moveOver(fifo, policy()), policy(),
                policy() + ":1:1: unreadable: " + policy() + " is a FIFO (named pipe)" + SUFFIX);
    }

    @Test
    void dev_zero_linked_as_the_registry_is_a_rejected_reload() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero here");
        Path link = dir.resolve(".registry.link");
        assertRejectedThenRecovers(() -> {
            try {
                Files.createSymbolicLink(link, Path.of("/dev/zero"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            moveOver(link, registry());
        }, registry(), registry() + ": " + registry() + " is a character device" + SUFFIX);
    }

    @Test
    void a_directory_at_the_registry_path_is_a_rejected_reload() throws Exception {
        assertRejectedThenRecovers(() -> {
            try {
                Files.delete(registry());
                Files.createDirectory(registry());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, registry(), registry() + ": " + registry() + " is a directory, not a regular file; give the path of the file itself");
    }

    @Test
    void an_oversize_registry_is_a_rejected_reload() throws Exception {
        Path big = dir.resolve(".registry.big");
        assertRejectedThenRecovers(() -> {
            try {
                sparse(big, 600L << 20);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            moveOver(big, registry());
        }, registry(), registry() + ": the snapshot is 629145600 bytes, more than the limit of 536870912 bytes;"
                + " raise the limit if this is intended");
    }
}
