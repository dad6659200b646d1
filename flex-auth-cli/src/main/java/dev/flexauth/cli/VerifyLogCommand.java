package dev.flexauth.cli;

import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth verify-log}: checks the hash chain of decision log files. The first edited,
 * deleted, inserted or reordered line fails the check. A record cut off at the end of a file is
 * a crash, not tampering: it is reported, but alone it does not fail the check, because nothing
 * after it was acknowledged and the server moves it aside when it reopens the log.
 */
@Command(name = "verify-log", mixinStandardHelpOptions = true,
        description = {"Verify the hash chain of decision log files.",
            "Give rotated files oldest first; the chain continues across them."},
        footer = {"", "Exit 0 when every line verifies (a torn final line from a crash is reported as a warning);",
            "1 at the first edited, deleted, inserted or reordered line, or when a file cannot be read."})
final class VerifyLogCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Decision log files, oldest first.")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (Path f : files) {
            if (!Files.exists(f)) {
                throw new CliFailure("io_error", "error: file not found: " + f);
            }
            if (!Files.isRegularFile(f)) {
                throw new CliFailure("io_error", "error: " + f + " is not a file; give the decision log files, oldest first");
            }
        }
        VerifyReport report = LogVerifier.verify(files.toArray(new Path[0]));
        out.println(report.summary());
        if (report.ok() && report.tornTail()) {
            out.println("warning: the log ends with a torn record (the writer stopped mid-line); "
                    + "it was never acknowledged, so the chain before it is complete");
        }
        return report.ok() ? 0 : Failures.FAILED;
    }
}
