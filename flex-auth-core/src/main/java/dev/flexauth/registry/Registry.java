package dev.flexauth.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A validated registry snapshot: entity kinds, their entities and attributes, where the data came
 * from, and the SHA-256 digest of its canonical form. Built by {@link RegistryLoader} from JSON or
 * by {@link #builder(Source)} from Java. Immutable and thread-safe; share one instance freely.
 */
public final class Registry {
    /** The most entity-level mismatches {@link #mismatches} lists one by one. */
    public static final int MAX_MISMATCHES = 200;

    private final Source source;
    private final int formatVersion;
    private final Map<String, EntityKind> kinds;
    private final String digest;
    private final long entityCount;

    Registry(Source source, int formatVersion, Collection<EntityKind> kinds) {
        this.source = Objects.requireNonNull(source, "source");
        this.formatVersion = formatVersion;
        Map<String, EntityKind> m = new TreeMap<>();
        long count = 0;
        for (EntityKind k : kinds) {
            m.put(k.name(), k);
            count += k.size();
        }
        this.kinds = Collections.unmodifiableMap(m);
        this.entityCount = count;
        this.digest = CanonicalDigest.of(formatVersion, this.kinds.values());
    }

    /** Where the snapshot came from. */
    public Source source() {
        return source;
    }

    /** The snapshot format version (currently 1). */
    public int formatVersion() {
        return formatVersion;
    }

    /** {@code sha256:} and 64 hex digits over the canonical form; see {@code docs/registry-format.md}. */
    public String digest() {
        return digest;
    }

    /** The kinds by name, sorted. */
    public Map<String, EntityKind> kinds() {
        return kinds;
    }

    /** The kind named {@code name}, if the snapshot has it. */
    public Optional<EntityKind> kind(String name) {
        return Optional.ofNullable(kinds.get(name));
    }

    /** Entity counts by kind, sorted by kind. */
    public Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        kinds.forEach((name, kind) -> m.put(name, kind.size()));
        return Collections.unmodifiableMap(m);
    }

    /** The number of entities of all kinds. */
    public long entityCount() {
        return entityCount;
    }

    /**
     * What this snapshot lacks of {@code schema}, as messages; empty if it satisfies it: every
     * declared kind is present, and every entity of it has every declared attribute, of the
     * declared type. A snapshot loaded without the schema (or built in Java) may have entities
     * that lack an attribute; an engine built on it would read the attribute as absent and could
     * allow with missing outputs, so {@code Engine.of} refuses it. At most
     * {@value #MAX_MISMATCHES} entity messages are listed, then a count of the rest. The loader
     * reports the same problems with JSON paths when given the schema.
     */
    public List<String> mismatches(RegistrySchema schema) {
        List<String> out = new ArrayList<>();
        long[] more = {0};
        schema.kinds().forEach((kindName, attrs) -> {
            EntityKind kind = kinds.get(kindName);
            if (kind == null) {
                out.add("the snapshot has no entity kind \"" + kindName + "\"");
                return;
            }
            List<String> names = new ArrayList<>();
            List<Integer> slots = new ArrayList<>();
            attrs.forEach((attr, type) -> {
                Optional<AttributeType> actual = kind.layout().typeOf(attr);
                if (actual.isEmpty()) {
                    out.add("kind \"" + kindName + "\" has no attribute \"" + attr + "\" (" + type + ")");
                } else if (actual.get() != type) {
                    out.add("attribute \"" + kindName + "." + attr + "\" is " + actual.get() + ", expected " + type);
                } else {
                    names.add(attr);
                    slots.add(kind.layout().slotOf(attr));
                }
            });
            int[] slotArray = new int[slots.size()];
            for (int i = 0; i < slotArray.length; i++) {
                slotArray[i] = slots.get(i);
            }
            for (Entity e : kind.entities()) {
                for (int i = 0; i < slotArray.length; i++) {
                    if (e.valueAt(slotArray[i]) == null) {
                        if (out.size() < MAX_MISMATCHES) {
                            out.add(kindName + " \"" + e.id() + "\" lacks attribute \"" + names.get(i) + "\" ("
                                    + attrs.get(names.get(i)) + "), which the policy's Registry table declares");
                        } else {
                            more[0]++;
                        }
                    }
                }
            }
        });
        if (more[0] > 0) {
            out.add("... and " + more[0] + " more missing attributes");
        }
        return out;
    }

    /** A builder for a snapshot assembled in Java (tests, embedding, generators). */
    public static Builder builder(Source source) {
        return new Builder(source);
    }

    /**
     * Assembles a {@link Registry} in Java. Declare each kind's attributes, then add entities;
     * {@link #build()} checks types and ids and throws {@link IllegalArgumentException} on misuse.
     * Not thread-safe; the registry it builds is.
     */
    public static final class Builder {
        private final Source source;
        private final Map<String, AttributeLayout> layouts = new LinkedHashMap<>();
        private final Map<String, Map<String, Entity>> entities = new LinkedHashMap<>();

        private Builder(Source source) {
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Declares kind {@code name} with {@code attributes} (name to type), in slot order. */
        public Builder kind(String name, Map<String, AttributeType> attributes) {
            if (!Names.isIdentifier(name)) {
                throw new IllegalArgumentException("kind name \"" + name + "\" is not an identifier");
            }
            attributes.keySet().forEach(a -> {
                if (!Names.isIdentifier(a) || a.equals("id")) {
                    throw new IllegalArgumentException("attribute name \"" + a + "\" must be an identifier other than id");
                }
            });
            layouts.put(name, AttributeLayout.of(attributes));
            entities.put(name, new LinkedHashMap<>());
            return this;
        }

        /**
         * Adds an entity. Values: {@link String}, {@link Long} or {@link Integer}, {@link Boolean},
         * or a {@code List<String>}, matching the declared types; a declared attribute may be left out.
         */
        public Builder entity(String kind, String id, Map<String, ?> attributes) {
            AttributeLayout layout = layouts.get(kind);
            if (layout == null) {
                throw new IllegalArgumentException("kind \"" + kind + "\" is not declared; call kind() first");
            }
            String idProblem = Names.idProblem(id);
            if (idProblem != null) {
                throw new IllegalArgumentException(kind + " id: " + idProblem);
            }
            Object[] values = new Object[layout.size()];
            attributes.forEach((name, raw) -> {
                int slot = layout.slotOf(name);
                if (slot < 0) {
                    throw new IllegalArgumentException(kind + " \"" + id + "\": attribute \"" + name + "\" is not declared");
                }
                Object v = normalize(raw);
                if (!layout.typeAt(slot).accepts(v)) {
                    throw new IllegalArgumentException(kind + " \"" + id + "\"." + name + ": expected "
                            + layout.typeAt(slot) + ", got " + (raw == null ? "null" : raw.getClass().getSimpleName()));
                }
                values[slot] = v;
            });
            if (entities.get(kind).putIfAbsent(id, new Entity(id, layout, values)) != null) {
                throw new IllegalArgumentException(kind + " \"" + id + "\" is added twice");
            }
            return this;
        }

        private static Object normalize(Object raw) {
            if (raw instanceof Integer) {
                return Long.valueOf((Integer) raw);
            }
            if (raw instanceof List && !(raw instanceof StringList)) {
                List<?> list = (List<?>) raw;
                String[] items = new String[list.size()];
                for (int i = 0; i < items.length; i++) {
                    if (!(list.get(i) instanceof String)) {
                        return raw; // rejected by the type check
                    }
                    items[i] = (String) list.get(i);
                }
                return StringList.wrap(items);
            }
            return raw;
        }

        /** The snapshot. */
        public Registry build() {
            List<EntityKind> kinds = new ArrayList<>();
            layouts.forEach((name, layout) -> {
                List<Entity> sorted = new ArrayList<>(entities.get(name).values());
                sorted.sort(Comparator.comparing(Entity::id));
                kinds.add(new EntityKind(name, layout, sorted));
            });
            return new Registry(source, RegistryLoader.FORMAT_VERSION, kinds);
        }
    }
}
