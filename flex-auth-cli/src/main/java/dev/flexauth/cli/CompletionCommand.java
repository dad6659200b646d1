package dev.flexauth.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code flex-auth completion}: prints a bash completion script generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash completion script for flex-auth.",
            "Load it in the current shell with:  source <(bin/flex-auth completion)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash("flex-auth", spec.root().commandLine()));
        return 0;
    }
}
