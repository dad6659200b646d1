package dev.flexauth.cli;

import dev.flexauth.log.LogKey;
import dev.flexauth.log.LogKeyException;
import dev.flexauth.log.LogVerifier;
import dev.flexauth.log.VerifyReport;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code flex-auth verify-log}: checks the hash chain of decision log files and, with the log
 * keys, their signed checkpoints. The first edited, deleted, inserted or reordered line fails the
 * check. A record cut off at the end of a file is a crash, not tampering: it is reported, but
 * alone it does not fail the check, because nothing after it was acknowledged and the server moves
 * it aside when it reopens the log. A chain whose first record is not the genesis record passes
 * (its head may have been rotated away) unless {@code --from-start} demands the whole chain.
 */
@Command(name = "verify-log", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify the hash chain of decision log files, and with --key their signed checkpoints.",
            "Give rotated files oldest first; the chain continues across them."},
        footer = {"", "Exit 0 when every line verifies (a torn final line from a crash is reported as a warning) and, with",
            "--key, every line is covered by a checkpoint and the log ends with a close checkpoint.",
            "Exit 1 at the first edited, deleted, inserted or reordered line, a checkpoint that does not verify, a file",
            "that cannot be read, or with --from-start a chain that does not start at its genesis record. Without",
            "--from-start, a chain whose first lines are missing passes with \"continuing an earlier chain\": deleted",
            "first lines look the same as rotated-away ones.",
            "Exit 3 with --key when nothing failed but some lines are not covered by a checkpoint (a running server's",
            "latest lines, a crash's last lines, or forged lines: the key cannot tell which) or the log was not closed."})
final class VerifyLogCommand implements Callable<Integer> {
    /** Exit code when the chain and the checkpoints hold but some lines are not covered by a checkpoint. */
    static final int INCOMPLETE = 3;

    @Option(names = "--key", paramLabel = "FILE", description = "The log key (as given to serve --log-key); "
            + "repeat for logs written with several keys.")
    List<Path> keyFiles = new ArrayList<>();

    @Option(names = "--from-start", description = "Fail unless the chain starts at its genesis record (seq 1): "
            + "no line missing at the head of the oldest file.")
    boolean fromStart;

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
        List<LogKey> keys = new ArrayList<>();
        for (Path k : keyFiles) {
            try {
                keys.add(LogKey.read(k));
            } catch (LogKeyException e) {
                throw new CliFailure("io_error", "error: " + e.getMessage());
            }
        }
        VerifyReport report = LogVerifier.verify(keys, files);
        out.println(report.summary());
        if (report.ok() && report.tornTail()) {
            out.println("warning: the log ends with a torn record (the writer stopped mid-line); "
                    + "it was never acknowledged, so the chain before it is complete");
        }
        if (!report.ok()) {
            return Failures.FAILED;
        }
        if (fromStart && !report.startsAtGenesis()) {
            out.println("FAILED (--from-start): " + (report.linesChecked() == 0 ? "the files hold no record"
                    : "the chain starts at seq " + report.firstSeq() + ", not at its genesis record (seq 1, prev all zeros):"
                            + " its first lines were deleted, or older files were not given (pass them first)"));
            return Failures.FAILED;
        }
        return report.complete() ? 0 : INCOMPLETE;
    }
}
