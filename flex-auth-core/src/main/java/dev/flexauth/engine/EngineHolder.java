package dev.flexauth.engine;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Holds the engine in service and swaps it atomically on reload. A check reads {@link #current()}
 * once and decides on that engine to the end, so in-flight checks finish on the engine they started
 * with. There is no empty state: a holder is created with a validated engine. Thread-safe.
 */
public final class EngineHolder {
    private final AtomicReference<Engine> current;

    /** A holder serving {@code initial}. */
    public EngineHolder(Engine initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The engine in service. */
    public Engine current() {
        return current.get();
    }

    /** Puts {@code next} in service; returns the engine it replaces. */
    public Engine swap(Engine next) {
        return current.getAndSet(Objects.requireNonNull(next, "next"));
    }
}
