package dev.flexauth.server.hardening;

/**
 * How big a hardening run is: the fast variant in every {@code mvn verify}, the long one with
 * {@code -Preliability} (which sets {@code hardening.scale=long}). {@code -Dhardening.seed=N}
 * replays a generated battery.
 */
final class Scale {
    static final boolean LONG = "long".equals(System.getProperty("hardening.scale"));

    private Scale() {
    }

    static int of(int fast, int longRun) {
        return LONG ? longRun : fast;
    }

    static String name() {
        return LONG ? "long" : "fast";
    }

    /** The seed of a generated battery: given, or new each run (and printed with the figures). */
    static long seed() {
        String given = System.getProperty("hardening.seed");
        return given == null || given.isBlank() ? System.nanoTime() : Long.parseLong(given.strip());
    }
}
