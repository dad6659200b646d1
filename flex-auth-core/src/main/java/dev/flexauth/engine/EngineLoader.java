package dev.flexauth.engine;

import dev.flexauth.io.FileDigest;
import dev.flexauth.policy.Diagnostic;
import dev.flexauth.policy.PolicyException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.reason.RegistryCode;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryException;
import dev.flexauth.registry.RegistryLoader;
import dev.flexauth.registry.RegistryProblem;
import dev.flexauth.registry.RegistrySchema;
import dev.flexauth.registry.SnapshotSigners;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * Loads a registry snapshot and a policy package from files and validates them together, the
 * way the server (at start and on every reload) and the CLI do: the policy first, then the
 * snapshot against the policy's Registry table, then the engine. Every problem of both files is
 * reported at once. With {@link #withSigners signers}, the snapshot is read once, its signature
 * beside it ({@code snapshot.json.sig}) is verified over those bytes, and those same bytes are
 * parsed: a snapshot without a valid signature is refused like an invalid one. Immutable and
 * thread-safe.
 */
public final class EngineLoader {
    private final long maxRegistryBytes;
    private final SnapshotSigners signers;
    private final Clock clock;

    private EngineLoader(long maxRegistryBytes, SnapshotSigners signers, Clock clock) {
        this.maxRegistryBytes = maxRegistryBytes;
        this.signers = signers;
        this.clock = clock;
    }

    /** A loader with the default limits (registry snapshots up to 512 MiB) and no signature required. */
    public static EngineLoader defaults() {
        return new EngineLoader(512L << 20, null, Clock.systemUTC());
    }

    /** A loader that refuses registry snapshots larger than {@code bytes} before reading them. */
    public static EngineLoader withMaxRegistryBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxRegistryBytes must be positive, got " + bytes);
        }
        return new EngineLoader(bytes, null, Clock.systemUTC());
    }

    /**
     * This loader, requiring every snapshot to carry a signature by one of {@code signers}
     * ({@code null}: none required), checked against the time of {@code clock} (a key's
     * {@code valid-after} and {@code valid-before}).
     */
    public EngineLoader withSigners(SnapshotSigners signers, Clock clock) {
        return new EngineLoader(maxRegistryBytes, signers, clock);
    }

    /** The signers every snapshot must be signed by, or {@code null} if none are required. */
    public SnapshotSigners signers() {
        return signers;
    }

    /** The largest registry snapshot this loader reads, in bytes. */
    public long maxRegistryBytes() {
        return maxRegistryBytes;
    }

    /** Loads the pair; the examples are not run here (see {@link Engine#runExamples()}). */
    public Engine load(Path registryFile, Path policyFile) throws LoadException {
        return load(registryFile, policyFile, null);
    }

    /**
     * As {@link #load(Path, Path)}, and takes the SHA-256 of the registry file's bytes into
     * {@code registryBytes} (if not null) as they are read, on the reading thread, whether the pair
     * loads or not: see {@link RegistryLoader#load(Path, FileDigest)}.
     */
    public Engine load(Path registryFile, Path policyFile, FileDigest registryBytes) throws LoadException {
        Objects.requireNonNull(registryFile, "registryFile is null; pass the path of a registry snapshot (JSON)");
        Objects.requireNonNull(policyFile, "policyFile is null; pass the path of a policy package (Markdown)");
        return load(registryFile.toString(), policyFile, registryLoader -> signers == null
                ? registryLoader.load(registryFile, registryBytes)
                : loadSigned(registryLoader, registryFile, registryBytes));
    }

    /**
     * Loads the pair from a snapshot already in memory, named {@code registryName} in errors (a
     * URL without its query string, say), refused past {@link #maxRegistryBytes()}. The
     * {@linkplain #signers() signers} are not applied here: the caller verified {@code registry}
     * against its signature (a URL source fetches the two together).
     */
    public Engine load(byte[] registry, String registryName, Path policyFile) throws LoadException {
        Objects.requireNonNull(registry, "registry is null; pass the bytes of a registry snapshot (JSON)");
        Objects.requireNonNull(registryName, "registryName is null; pass the name to show in errors, e.g. the URL");
        Objects.requireNonNull(policyFile, "policyFile is null; pass the path of a policy package (Markdown)");
        return load(registryName, policyFile, registryLoader -> registryLoader.load(registry, registryName));
    }

    /**
     * Loads the pair from any {@link Input}: files, bytes or class-path resources. With
     * {@linkplain #signers() signers}, the snapshot's signature ({@link Input}'s {@code .sig}) is
     * verified over exactly the bytes that are parsed.
     */
    public Engine load(Input registry, Input policy) throws LoadException {
        Objects.requireNonNull(registry, "registry is null; pass Input.file(...), Input.bytes(...) or Input.resource(...)");
        Objects.requireNonNull(policy, "policy is null; pass Input.file(...), Input.bytes(...) or Input.resource(...)");
        PolicyRead readPolicy = policy.path().isPresent() ? () -> PolicyReader.read(policy.path().get()) : () -> {
            try {
                return PolicyReader.read(policy.read(PolicyReader.MAX_BYTES), policy.name());
            } catch (IOException e) {
                throw PolicyException.unreadable(policy.name(), e.getMessage());
            }
        };
        if (registry.path().isPresent()) {
            Path file = registry.path().get();
            return load(registry.name(), readPolicy, loader -> signers == null ? loader.load(file) : loadSigned(loader, file, null));
        }
        return load(registry.name(), readPolicy, loader -> loader.load(readBytes(registry), registry.name()));
    }

    /** The snapshot's bytes, verified against its signature when signers are required. */
    private byte[] readBytes(Input registry) throws RegistryException {
        String name = registry.name();
        byte[] bytes;
        byte[] sig;
        try {
            bytes = registry.read(maxRegistryBytes);
            sig = signers == null ? null : registry.readSignature().orElse(null);
        } catch (IOException e) {
            throw RegistryException.of(name, RegistryCode.UNREADABLE, e.getMessage());
        }
        if (signers != null) {
            if (sig == null) {
                String message = "no signature at " + registry.signatureName() + "; registry signers are configured, so"
                        + " every snapshot needs one: ssh-keygen -Y sign -n " + SnapshotSigners.NAMESPACE + " -f KEY FILE";
                throw RegistryException.of(name, RegistryCode.MISSING_SIGNATURE, message);
            }
            signers.verify(bytes, sig, name, registry.signatureName(), clock.instant());
        }
        return bytes;
    }

    /**
     * Loads the pair from a snapshot and a policy package both already in memory (a URL source
     * fetched them), named {@code registryName} and {@code policyName} in errors. As with
     * {@link #load(byte[], String, Path)}, the
     * caller verified what needed verifying; the package is refused past
     * {@link PolicyReader#MAX_BYTES}.
     */
    public Engine load(byte[] registry, String registryName, byte[] policy, String policyName) throws LoadException {
        Objects.requireNonNull(registry, "registry is null; pass the bytes of a registry snapshot (JSON)");
        Objects.requireNonNull(registryName, "registryName is null; pass the name to show in errors, e.g. the URL");
        Objects.requireNonNull(policy, "policy is null; pass the bytes of a policy package (Markdown)");
        Objects.requireNonNull(policyName, "policyName is null; pass the name to show in errors, e.g. the URL");
        return load(registryName, () -> PolicyReader.read(policy, policyName),
                registryLoader -> registryLoader.load(registry, registryName));
    }

    private interface RegistryRead {
        Registry read(RegistryLoader loader) throws RegistryException;
    }

    private interface PolicyRead {
        PolicyPackage read() throws PolicyException;
    }

    private Engine load(String registryName, Path policyFile, RegistryRead read) throws LoadException {
        return load(registryName, () -> PolicyReader.read(policyFile), read);
    }

    private Engine load(String registryName, PolicyRead readPolicy, RegistryRead read) throws LoadException {
        PolicyPackage policy = null;
        List<Diagnostic> diagnostics = List.of();
        try {
            policy = readPolicy.read();
        } catch (PolicyException e) {
            diagnostics = e.diagnostics();
        }
        RegistrySchema schema = policy == null ? RegistrySchema.none() : policy.registry();
        Registry registry;
        try {
            RegistryLoader registryLoader = RegistryLoader.builder().schema(schema).maxBytes(maxRegistryBytes).build();
            registry = read.read(registryLoader);
        } catch (RegistryException e) {
            throw new LoadException(diagnostics, registryName, e.problems(), e.getMessage());
        }
        if (policy == null) {
            throw new LoadException(diagnostics, registryName, List.of(), null);
        }
        try {
            return Engine.of(policy, registry);
        } catch (IncompatibleRegistryException e) {
            List<RegistryProblem> problems = e.mismatches().stream()
                    .map(m -> new RegistryProblem("", RegistryCode.MISSING_ATTRIBUTE, m)).toList();
            throw new LoadException(diagnostics, registryName, problems, e.getMessage());
        }
    }

    /**
     * Verifies and parses the same bytes, in one pass through a bounded buffer: a snapshot swapped
     * after the check is never what is loaded, and a large one is never held whole.
     */
    private Registry loadSigned(RegistryLoader registryLoader, Path registryFile, FileDigest bytes) throws RegistryException {
        return signers.load(registryFile, registryLoader, clock.instant(), bytes).registry();
    }
}
