package dev.flexauth.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code flex-auth} command: parses the arguments with picocli, runs one subcommand and
 * exits with 0 (ok), 1 (invalid input or failed checks) or 2 (usage error). Every foreseeable
 * error is printed as a message, never as a stack trace; {@code --verbose} adds the trace.
 */
@Command(name = "flex-auth",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Authorization decisions from a registry snapshot and a Markdown policy package.",
        subcommands = {
            ServeCommand.class,
            LoadRegistryCommand.class,
            CheckCommand.class,
            TestCommand.class,
            VerifyLogCommand.class,
            DiffCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            CdsTrainingCommand.class,
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok (for check: an answer was given, allow or deny)",
            "  1  invalid input or failed checks",
            "  2  usage error",
        })
public final class Main implements Runnable {
    /** Shown and honoured by every subcommand; read through the parse result by {@link Failures}. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show more detail: passing examples, and the stack trace of an error.")
    boolean verbose;

    private static volatile boolean exiting;

    /** Starts the command and exits with its code. */
    public static void main(String[] args) {
        int code = run(args);
        exiting = true;
        System.exit(code);
    }

    /** Whether the process is exiting through {@link #main} (rather than on a signal). */
    static boolean exiting() {
        return exiting;
    }

    /** Runs the command with {@code args} on the process's standard streams and returns the exit code. */
    static int run(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.err), StandardCharsets.UTF_8));
        try {
            return commandLine(out, err).execute(args);
        } catch (OutOfMemoryError e) {
            // A snapshot larger than the heap is foreseeable; say how to run it rather than dump a trace.
            err.println("error: out of memory (" + e.getMessage() + "); give the JVM more heap, e.g. "
                    + "FLEX_AUTH_JAVA_OPTS=-Xmx4g bin/flex-auth ...");
            return Failures.FAILED;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command line writing to {@code out} and {@code err}. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        Failures failures = new Failures();
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(failures);
        cl.setParameterExceptionHandler(failures);
        return cl;
    }

    @Spec
    CommandSpec spec;

    /** Whether {@code --verbose} was given to the command {@code spec} describes. */
    static boolean verbose(CommandSpec spec) {
        return Failures.matched(spec.commandLine().getParseResult(), "--verbose");
    }

    @Override
    public void run() {
        Set<String> names = new LinkedHashSet<>();
        spec.subcommands().values().stream().filter(c -> !c.getCommandSpec().usageMessage().hidden())
                .forEach(c -> names.add(c.getCommandName()));
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; one of: " + String.join(", ", names));
    }
}
