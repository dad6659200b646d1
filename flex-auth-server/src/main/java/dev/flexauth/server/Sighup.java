package dev.flexauth.server;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Reload on SIGHUP, through {@code sun.misc.Signal} (module jdk.unsupported: the JDK has no
 * supported signal API). The handler is process-wide: installing replaces the previous one, and
 * {@link #restore()} puts it back when the server stops. Where the platform has no SIGHUP the
 * install fails with a message and the server runs without it.
 */
final class Sighup {
    private final Signal signal;
    private final SignalHandler previous;

    private Sighup(Signal signal, SignalHandler previous) {
        this.signal = signal;
        this.previous = previous;
    }

    /**
     * Runs {@code onSignal} on each SIGHUP.
     *
     * @throws IllegalArgumentException if the platform or the JVM ({@code -Xrs}) does not let Java handle SIGHUP
     */
    static Sighup install(Runnable onSignal) {
        Signal hup = new Signal("HUP");
        return new Sighup(hup, Signal.handle(hup, s -> onSignal.run()));
    }

    void restore() {
        Signal.handle(signal, previous);
    }
}
