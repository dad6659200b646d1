package dev.flexauth.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * All entities of one kind (e.g. {@code actor}) in a snapshot, with their attribute layout.
 * Lookup by id is a hash lookup. Immutable and thread-safe.
 */
public final class EntityKind {
    private final String name;
    private final AttributeLayout layout;
    private final List<Entity> entities;
    private final Map<String, Entity> byId;

    /** {@code sorted} must be sorted by id without duplicates; the loader and builder guarantee it. */
    EntityKind(String name, AttributeLayout layout, List<Entity> sorted) {
        this(name, layout, sorted, index(sorted));
    }

    /** With the id index already built (by the loader, which builds it to find duplicates). */
    EntityKind(String name, AttributeLayout layout, List<Entity> sorted, Map<String, Entity> byId) {
        this.name = name;
        this.layout = layout;
        this.entities = List.copyOf(sorted);
        this.byId = byId;
    }

    private static Map<String, Entity> index(List<Entity> entities) {
        Map<String, Entity> m = new HashMap<>(Math.max(16, (int) (entities.size() / 0.75f) + 1));
        for (Entity e : entities) {
            m.put(e.id(), e);
        }
        return m;
    }

    /** The kind's name, e.g. {@code actor}. */
    public String name() {
        return name;
    }

    /** The kind's attributes and their slots. */
    public AttributeLayout layout() {
        return layout;
    }

    /** The entities, sorted by id. */
    public List<Entity> entities() {
        return entities;
    }

    /** The number of entities. */
    public int size() {
        return entities.size();
    }

    /** The entity with {@code id}, or {@code null}: the allocation-free lookup of the hot path. */
    public Entity find(String id) {
        return byId.get(id);
    }

    /** The entity with {@code id}, if present. */
    public Optional<Entity> entity(String id) {
        return Optional.ofNullable(byId.get(id));
    }
}
