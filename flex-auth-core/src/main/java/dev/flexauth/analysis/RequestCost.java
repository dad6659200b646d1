package dev.flexauth.analysis;

import java.util.List;
import java.util.Map;

/**
 * What "smallest counterexample" means: fewer optional fields present, then each field's value in
 * Request table order (integers nearest zero, the positive one first; shorter strings; smaller
 * lists; false before true). A cost is compared element by element.
 */
final class RequestCost {
    private RequestCost() {
    }

    /** The shortest a fresh value can be: {@code <other>}, {@code <unknown>} or one of their numbered forms. */
    private static final int SHORTEST_FRESH = "<other>".length();

    /**
     * A lower bound of the cost ({@link #of}) of the renaming of request {@code index} of the first
     * key's group into the group of the key whose private strings are {@code names} (by number;
     * {@code null}: the first key itself): a renamed string has the length of its counterpart, a
     * renamed list its size; only a fresh value's spelling depends on the group, and none is
     * shorter than {@link #SHORTEST_FRESH}.
     */
    static long[] lowerBound(List<List<Atom>> first, int[] index, Map<String, Integer> firstPrivates, String[] names) {
        Object[] values = new Object[index.length];
        long[] cost = null;
        for (int i = 0; i < index.length; i++) {
            values[i] = first.get(i).get(index[i]).value();
        }
        cost = of(values);
        for (int i = 0; i < index.length; i++) {
            Atom a = first.get(i).get(index[i]);
            if (a.kind() == Atom.Kind.OTHER) {
                cost[i + 1] = Math.min(cost[i + 1], SHORTEST_FRESH);
            } else if (names != null && a.value() instanceof String) {
                Integer n = firstPrivates.get(a.value());
                if (n != null) {
                    cost[i + 1] = names[n].length();
                }
            }
        }
        return cost;
    }

    /** The cost of the request with these values, one per field in Request table order. */
    static long[] of(Object[] values) {
        long[] cost = new long[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v != null) {
                cost[0]++;
            }
            cost[i + 1] = size(v);
        }
        return cost;
    }

    private static long size(Object v) {
        if (v == null) {
            return -1;
        }
        if (v instanceof Long) {
            long l = (Long) v;
            // Nearest zero first, and of two at the same distance the positive one.
            return l == Long.MIN_VALUE ? Long.MAX_VALUE : l >= 0 ? 2 * Math.min(l, Long.MAX_VALUE / 2) : 2 * Math.min(-l, Long.MAX_VALUE / 2) + 1;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof List) {
            return ((List<?>) v).size();
        }
        return v.toString().length();
    }

    static int compare(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
