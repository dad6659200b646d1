package dev.flexauth.engine;

import dev.flexauth.policy.Diagnostic;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.PolicyReader;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryLoader;
import dev.flexauth.registry.RegistryProblem;
import dev.flexauth.registry.RegistrySchema;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Loads a registry snapshot and a policy package from files and validates them together, the
 * way the server (at start and on every reload) and the CLI do: the policy first, then the
 * snapshot against the policy's Registry table, then the engine. Every problem of both files is
 * reported at once. Immutable and thread-safe.
 */
public final class EngineLoader {
    private final long maxRegistryBytes;

    private EngineLoader(long maxRegistryBytes) {
        this.maxRegistryBytes = maxRegistryBytes;
    }

    /** A loader with the default limits (registry snapshots up to 512 MiB). */
    public static EngineLoader defaults() {
        return new EngineLoader(512L << 20);
    }

    /** A loader that refuses registry snapshots larger than {@code bytes} before reading them. */
    public static EngineLoader withMaxRegistryBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxRegistryBytes must be positive, got " + bytes);
        }
        return new EngineLoader(bytes);
    }

    /** Loads the pair; the examples are not run here (see {@link Engine#runExamples()}). */
    public Engine load(Path registryFile, Path policyFile) throws LoadException {
        Objects.requireNonNull(registryFile, "registryFile is null; pass the path of a registry snapshot (JSON)");
        Objects.requireNonNull(policyFile, "policyFile is null; pass the path of a policy package (Markdown)");
        PolicyPackage policy = null;
        List<Diagnostic> diagnostics = List.of();
        try {
            policy = PolicyReader.read(policyFile);
        } catch (PolicyException e) {
            diagnostics = e.diagnostics();
        }
        RegistrySchema schema = policy == null ? RegistrySchema.none() : policy.registry();
        Registry registry;
        try {
            registry = RegistryLoader.builder().schema(schema).maxBytes(maxRegistryBytes).build().load(registryFile);
        } catch (RegistryException e) {
            throw new LoadException(diagnostics, registryFile.toString(), e.problems(), e.getMessage());
        }
        if (policy == null) {
            throw new LoadException(diagnostics, registryFile.toString(), List.of(), null);
        }
        try {
            return Engine.of(policy, registry);
        } catch (IncompatibleRegistryException e) {
            List<RegistryProblem> problems = e.mismatches().stream()
                    .map(m -> new RegistryProblem("", RegistryCode.MISSING_ATTRIBUTE, m)).toList();
            throw new LoadException(diagnostics, registryFile.toString(), problems, e.getMessage());
        }
    }
}
