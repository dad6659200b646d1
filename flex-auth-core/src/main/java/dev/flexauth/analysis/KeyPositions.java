package dev.flexauth.analysis;

import java.util.Arrays;

/**
 * A growable list of key positions (indexes into the checker's key list): a million keys in one
 * class are 4 MB of ints, not a million boxed Integers left in the old generation at start-up.
 */
final class KeyPositions {
    private int[] items = new int[4];
    private int size;

    void add(int k) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        items[size++] = k;
    }

    int get(int i) {
        return items[i];
    }

    int size() {
        return size;
    }
}
