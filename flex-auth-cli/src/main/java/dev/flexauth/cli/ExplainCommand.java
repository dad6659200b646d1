package dev.flexauth.cli;

import picocli.CommandLine.Command;

/**
 * {@code flex-auth explain}: {@code check --explain} under the name a newcomer guesses first. The
 * options, output and exit codes are check's.
 */
@Command(name = "explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decide one request offline and show every rule evaluated and why: the same as check --explain.",
            "The request is a JSON object of the package's Request fields, from --request or stdin."},
        footer = {"", "Exit 0 when a decision was made, allow or deny; 1 when the files or the request are invalid."})
final class ExplainCommand extends CheckCommand {
    @Override
    public Integer call() throws Exception {
        explain = true;
        return super.call();
    }
}
