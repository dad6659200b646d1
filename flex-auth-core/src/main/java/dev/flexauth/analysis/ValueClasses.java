package dev.flexauth.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * How {@link Domain} cuts a field's values into classes: the strings among them, a name no value
 * takes (the representative of "every other value"), and the integer ranges between bounds.
 */
final class ValueClasses {
    private ValueClasses() {
    }

    static TreeSet<String> strings(Set<Object> values) {
        TreeSet<String> out = new TreeSet<>();
        values.stream().filter(v -> v instanceof String).forEach(v -> out.add((String) v));
        return out;
    }

    static String unused(String base, Set<String> taken) {
        return unused(base, taken::contains);
    }

    static String unused(String base, Predicate<String> taken) {
        String s = base;
        for (int i = 2; taken.test(s); i++) {
            s = base.substring(0, base.length() - 1) + "-" + i + ">";
        }
        return s;
    }

    /** The integers cut at every bound: below the least, each bound, between bounds, above the greatest. */
    static List<Atom> ranges(Set<Object> values) {
        TreeSet<Long> bounds = new TreeSet<>();
        values.stream().filter(v -> v instanceof Long).forEach(v -> bounds.add((Long) v));
        List<Atom> out = new ArrayList<>();
        long next = Long.MIN_VALUE; // the least integer not yet in a range
        for (long b : bounds) {
            if (b > next) {
                out.add(Atom.range(next, b - 1));
            }
            out.add(Atom.range(b, b));
            if (b == Long.MAX_VALUE) {
                return out;
            }
            next = b + 1;
        }
        out.add(Atom.range(next, Long.MAX_VALUE));
        return out;
    }
}
