package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.json.DecisionJson;
import dev.flexauth.log.DecisionLog;
import dev.flexauth.log.LogKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
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

    private Engine engine;
    private Path log;
    private List<String> lines;

    @BeforeEach
    void writeFiveDecisions() throws Exception {
        engine = EngineLoader.defaults().load(Cli.ROOT.resolve(Cli.REGISTRY), Cli.ROOT.resolve(Cli.POLICY));
        log = dir.resolve("decisions.jsonl");
        try (DecisionLog writer = DecisionLog.builder(log).fsync(false).open()) {
            appendFive(writer);
        }
        lines = new ArrayList<>(List.of(Files.readString(log).split("(?<=\n)")));
        assertEquals(5, lines.size());
    }

    private void appendFive(DecisionLog writer) throws Exception {
        for (long ttl = 22; ttl <= 26; ttl++) {
            var request = engine.request().put("actor", "agt-state-hub-bridge").put("subject", "agt-state-hub-bridge")
                    .put("action", "ssh.sign").put("ttl_hours", ttl).build();
            writer.append(DecisionJson.logBody(engine.check(request), Instant.parse("2026-11-29T12:00:00Z"), 42));
        }
    }

    /** A key file as an operator makes one ({@code head -c 32 /dev/urandom > log.key; chmod 600 log.key}). */
    private Path keyFile(String name) throws Exception {
        Path key = Files.write(dir.resolve(name), MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        return key;
    }

    /** Five decisions with a checkpoint after every two, then the close checkpoint: 8 lines. */
    private List<String> writeKeyed(Path key) throws Exception {
        Path keyed = dir.resolve("keyed.jsonl");
        try (DecisionLog writer = DecisionLog.builder(keyed).key(LogKey.read(key)).checkpointEvery(2, Duration.ofHours(1)).open()) {
            appendFive(writer);
        }
        List<String> keyedLines = List.of(Files.readString(keyed).split("(?<=\n)"));
        assertEquals(8, keyedLines.size());
        return keyedLines;
    }

    /** What a forger does after a change: renumber and recompute every prev and chain with plain SHA-256. */
    private static List<String> rechain(List<String> content) throws Exception {
        List<String> out = new ArrayList<>();
        String prev = "0".repeat(64);
        long seq = 1;
        for (String line : content) {
            String body = line.substring(line.indexOf(',') + 1, line.length() - 1 - 76 - 74);
            String prefix = "{\"seq\":" + seq++ + "," + body + ",\"prev\":\"" + prev + "\"";
            prev = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(prefix.getBytes(StandardCharsets.UTF_8)));
            out.add(prefix + ",\"chain\":\"" + prev + "\"}\n");
        }
        return out;
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

    @Test
    void aDeletedFirstLinePassesAsAContinuedChainButFailsFromStart() throws Exception {
        write("headless.jsonl", lines.subList(1, 5));
        Cli.Result lenient = Cli.run(dir, "", "verify-log", "headless.jsonl");
        Cli.Result strict = Cli.run(dir, "", "verify-log", "--from-start", "headless.jsonl");
        Cli.Result whole = Cli.run(dir, "", "verify-log", "--from-start", "decisions.jsonl");
        String summary = "ok: 4 lines verified (seq 2..5, continuing an earlier chain: its first lines were rotated away,"
                + " not given (pass older files first) or deleted)";
        assertAll(lenient + "\n" + strict + "\n" + whole,
                () -> assertEquals(0, lenient.exit()),
                () -> assertEquals(List.of(summary), lenient.outLines()),
                () -> assertEquals(1, strict.exit()),
                () -> assertEquals(List.of(summary, "FAILED (--from-start): the chain starts at seq 2, not at its genesis record"
                        + " (seq 1, prev all zeros): its first lines were deleted, or older files were not given (pass them first)"),
                        strict.outLines()),
                () -> assertEquals(0, whole.exit()));
    }

    @Test
    void theHelpSaysWhatEachExitCodeMeans() {
        Cli.Result r = Cli.run(dir, "", "verify-log", "--help");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().contains("Without\n--from-start, a chain whose first lines are missing passes"), r.out()),
                () -> assertTrue(r.out().contains("Exit 3 with --key"), r.out()));
    }

    @Test
    void aKeyedLogVerifiesWithItsKey() throws Exception {
        Path key = keyFile("log.key");
        writeKeyed(key);
        Cli.Result r = Cli.run(dir, "", "verify-log", "--key", "log.key", "keyed.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertEquals(List.of("ok: 8 lines verified (seq 1..8, starting at genesis)", "checkpoints: 3 verified"),
                        r.outLines()));
    }

    @Test
    void aReChainedEditFailsWithTheKeyAndPassesWithout() throws Exception {
        Path key = keyFile("log.key");
        List<String> keyed = new ArrayList<>(writeKeyed(key));
        keyed.set(0, keyed.get(0).replace("\"effect\":\"allow\"", "\"effect\":\"deny\""));
        assertTrue(keyed.get(0).contains("\"effect\":\"deny\""), keyed.get(0));
        write("edited.jsonl", rechain(keyed));
        Cli.Result without = Cli.run(dir, "", "verify-log", "edited.jsonl");
        Cli.Result with = Cli.run(dir, "", "verify-log", "--key", "log.key", "edited.jsonl");
        assertAll(without + "\n" + with,
                () -> assertEquals(0, without.exit(), "the unkeyed chain cannot see a re-chained edit"),
                () -> assertEquals(1, with.exit()),
                () -> assertEquals("FAILED: 2 lines verified (seq 1..2, starting at genesis)", with.outLines().get(0)),
                () -> assertTrue(with.outLines().get(2).startsWith("edited.jsonl:3: checkpoint_mismatch: the checkpoint signs"
                        + " chain head "), with.out()));
    }

    @Test
    void linesForgedAfterTheCloseCheckpointAreAnUnverifiedTailWithExit3() throws Exception {
        Path key = keyFile("log.key");
        List<String> keyed = new ArrayList<>(writeKeyed(key));
        keyed.add(keyed.get(0));
        keyed.add(keyed.get(1));
        write("appended.jsonl", rechain(keyed));
        Cli.Result r = Cli.run(dir, "", "verify-log", "--key", "log.key", "appended.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(3, r.exit()),
                () -> assertEquals(List.of("INCOMPLETE: 10 lines verified (seq 1..10, starting at genesis)", "checkpoints: 3 verified",
                        "appended.jsonl:9: unverified_tail: 2 lines after the last checkpoint (appended.jsonl:8) are not covered by"
                                + " one: lines a running server wrote since, the last lines before a crash, or forged lines;"
                                + " verify again after the next checkpoint"), r.outLines()));
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws Exception {
        Path key = keyFile("log.key");
        writeKeyed(key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result r = Cli.run(dir, "", "verify-log", "--key", "log.key", "keyed.jsonl");
        assertAll(r.toString(),
                () -> assertEquals(1, r.exit()),
                () -> assertEquals(List.of("error: log key log.key is readable or writable by group or others (rw-r--r--);"
                        + " whoever can read it can forge checkpoints: run chmod 600 log.key"), r.errLines()));
    }
}
