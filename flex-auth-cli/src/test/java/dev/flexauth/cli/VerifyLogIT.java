package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flex-auth verify-log} on logs written by the real decision log, then damaged. */
class VerifyLogIT {
    @TempDir
    Path dir;

    private Path log;
    private List<String> lines;

    @BeforeEach
    void writeFiveDecisions() throws Exception {
        Engine engine = EngineLoader.defaults().load(Cli.ROOT.resolve(Cli.REGISTRY), Cli.ROOT.resolve(Cli.POLICY));
        log = dir.resolve("decisions.jsonl");
        try (DecisionLog writer = DecisionLog.builder(log).fsync(false).open()) {
            for (long ttl = 22; ttl <= 26; ttl++) {
                var request = engine.request().put("actor", "agt-state-hub-bridge").put("subject", "agt-state-hub-bridge")
                        .put("action", "ssh.sign").put("ttl_hours", ttl).build();
                writer.append(DecisionJson.logBody(engine.check(request), Instant.parse("2026-11-29T12:00:00Z"), 42));
            }
        }
        lines = new ArrayList<>(List.of(Files.readString(log).split("(?<=\n)")));
        assertEquals(5, lines.size());
    }

    private Path write(String name, List<String> content) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("", content), StandardCharsets.UTF_8);
    }

    @Test
    void anIntactLogVerifies() {
        Cli.Result r = Cli.run(dir, "", "verify-log", "decisions.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(List.of("ok: 5 lines verified (seq 1..5, starting at genesis)"), r.outLines()));
    }

    @Test
    void anEditedLineIsReportedWhereItIs() throws Exception {
        lines.set(3, lines.get(3).replace("\"effect\":\"deny\"", "\"effect\":\"allow\""));
        write("edited.jsonl", lines);
        Cli.Result r = Cli.run(dir, "", "verify-log", "edited.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("FAILED: 3 lines verified (seq 1..3, starting at genesis)", r.outLines().get(0)),
                () -> assertTrue(r.outLines().get(1).startsWith("edited.jsonl:4: chain_mismatch: chain is "), r.out()),
                () -> assertTrue(r.outLines().get(1).endsWith(": the line was edited after it was written"), r.out()));
    }

    @Test
    void aDeletedLineBreaksTheChainAtTheNextLine() throws Exception {
        lines.remove(2);
        write("deleted.jsonl", lines);
        Cli.Result r = Cli.run(dir, "", "verify-log", "deleted.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("FAILED: 2 lines verified (seq 1..2, starting at genesis)", r.outLines().get(0)),
                () -> assertTrue(r.outLines().get(1).startsWith("deleted.jsonl:3: prev_mismatch: prev does not match the chain of line 2"), r.out()));
    }

    @Test
    void reorderedLinesAreReportedAtTheFirstOutOfPlace() throws Exception {
        lines.add(1, lines.remove(2));
        write("reordered.jsonl", lines);
        Cli.Result r = Cli.run(dir, "", "verify-log", "reordered.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals("FAILED: 1 lines verified (seq 1..1, starting at genesis)", r.outLines().get(0)),
                () -> assertTrue(r.outLines().get(1).startsWith("reordered.jsonl:2: prev_mismatch: "), r.out()),
                () -> assertTrue(r.outLines().get(1).endsWith("a line was deleted, inserted or reordered here"), r.out()));
    }

    @Test
    void aTornFinalLineIsAWarningNotAFailure() throws Exception {
        String last = lines.remove(4);
        lines.add(last.substring(0, last.length() / 2));
        write("torn.jsonl", lines);
        Cli.Result r = Cli.run(dir, "", "verify-log", "torn.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals("ok: 4 lines verified (seq 1..4, starting at genesis)", r.outLines().get(0)),
                () -> assertTrue(r.outLines().get(1).startsWith("torn.jsonl:5: torn_final_line: the last line ends after "), r.out()),
                () -> assertTrue(r.outLines().get(2).startsWith("warning: the log ends with a torn record"), r.out()));
    }

    @Test
    void rotatedFilesVerifyOldestFirst() throws Exception {
        write("decisions.jsonl.1", lines.subList(0, 2));
        write("decisions.jsonl.2", lines.subList(2, 5));
        Cli.Result inOrder = Cli.run(dir, "", "verify-log", "decisions.jsonl.1", "decisions.jsonl.2");
        Cli.Result swapped = Cli.run(dir, "", "verify-log", "decisions.jsonl.2", "decisions.jsonl.1");
        assertAll(inOrder + "\n" + swapped,
                () -> assertEquals(0, inOrder.exit()),
                () -> assertEquals("ok: 5 lines verified (seq 1..5, starting at genesis)", inOrder.outLines().get(0)),
                () -> assertEquals(1, swapped.exit()));
    }

    @Test
    void aMissingFileIsOneLineOnStderr() {
        Cli.Result r = Cli.run(dir, "", "verify-log", "nope.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: file not found: nope.jsonl"), r.errLines()));
    }

    @Test
    void aDirectoryIsNotALogFile() throws Exception {
        Files.createDirectory(dir.resolve("logs"));
        Cli.Result r = Cli.run(dir, "", "verify-log", "logs");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: logs is not a file; give the decision log files, oldest first"), r.errLines()));
    }
}
