package dev.flexauth.registry;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.RandomAccess;
import java.util.Set;

/**
 * An immutable list of strings with a fast {@link #contains}: a linear scan for the short lists
 * registries usually hold (allowed subjects, roles), a hash set beyond {@value #INDEX_THRESHOLD}
 * elements. Thread-safe.
 */
public final class StringList extends AbstractList<String> implements RandomAccess {
    static final int INDEX_THRESHOLD = 12;
    private static final StringList EMPTY = new StringList(new String[0]);

    private final String[] items;
    private final Set<String> index;

    private StringList(String[] items) {
        this.items = items;
        this.index = items.length > INDEX_THRESHOLD ? new HashSet<>(Arrays.asList(items)) : null;
    }

    /** A list of {@code items}, which must not contain {@code null}. */
    public static StringList of(String... items) {
        return items.length == 0 ? EMPTY : new StringList(copyChecked(items));
    }

    /** A list of the strings in {@code items}, which must not contain {@code null}. */
    public static StringList copyOf(Collection<String> items) {
        if (items instanceof StringList) {
            return (StringList) items;
        }
        return items.isEmpty() ? EMPTY : new StringList(copyChecked(items.toArray(new String[0])));
    }

    /** Takes ownership of {@code items} without copying: only for loaders that built the array. */
    static StringList wrap(String[] items) {
        return items.length == 0 ? EMPTY : new StringList(items);
    }

    private static String[] copyChecked(String[] items) {
        String[] copy = items.clone();
        for (String s : copy) {
            if (s == null) {
                throw new NullPointerException("a StringList cannot hold null");
            }
        }
        return copy;
    }

    /** The backing array, for the loader's sharing of equal strings before the list is published. */
    String[] items() {
        return items;
    }

    @Override
    public String get(int i) {
        return items[i];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public boolean contains(Object o) {
        if (index != null) {
            return index.contains(o);
        }
        for (String s : items) {
            if (s.equals(o)) {
                return true;
            }
        }
        return false;
    }

    /** Copies the elements into a plain immutable list. */
    public List<String> toList() {
        return List.of(items);
    }
}
