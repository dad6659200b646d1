package dev.flexauth;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.Input;
import dev.flexauth.engine.LoadException;
import dev.flexauth.engine.ReloadingEngine;
import dev.flexauth.registry.SignersException;
import dev.flexauth.registry.SnapshotSigners;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where an embedder starts: every option of loading a registry snapshot and a policy package in
 * one builder, giving an {@link Engine} or a {@link ReloadingEngine}.
 *
 * <pre>{@code
 * Engine engine = FlexAuth.builder()
 *         .registry(Path.of("production_registry_snapshot.json"))
 *         .policyResource("policies/policy_package.md")       // shipped in your jar
 *         .signers(Path.of("allowed_signers"))                 // optional: signed snapshots only
 *         .maxRegistryAge(Duration.ofHours(36))                // optional: deny when stale
 *         .build();
 * }</pre>
 *
 * Inputs are files, bytes, streams or class-path resources ({@link Input}). The builder is for
 * one thread; what it builds is immutable ({@code Engine}) or thread-safe ({@code ReloadingEngine}).
 */
public final class FlexAuth {
    private FlexAuth() {
    }

    /** A builder with the defaults: snapshots up to 512 MiB, no signature required, no age bound. */
    public static Builder builder() {
        return new Builder();
    }

    /** The options of one load; {@link #registry} and {@link #policy} are required. */
    public static final class Builder {
        private Input registry;
        private Input policy;
        private long maxRegistryBytes = EngineLoader.defaults().maxRegistryBytes();
        private SnapshotSigners signers;
        private Duration maxRegistryAge;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The registry snapshot (JSON): a file, bytes, a stream or a class-path resource. */
        public Builder registry(Input snapshot) {
            this.registry = Objects.requireNonNull(snapshot, "snapshot is null; pass Input.file(...), Input.bytes(...), "
                    + "Input.stream(...) or Input.resource(...)");
            return this;
        }

        /** The registry snapshot in {@code file}. */
        public Builder registry(Path file) {
            return registry(Input.file(file));
        }

        /** The registry snapshot as a class-path resource, found through the thread's context class loader. */
        public Builder registryResource(String name) {
            return registry(Input.resource(classLoader(), name));
        }

        /** The policy package (Markdown): a file, bytes, a stream or a class-path resource. */
        public Builder policy(Input pkg) {
            this.policy = Objects.requireNonNull(pkg, "pkg is null; pass Input.file(...), Input.bytes(...), "
                    + "Input.stream(...) or Input.resource(...)");
            return this;
        }

        /** The policy package in {@code file}. */
        public Builder policy(Path file) {
            return policy(Input.file(file));
        }

        /** The policy package as a class-path resource, found through the thread's context class loader. */
        public Builder policyResource(String name) {
            return policy(Input.resource(classLoader(), name));
        }

        /** Refuses snapshots larger than {@code bytes}, before reading them where the size is known. */
        public Builder maxRegistryBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxRegistryBytes must be positive, got " + bytes);
            }
            this.maxRegistryBytes = bytes;
            return this;
        }

        /** Requires every snapshot to carry a valid signature ({@code .sig}) by one of {@code signers}. */
        public Builder signers(SnapshotSigners signers) {
            this.signers = Objects.requireNonNull(signers, "signers is null; pass SnapshotSigners.read(allowedSignersFile)");
            return this;
        }

        /** As {@link #signers(SnapshotSigners)}, from an OpenSSH {@code allowed_signers} file. */
        public Builder signers(Path allowedSigners) throws SignersException {
            return signers(SnapshotSigners.read(allowedSigners));
        }

        /**
         * Denies every check with {@code registry_stale} once the snapshot's {@code source.generated_at}
         * is older than {@code maxAge} (or missing).
         */
        public Builder maxRegistryAge(Duration maxAge) {
            Objects.requireNonNull(maxAge, "maxAge is null; pass a positive duration, e.g. Duration.ofHours(36)");
            if (maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("maxRegistryAge must be positive, got " + maxAge);
            }
            this.maxRegistryAge = maxAge;
            return this;
        }

        /** The clock for signature validity and registry age; the system UTC clock by default. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock is null; pass Clock.systemUTC()");
            return this;
        }

        /**
         * Loads the pair once.
         *
         * @throws LoadException with every problem of both inputs; nothing was built
         */
        public Engine build() throws LoadException {
            requireInputs();
            return configure().apply(loader().load(registry, policy));
        }

        /**
         * Loads the pair and returns a holder that can {@link ReloadingEngine#reload() reload} it
         * from the same inputs.
         *
         * @throws LoadException if the first pair does not load
         */
        public ReloadingEngine buildReloading() throws LoadException {
            requireInputs();
            return ReloadingEngine.load(loader(), registry, policy, configure());
        }

        private void requireInputs() {
            if (registry == null || policy == null) {
                throw new IllegalStateException("FlexAuth.builder() needs " + (registry == null ? "registry(...)" : "")
                        + (registry == null && policy == null ? " and " : "") + (policy == null ? "policy(...)" : "")
                        + " before build()");
            }
        }

        private EngineLoader loader() {
            return EngineLoader.withMaxRegistryBytes(maxRegistryBytes).withSigners(signers, clock);
        }

        private UnaryOperator<Engine> configure() {
            Duration age = maxRegistryAge;
            Clock c = clock;
            return age == null ? UnaryOperator.identity() : e -> e.withMaxRegistryAge(age, c);
        }

        private static ClassLoader classLoader() {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            return context != null ? context : FlexAuth.class.getClassLoader();
        }
    }
}
