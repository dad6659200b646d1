package dev.flexauth.registry;

import dev.flexauth.internal.IntList;
import dev.flexauth.reason.RegistryCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** A kind while its entities are read: the layout grows as attributes appear, unless declared. */
final class KindInProgress {
    final String name;
    final Map<String, AttributeType> declared;
    final List<String> names = new ArrayList<>();
    final List<AttributeType> types = new ArrayList<>();
    final List<String> firstAt = new ArrayList<>();
    final Map<String, Integer> slots = new HashMap<>();
    final IntList indexes = new IntList();
    private boolean[] seen = new boolean[0];

    /** The per-entity "member seen" flags, cleared; reused so a million entities allocate none. */
    boolean[] seen() {
        if (seen.length < names.size()) {
            seen = new boolean[names.size()];
        } else {
            Arrays.fill(seen, false);
        }
        return seen;
    }

    /** The flags grown to a new attribute count, keeping what was seen. */
    boolean[] seen(boolean[] current) {
        seen = Arrays.copyOf(current, names.size());
        return seen;
    }
    final Set<String> reportedUndeclared = new HashSet<>();
    final List<String> ids = new ArrayList<>();
    final List<Object[]> values = new ArrayList<>();

    private final ProblemList problems;

    KindInProgress(String name, Map<String, AttributeType> declared, ProblemList problems) {
        this.name = name;
        this.problems = problems;
        this.declared = declared;
        if (declared != null) {
            declared.forEach((attr, type) -> {
                slots.put(attr, names.size());
                names.add(attr);
                types.add(type);
                firstAt.add(null);
            });
        }
    }

    int size() {
        return names.size();
    }

    AttributeType typeAt(int slot) {
        return types.get(slot);
    }

    String firstPathOf(int slot) {
        return firstAt.get(slot);
    }

    // The last entity's member order: entities of one kind nearly always list their members in the
    // same order, and the parser hands over the same String for the same name, so an identity
    // check at the member's position finds its slot without a hash lookup.
    private String[] namesAt = new String[8];
    private int[] slotsAt = new int[8];

    /**
     * The slot of {@code attr}, the member at {@code position} (0-based) of its entity, creating it
     * when inferring; -1 after a problem, whose path {@code entityPath} gives.
     */
    int slotFor(String attr, int position, Supplier<String> entityPath) {
        if (position < namesAt.length && namesAt[position] == attr) {
            return slotsAt[position];
        }
        int slot = slotFor(attr, entityPath);
        if (slot >= 0 && position < namesAt.length) {
            namesAt[position] = attr;
            slotsAt[position] = slot;
        }
        return slot;
    }

    private int slotFor(String attr, Supplier<String> entityPath) {
        Integer slot = slots.get(attr);
        if (slot != null) {
            return slot;
        }
        if (declared != null) {
            problems.add(Paths.member(entityPath.get(), attr), RegistryCode.UNDECLARED_ATTRIBUTE, "attribute \"" + attr
                    + "\" is not declared for kind \"" + name + "\" in the policy's Registry table (declared: "
                    + String.join(", ", declared.keySet()) + ")");
            return -1;
        }
        if (!Names.isIdentifier(attr)) {
            if (reportedUndeclared.add(attr)) {
                problems.add(Paths.member(entityPath.get(), attr), RegistryCode.BAD_VALUE, "attribute name " + Describe.quote(attr)
                        + " is not an identifier (letters, digits, underscore; not starting with a digit)");
            }
            return -1;
        }
        slots.put(attr, names.size());
        names.add(attr);
        types.add(null);
        firstAt.add(Paths.member(entityPath.get(), attr));
        return names.size() - 1;
    }

    /** Fixes an inferred slot's type from its first value. */
    void infer(int slot, Object value) {
        if (types.get(slot) == null) {
            types.set(slot, typeOf(value));
        }
    }

    private static AttributeType typeOf(Object value) {
        if (value instanceof String) {
            return AttributeType.STRING;
        }
        if (value instanceof Long) {
            return AttributeType.INTEGER;
        }
        if (value instanceof Boolean) {
            return AttributeType.BOOLEAN;
        }
        return AttributeType.STRING_LIST;
    }
}
