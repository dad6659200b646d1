package dev.flexauth.engine;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An engine that can be loaded again from the same inputs: {@link #current()} serves the last pair
 * that loaded, and {@link #reload()} reads the inputs again and puts the new engine in service only
 * if the pair loads; otherwise the previous engine keeps serving and the {@link LoadException}
 * says why. Files and class-path resources are read again on every reload; bytes never change.
 *
 * <p>Thread-safe: any number of threads may call {@link #current()} while one reloads (reloads are
 * serialized). Read {@code current()} once per decision, so a check finishes on the engine it
 * started with. Nothing here watches files: call {@link #reload()} from your own trigger (a timer,
 * a file watcher, an admin call), as {@code flex-auth serve} does.
 */
public final class ReloadingEngine {
    private final EngineLoader loader;
    private final Input registry;
    private final Input policy;
    private final UnaryOperator<Engine> configure;
    private final EngineHolder holder;

    private ReloadingEngine(EngineLoader loader, Input registry, Input policy, UnaryOperator<Engine> configure,
            Engine first) {
        this.loader = loader;
        this.registry = registry;
        this.policy = policy;
        this.configure = configure;
        this.holder = new EngineHolder(first);
    }

    /**
     * Loads the pair once with {@code loader}, passes the engine through {@code configure} (e.g.
     * {@code e -> e.withMaxRegistryAge(...)}; {@code UnaryOperator.identity()} for none), and
     * serves it.
     *
     * @throws LoadException if the first pair does not load: there is nothing to serve
     */
    public static ReloadingEngine load(EngineLoader loader, Input registry, Input policy, UnaryOperator<Engine> configure)
            throws LoadException {
        Objects.requireNonNull(loader, "loader is null; pass EngineLoader.defaults() or a configured loader");
        Objects.requireNonNull(configure, "configure is null; pass UnaryOperator.identity() to serve engines as loaded");
        Engine first = Objects.requireNonNull(configure.apply(loader.load(registry, policy)), "configure returned null");
        return new ReloadingEngine(loader, registry, policy, configure, first);
    }

    /** The engine in service. */
    public Engine current() {
        return holder.current();
    }

    /**
     * Reads both inputs again and serves the new engine if they load; returns it.
     *
     * @throws LoadException if they do not: the previous engine keeps serving
     */
    public synchronized Engine reload() throws LoadException {
        Engine next = Objects.requireNonNull(configure.apply(loader.load(registry, policy)), "configure returned null");
        holder.swap(next);
        return next;
    }
}
