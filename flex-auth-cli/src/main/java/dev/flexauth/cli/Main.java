package dev.flexauth.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code flex-auth} command: parses the arguments with picocli, runs one subcommand and
 * exits with 0 (ok), 1 (invalid input or failed checks), 2 (usage error) or, for {@code verify-log
 * --key}, 3 (lines no checkpoint covers). Every foreseeable
 * error is printed as a message, never as a stack trace; {@code --verbose} adds the trace.
 */
@Command(name = "flex-auth",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Authorization decisions from a registry snapshot and a Markdown policy package.",
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0  ok (for check: an answer was given, allow or deny)",
            "  1  invalid input or failed checks",
            "  2  usage error",
            "  3  verify-log --key: nothing failed, but lines no checkpoint covers",
        })
public final class Main implements Runnable {
    /**
     * The subcommands, in the order help lists them. Picocli reflects over a command class's
     * annotations and fields when the command is added, and on a cold JVM that costs tens of
     * milliseconds for all of them; so a run adds only the command it names (see
     * {@link #commandLine}), which brings {@code serve} to a healthy {@code /healthz} sooner.
     */
    static final List<Class<?>> COMMANDS = List.of(
            ServeCommand.class,
            LoadRegistryCommand.class,
            CheckCommand.class,
            ExplainCommand.class,
            TestCommand.class,
            VerifyLogCommand.class,
            DiffCommand.class,
            SearchCommand.class,
            RolloutStatusCommand.class,
            VersionCommand.class,
            CompletionCommand.class,
            CdsTrainingCommand.class);

    /** Commands that read the whole command tree, so they are never added alone. */
    private static final Set<Class<?>> NEED_ALL = Set.of(CompletionCommand.class, CdsTrainingCommand.class);

    /** Shown and honoured by every subcommand; read through the parse result by {@link Failures}. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Show more detail: passing examples, and the stack trace of an error.")
    boolean verbose;

    private static volatile boolean exiting;

    /** Starts the command and exits with its code. */
    public static void main(String[] args) {
        for (String a : args) {
            if (!a.equals("--verbose")) {
                if (a.equals("serve")) {
                    // A second thread loads the pair the arguments name and does serve's one-time JDK and
                    // library initialisation while this one parses them.
                    dev.flexauth.server.EarlyLoad.start(args);
                }
                break;
            }
        }
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
            return commandLine(out, err, args).execute(args);
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

    /**
     * The configured command line for {@code args}, writing to {@code out} and {@code err}. When
     * the first argument (after any {@code --verbose}) names a command, only that command is added: its
     * parsing, help and errors are the same as with the whole tree (the parent and its inherited
     * {@code --verbose} are there). Otherwise (no command, help, a typo that picocli answers with
     * suggestions) every command is added.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        Class<?> named = named(args);
        if (named != null && !NEED_ALL.contains(named)) {
            cl.addSubcommand(named);
        } else {
            // A loop, not forEach(cl::addSubcommand): a method reference into picocli makes the
            // launcher's class-data-sharing dump link picocli's Java 5 CommandLine class, and Java 17
            // then leaves it out of the archive (see bin/flex-auth).
            for (Class<?> c : COMMANDS) {
                cl.addSubcommand(c);
            }
        }
        Failures failures = new Failures();
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(failures);
        cl.setParameterExceptionHandler(failures);
        return cl;
    }

    /**
     * The command class the first argument after any {@code --verbose} names (by name or alias), or
     * null: also when another option comes first, as in {@code -h serve}, whose help lists every command.
     */
    private static Class<?> named(String... args) {
        String first = Arrays.stream(args).filter(a -> !a.equals("--verbose")).findFirst().orElse(null);
        if (first == null) {
            return null;
        }
        for (Class<?> c : COMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (command.name().equals(first) || Arrays.asList(command.aliases()).contains(first)) {
                return c;
            }
        }
        return null;
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
        for (CommandLine c : spec.subcommands().values()) {
            if (!c.getCommandSpec().usageMessage().hidden()) {
                names.add(c.getCommandName());
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command; one of: " + String.join(", ", names));
    }
}
