package dev.flexauth.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.flexauth.TestJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flexauth.TestFiles;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * examples/ops-warden/smoke.sh is fail-closed: it exits 0 only when the pre-flight passes, the
 * default-TTL request is allowed and the TTL 999 request denied with the right reasons by backend
 * flex-auth; any other answer is 1, no answer is 2; it prints the evidence and never the token. Run
 * against {@link StubFlexAuth} (the real engine behind a loopback stub) with python3 and, for the
 * fallback parser, with a PATH that lacks it. {@code .ci/run} runs it against the real server.
 */
class SmokeScriptTest {
    private static final Path SCRIPT = TestFiles.root().resolve("examples/ops-warden/smoke.sh");
    private static Engine production;

    @TempDir
    static Path tmp;

    /** The script's exit code and output. */
    record Run(int code, String out, String err) {
    }

    @BeforeAll
    static void load() {
        production = TestFiles.opsWarden();
        if (which("curl") == null) {
            fail("the smoke script needs curl on the PATH (apt-get install curl)");
        }
    }

    @ParameterizedTest(name = "json parsed with {0}")
    @ValueSource(strings = {"python3", "grep"})
    void theProductionSnapshotPassesWithTheEvidencePrinted(String parser) throws Exception {
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            Run r = smoke(parser, stub.url());
            assertEquals(0, r.code(), r.toString());
            List<String> lines = r.out().lines().toList();
            assertEquals(4, lines.size(), r.out());
            assertTrue(lines.get(0).startsWith("preflight url=" + stub.url() + "/healthz status=ok policy=ops-warden.ssh-signing "
                    + production.policy().version() + " " + production.policy().digest() + " registry=" + production.registry().digest()
                    + " generated_at=2026-06-23T00:00:00Z"), lines.get(0));
            assertTrue(lines.get(1).matches("allow actor=agt-state-hub-bridge decision_id=decision:[0-9a-f]{16} effect=allow "
                    + "reason=signing_policy_matched backend=flex-auth principal=agt-task-bridge max_ttl_hours=24"), lines.get(1));
            assertTrue(lines.get(2).matches("deny actor=agt-state-hub-bridge decision_id=decision:[0-9a-f]{16} effect=deny "
                    + "reason=ttl_out_of_bounds backend=flex-auth"), lines.get(2));
            assertTrue(lines.get(3).startsWith("OK flex-auth at " + stub.url()), lines.get(3));
            assertEquals("", r.err());
        }
    }

    @ParameterizedTest(name = "json parsed with {0}")
    @ValueSource(strings = {"python3", "grep"})
    void aSnapshotThatAllowsTtl999Fails(String parser) throws Exception {
        Engine lax = engineWith(actors -> actor(actors, "agt-state-hub-bridge").put("max_ttl_hours", 1000));
        try (StubFlexAuth stub = new StubFlexAuth(lax)) {
            Run r = smoke(parser, stub.url());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("MISMATCH: deny smoke: expected deny ttl_out_of_bounds, got allow signing_policy_matched"), r.err());
            assertFalse(r.out().contains("OK"), r.out());
        }
    }

    @Test
    void aSnapshotWithoutTheBridgeAgentFails() throws Exception {
        Engine without = engineWith(actors -> actors.remove(index(actors, "agt-state-hub-bridge")));
        try (StubFlexAuth stub = new StubFlexAuth(without)) {
            Run r = smoke("python3", stub.url());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("MISMATCH: allow smoke: expected allow signing_policy_matched, got deny unknown_actor_resource"), r.err());
        }
    }

    @Test
    void anErrorAnswerFails() throws Exception {
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            stub.tamper(a -> new StubFlexAuth.Answer(503,
                    "{\"error\":\"decision_log_unavailable\",\"message\":\"the decision log cannot be written\"}"));
            Run r = smoke("python3", stub.url());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("MISMATCH: allow smoke: expected HTTP 200 with a decision, got HTTP 503 decision_log_unavailable: "
                    + "the decision log cannot be written"), r.err());
        }
    }

    @ParameterizedTest(name = "json parsed with {0}")
    @ValueSource(strings = {"python3", "grep"})
    void anUnparseableAnswerFails(String parser) throws Exception {
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            stub.tamper(a -> new StubFlexAuth.Answer(200, "effect=allow reason=signing_policy_matched"));
            Run r = smoke(parser, stub.url());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("MISMATCH: allow smoke: the answer is not a JSON object"), r.err());
        }
    }

    @Test
    void anAllowFromAnotherBackendFails() throws Exception {
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            stub.tamper(a -> new StubFlexAuth.Answer(a.status(), a.body().replace("\"backend\":\"flex-auth\"", "\"backend\":\"static\"")));
            Run r = smoke("python3", stub.url());
            assertEquals(1, r.code(), r.toString());
            assertTrue(r.err().contains("MISMATCH: allow smoke: expected backend flex-auth, got 'static'"), r.err());
        }
    }

    @Test
    void anUnhealthyServerIsUnreachable() throws Exception {
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            stub.healthStatus(503);
            Run r = smoke("python3", stub.url());
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().startsWith("UNREACHABLE: pre-flight GET " + stub.url() + "/healthz failed"), r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = smoke("python3", "http://127.0.0.1:" + port);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("so warden sign must not sign (fail closed)"), r.err());
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            List<Socket> held = new ArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            Run r = smoke("python3", "http://127.0.0.1:" + silent.getLocalPort(), "--timeout", "1");
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("timed out"), r.err());
        }
    }

    @Test
    void theTokenIsSentAndNeverPrinted() throws Exception {
        String token = "9f2c1e0b7a4d4c8e9a6b3f1d2e5c7a90";
        Path file = Files.writeString(tmp.resolve("check.token"), token + "\n");
        try (StubFlexAuth stub = new StubFlexAuth(production)) {
            stub.requireToken(token);
            Run without = smoke("python3", stub.url());
            assertEquals(1, without.code(), without.toString());
            assertTrue(without.err().contains("got HTTP 401 unauthorized"), without.err());

            Run with = smoke("python3", stub.url(), "--token-file", file.toString());
            assertEquals(0, with.code(), with.toString());
            assertEquals("Bearer " + token, stub.lastAuthorization());
            assertFalse((with.out() + with.err()).contains(token), "the token must never be printed");
        }
    }

    @Test
    void usageErrorsAreNotMistakenForAVerdict() throws Exception {
        assertEquals(64, smoke("python3", null).code());
        assertEquals(64, smoke("python3", "http://127.0.0.1:1", "--timeout", "soon").code());
        assertEquals(64, smoke("python3", "http://127.0.0.1:1", "--token-file", tmp.resolve("absent").toString()).code());
    }

    /** Runs the script with {@code url} and {@code options}; {@code parser} "grep" hides python3 from it. */
    private static Run smoke(String parser, String url, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(which("bash").toString(), SCRIPT.toString()));
        command.addAll(List.of(options));
        if (url != null) {
            command.add(url);
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        if (parser.equals("grep")) {
            pb.environment().put("PATH", pathWithout("python3").toString());
        }
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the smoke script did not finish within 60 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** A directory of wrappers for the tools the script uses, {@code excluded} left out. */
    private static Path pathWithout(String excluded) throws IOException {
        Path dir = tmp.resolve("path-without-" + excluded);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            for (String tool : List.of("curl", "mktemp", "rm", "sed", "grep", "head", "tr")) {
                Path target = which(tool);
                assertTrue(target != null && !tool.equals(excluded), tool);
                Path wrapper = Files.writeString(dir.resolve(tool), "#!/bin/sh\nexec '" + target + "' \"$@\"\n");
                assertTrue(wrapper.toFile().setExecutable(true), "chmod +x " + wrapper);
            }
        }
        return dir;
    }

    private static Path which(String tool) {
        for (String d : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The production example engine with the snapshot's actor list changed by {@code edit}. */
    private static Engine engineWith(Consumer<ArrayNode> edit) throws Exception {
        JsonNode doc = TestJson.MAPPER.readTree(Files.readAllBytes(TestFiles.opsWardenRegistry()));
        edit.accept((ArrayNode) doc.path("entities").path("actor"));
        Path file = Files.createTempFile(tmp, "registry", ".json");
        Files.write(file, TestJson.MAPPER.writeValueAsString(doc).getBytes(StandardCharsets.UTF_8));
        return EngineLoader.defaults().load(file, TestFiles.opsWardenPolicy());
    }

    private static int index(ArrayNode actors, String id) {
        for (int i = 0; i < actors.size(); i++) {
            if (actors.get(i).path("id").asText().equals(id)) {
                return i;
            }
        }
        throw new AssertionError("no actor " + id + " in the production snapshot");
    }

    private static ObjectNode actor(ArrayNode actors, String id) {
        return (ObjectNode) actors.get(index(actors, id));
    }
}
