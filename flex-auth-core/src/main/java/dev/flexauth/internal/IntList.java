package dev.flexauth.internal;

import java.util.Arrays;

/**
 * A growable list of ints: a million entity or key positions are 4 MB of ints, not a million
 * boxed Integers. Not thread-safe; built by one thread, then read.
 */
public final class IntList {
    private int[] items = new int[8];
    private int size;

    /** Appends {@code v}. */
    public void add(int v) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = v;
    }

    /** The int at position {@code i} (0 to {@link #size()} - 1). */
    public int get(int i) {
        return items[i];
    }

    /** How many ints were added. */
    public int size() {
        return size;
    }
}
