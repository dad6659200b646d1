package dev.flexauth.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One entity of a registry snapshot: its id (unique within its kind) and its attribute values.
 * Values are {@link String}, {@link Long}, {@link Boolean} or {@link StringList}; an attribute the
 * entity lacks reads as {@code null}. Immutable and thread-safe.
 */
public final class Entity {
    private final String id;
    private final AttributeLayout layout;
    private final Object[] values;

    Entity(String id, AttributeLayout layout, Object[] values) {
        this.id = Objects.requireNonNull(id, "id");
        this.layout = layout;
        this.values = values;
    }

    /** The entity's id: the key requests name it by. */
    public String id() {
        return id;
    }

    /** The value in {@code slot} of the kind's {@link AttributeLayout}, or {@code null} if absent. */
    public Object valueAt(int slot) {
        return slot < values.length ? values[slot] : null;
    }

    /** The value of {@code attribute}, or {@code null} if the entity lacks it. */
    public Object get(String attribute) {
        int slot = layout.slotOf(attribute);
        return slot < 0 ? null : valueAt(slot);
    }

    /** The attributes the entity has, in slot order. */
    public Map<String, Object> attributes() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < layout.size(); i++) {
            Object v = valueAt(i);
            if (v != null) {
                m.put(layout.names().get(i), v);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return id + attributes();
    }
}
