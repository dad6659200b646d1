package dev.flexauth.cli;

import dev.flexauth.engine.LoadException;
import dev.flexauth.engine.RequestException;
import dev.flexauth.json.Json;
import dev.flexauth.policy.Diagnostic;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryProblem;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one place that turns errors into exit codes and messages: usage errors exit 2 with the
 * synopsis; unusable inputs (snapshot, policy, request, files) exit 1 with every problem on a
 * line of stderr and, under {@code --json}, a failure object on stdout; anything unforeseen
 * exits 1 with one line. Stack traces only with {@code --verbose}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int FAILED = 1;

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        CommandLine.Help help = cl.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        err.println("Run '" + name + " --help' for the options.");
        if (List.of(args).contains("--verbose")) {
            ex.printStackTrace(err);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Mapped m = map(ex);
        m.lines().forEach(err::println);
        if (matched(parsed, "--verbose")) {
            ex.printStackTrace(err);
        } else if (m.code().equals("internal_error")) {
            err.println("(run with --verbose to see the stack trace)");
        }
        err.flush();
        if (matched(parsed, "--json")) {
            PrintWriter out = cl.getOut();
            out.println(json(m));
            out.flush();
        }
        return FAILED;
    }

    /**
     * What an exception means for an operator: a code, a one-line message, the lines to show, and
     * the same problems as objects for {@code --json} ({@code text} plus what is known of its place).
     */
    record Mapped(String code, String message, List<String> lines, List<Map<String, Object>> problems) {
        Mapped(String code, String message, List<String> lines) {
            this(code, message, lines, lines.stream().map(l -> Map.<String, Object>of("text", l)).toList());
        }
    }

    static Mapped map(Exception ex) {
        if (ex instanceof CliFailure) {
            CliFailure f = (CliFailure) ex;
            return new Mapped(f.code(), f.lines().get(0), f.lines());
        }
        if (ex instanceof LoadException) {
            LoadException l = (LoadException) ex;
            List<String> lines = l.lines();
            List<Map<String, Object>> problems = new ArrayList<>();
            l.policyDiagnostics().stream().filter(d -> !d.warning()).forEach(d -> problems.add(diagnostic(d)));
            l.registryProblems().forEach(p -> problems.add(registryProblem(null, p)));
            int count = problems.size();
            for (int i = 0; i < lines.size(); i++) {
                if (i < count) {
                    problems.get(i).put("text", lines.get(i));
                } else {
                    problems.add(new LinkedHashMap<>(Map.of("text", lines.get(i)))); // a hint, e.g. swapped files
                }
            }
            return new Mapped("invalid_input", Text.count(count, "problem") + "; nothing was loaded", lines, problems);
        }
        if (ex instanceof RegistryException) {
            RegistryException r = (RegistryException) ex;
            List<String> lines = new ArrayList<>();
            List<Map<String, Object>> problems = new ArrayList<>();
            for (RegistryProblem p : r.problems()) {
                lines.add(r.source() + ": " + p);
                Map<String, Object> m = registryProblem(r.source(), p);
                m.put("text", r.source() + ": " + p);
                problems.add(m);
            }
            if (r.total() > r.problems().size()) {
                lines.add(r.source() + ": ... and " + (r.total() - r.problems().size()) + " more problems");
            }
            return new Mapped("invalid_registry", "invalid registry snapshot, " + Text.count(r.total(), "problem"),
                    lines, problems);
        }
        if (ex instanceof PolicyException) {
            List<String> lines = new ArrayList<>();
            List<Map<String, Object>> problems = new ArrayList<>();
            for (Diagnostic d : ((PolicyException) ex).diagnostics()) {
                lines.add(d.toString());
                problems.add(diagnostic(d));
            }
            return new Mapped("invalid_policy", ex.getMessage().lines().findFirst().orElse("invalid policy package"),
                    lines, problems);
        }
        if (ex instanceof RequestException) {
            RequestException r = (RequestException) ex;
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("text", "error: invalid request: " + r.getMessage());
            problem.put("code", r.code().code());
            if (r.field() != null) {
                problem.put("field", r.field());
            }
            return new Mapped(r.code().code(), r.getMessage(), List.of("error: invalid request: " + r.getMessage()),
                    List.of(problem));
        }
        if (ex instanceof UncheckedIOException) {
            return map(((UncheckedIOException) ex).getCause());
        }
        if (ex instanceof IOException) {
            String line = io((IOException) ex);
            return new Mapped("io_error", line, List.of("error: " + line));
        }
        String line = "internal error: " + ex;
        return new Mapped("internal_error", line, List.of("error: " + line));
    }

    private static Map<String, Object> diagnostic(Diagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", d.toString());
        m.put("file", d.file());
        m.put("line", d.pos().line());
        m.put("column", d.pos().column());
        m.put("code", d.code().code());
        m.put("severity", d.warning() ? "warning" : "error");
        m.put("message", d.message());
        return m;
    }

    private static Map<String, Object> registryProblem(String file, RegistryProblem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "");
        if (file != null) {
            m.put("file", file);
        }
        m.put("path", p.path());
        m.put("code", p.code().code());
        m.put("message", p.message());
        return m;
    }

    /** File errors name the file and the reason; the exception class names mean nothing to an operator. */
    static String io(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "file not found: " + ((NoSuchFileException) e).getFile();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied: " + ((AccessDeniedException) e).getFile();
        }
        if (e instanceof FileSystemException) {
            FileSystemException f = (FileSystemException) e;
            return "cannot read " + f.getFile() + (f.getReason() == null ? "" : ": " + f.getReason());
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String json(Mapped m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("error", m.code());
        o.put("message", m.message());
        o.put("problems", m.problems());
        return Json.write(o);
    }

    /** Whether {@code option} was given to the command or any of its parents. */
    static boolean matched(ParseResult parsed, String option) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.commandSpec().findOption(option) != null && p.hasMatchedOption(option)) {
                return true;
            }
        }
        return false;
    }
}
