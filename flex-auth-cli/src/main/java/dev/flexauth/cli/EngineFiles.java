package dev.flexauth.cli;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.LoadException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that decides from a snapshot and a package (a picocli mixin): one declaration, one help text. */
final class EngineFiles {
    @Option(names = "--registry", required = true, paramLabel = "SNAPSHOT", description = "The registry snapshot (JSON).")
    Path registry;

    @Option(names = "--policy", required = true, paramLabel = "POLICY", description = "The policy package (Markdown).")
    Path policy;

    @Option(names = "--registry-signers", paramLabel = "FILE", description = "Require the snapshot's signature SNAPSHOT.sig (ssh-keygen -Y sign -n flex-auth-registry) by a key of this OpenSSH allowed_signers file.")
    Path registrySigners;

    /** The engine of the two files, its warnings printed to {@code err}. */
    Engine load(PrintWriter err) throws LoadException, CliFailure {
        return Inputs.engine(registry, policy, registrySigners, err);
    }
}
