package dev.flexauth.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Help, version, completion, usage errors (exit 2) and what --verbose adds. */
class UsageIT {
    @ParameterizedTest(name = "flex-auth {0} --help")
    @ValueSource(strings = {"serve", "load-registry", "check", "explain", "test", "verify-log", "diff", "diff-registry", "search", "rollout-status", "version", "completion"})
    void everyCommandHasHelp(String command) {
        Cli.Result r = Cli.run(command, "--help");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().startsWith("Usage: flex-auth " + command.replace("diff-registry", "diff") + " "), r.out()),
                () -> assertTrue(r.out().contains("--verbose"), r.out()));
    }

    @Test
    void topLevelHelpListsTheCommandsAndExitCodes() {
        Cli.Result r = Cli.run("--help");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().contains("  diff, diff-registry  "), r.out()),
                () -> assertTrue(r.out().contains("  2  usage error"), r.out()),
                () -> assertFalse(r.out().contains("cds-training"), "the launcher's training command is hidden"));
    }

    @Test
    void helpBeforeACommandNameStillListsEveryCommand() {
        // A run adds only the command it names, unless an option other than --verbose comes first.
        Cli.Result r = Cli.run("-h", "serve");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().startsWith("Usage: flex-auth [-hV] [--verbose] [COMMAND]"), r.out()),
                () -> assertTrue(r.out().contains("  diff, diff-registry  "), r.out()),
                () -> assertTrue(r.out().contains("  load-registry  "), r.out()));
    }

    @Test
    void verboseBeforeTheCommandNameIsInheritedByIt() {
        Cli.Result r = Cli.run("--verbose", "diff-registry", "--help");
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().startsWith("Usage: flex-auth diff "), r.out()));
    }

    @Test
    void versionNamesTheBuildAndTheJava() {
        Cli.Result r = Cli.run("version");
        Cli.Result flag = Cli.run("--version");
        String expected = "flex-auth " + System.getProperty("flexauth.version") + " (Java ";
        assertAll(r.toString(),
                () -> assertEquals(0, r.exit()),
                () -> assertTrue(r.out().startsWith(expected), r.out()),
                () -> assertEquals(r.out(), flag.out()));
    }

    @Test
    void noCommandIsAUsageError() {
        Cli.Result r = Cli.run();
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth: missing command; one of: serve, load-registry, check, explain, test, verify-log, diff, search, rollout-status, version, completion",
                        r.errLines().get(0)),
                () -> assertEquals("", r.out()));
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        Cli.Result r = Cli.run("chek");
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth: Unmatched argument at index 0: 'chek'", r.errLines().get(0)),
                () -> assertTrue(r.err().contains("check"), r.err()),
                () -> assertFalse(r.err().contains("\tat "), r.err()));
    }

    @Test
    void aMissingOptionShowsTheSynopsis() {
        Cli.Result r = Cli.run("test", "--policy", Cli.POLICY);
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertEquals("flex-auth test: Missing required option: '--registry=SNAPSHOT'", r.errLines().get(0)),
                () -> assertTrue(r.errLines().get(1).startsWith("Usage: flex-auth test "), r.err()),
                () -> assertEquals("Run 'flex-auth test --help' for the options.", r.errLines().get(r.errLines().size() - 1)));
    }

    @Test
    void aBadOptionValueIsAUsageError() {
        Cli.Result r = Cli.run("diff", "--policy", Cli.POLICY, "--max-combinations", "many", Cli.REGISTRY, Cli.REGISTRY);
        assertAll(r.toString(),
                () -> assertEquals(2, r.exit()),
                () -> assertTrue(r.errLines().get(0).startsWith("flex-auth diff: Invalid value for option '--max-combinations'"), r.err()));
    }

    @Test
    void verboseAddsTheStackTraceOfAnError() {
        String[] args = {"check", "--registry", Cli.REGISTRY, "--policy", Cli.POLICY, "--request", "[]"};
        Cli.Result quiet = Cli.run(args);
        String[] verboseArgs = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--verbose"))
                .toArray(String[]::new);
        Cli.Result verbose = Cli.run(verboseArgs);
        assertAll(quiet + "\n" + verbose,
                () -> assertEquals(1, quiet.exit()),
                () -> assertEquals(List.of("error: invalid request: expected a JSON object, got a list"), quiet.errLines()),
                () -> assertEquals(1, verbose.exit()),
                () -> assertEquals(quiet.errLines().get(0), verbose.errLines().get(0)),
                () -> assertTrue(verbose.err().contains("\tat dev.flexauth."), verbose.err()));
    }

    @Test
    void theCompletionScriptIsValidBashThatCompletesTheCommands(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run("completion");
        assertEquals(0, r.exit(), r.toString());
        Path script = Files.writeString(dir.resolve("flex-auth-completion.bash"), r.out());
        Process p = new ProcessBuilder("bash", "-c", "source " + script + " && COMP_WORDS=(flex-auth ch) COMP_CWORD=1 "
                + "&& COMP_LINE='flex-auth ch' && COMP_POINT=12 && _complete_flex-auth && printf '%s\\n' \"${COMPREPLY[@]}\"")
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertAll(out,
                () -> assertEquals(0, p.exitValue()),
                () -> assertEquals(List.of("check"), List.of(out.strip().split("\n"))));
    }
}
