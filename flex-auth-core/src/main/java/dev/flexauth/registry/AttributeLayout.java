package dev.flexauth.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of one entity kind, in slot order: each entity keeps its values in an array
 * indexed by slot, so a compiled rule reads an attribute without a map lookup. Immutable.
 */
public final class AttributeLayout {
    private final List<String> names;
    private final List<AttributeType> types;
    private final Map<String, Integer> slots;

    AttributeLayout(List<String> names, List<AttributeType> types) {
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        Map<String, Integer> s = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            s.put(names.get(i), i);
        }
        this.slots = Collections.unmodifiableMap(s);
    }

    /** A layout of the given attributes, in the map's iteration order. */
    public static AttributeLayout of(Map<String, AttributeType> attributes) {
        return new AttributeLayout(new ArrayList<>(attributes.keySet()), new ArrayList<>(attributes.values()));
    }

    /** Attribute names in slot order. */
    public List<String> names() {
        return names;
    }

    /** The number of slots. */
    public int size() {
        return names.size();
    }

    /** The slot of {@code attribute}, or -1 if the kind has no such attribute. */
    public int slotOf(String attribute) {
        Integer slot = slots.get(attribute);
        return slot == null ? -1 : slot;
    }

    /** The type of {@code attribute}, if the kind has it. */
    public Optional<AttributeType> typeOf(String attribute) {
        int slot = slotOf(attribute);
        return slot < 0 ? Optional.empty() : Optional.of(types.get(slot));
    }

    /** The type held in {@code slot}. */
    public AttributeType typeAt(int slot) {
        return types.get(slot);
    }

    /** The attributes with their types, in slot order. */
    public Map<String, AttributeType> asMap() {
        Map<String, AttributeType> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), types.get(i));
        }
        return Collections.unmodifiableMap(m);
    }
}
