package dev.flexauth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flex-auth version}: the version and the Java runtime it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print the flex-auth version and the Java runtime.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Version.line());
        return 0;
    }
}
