package dev.flexauth.analysis;

/**
 * One class of values of a request field that no rule or property tells apart: absent, one value,
 * a fresh value that matches nothing the package names, or a range {@code lo..hi} of integers that
 * no bound falls inside. {@link #value()} is the representative tried for the whole class.
 */
record Atom(Kind kind, Object value, long lo, long hi) {
    enum Kind {
        /** An optional field left out. */
        ABSENT,
        /** One value the package or the registry names. */
        VALUE,
        /** Integers {@code lo..hi}; {@link #value()} is the one nearest zero. */
        RANGE,
        /** A value that matches nothing the package or registry names. */
        OTHER,
        /** A field nothing compares: one value stands for all. */
        ANY
    }

    static Atom of(Kind kind, Object value) {
        return new Atom(kind, value, 0, 0);
    }

    static Atom range(long lo, long hi) {
        return new Atom(Kind.RANGE, lo <= 0 && 0 <= hi ? 0L : lo > 0 ? lo : hi, lo, hi);
    }
}
