package dev.flexauth.registry;

import dev.flexauth.reason.RegistryCode;
import java.util.ArrayList;
import java.util.List;

/** The problems of one load: every one counted, the first {@code max} kept, in document order. */
final class ProblemList {
    private final String name;
    private final int max;
    private final List<RegistryProblem> kept = new ArrayList<>();
    private int total;

    ProblemList(String name, int max) {
        this.name = name;
        this.max = max;
    }

    void add(String path, RegistryCode code, String message) {
        total++;
        if (kept.size() < max) {
            kept.add(new RegistryProblem(path, code, message));
        }
    }

    /** Whether the next problem is kept: when not, its message need not be built, only {@link #count}ed. */
    boolean keepsMore() {
        return kept.size() < max;
    }

    /** Counts a problem that is not kept ({@link #keepsMore()} said so). */
    void count() {
        total++;
    }

    /** How many problems were found, kept or not. */
    int total() {
        return total;
    }

    RegistryException failure() {
        return new RegistryException(name, kept, total);
    }
}
