package dev.flexauth.cli;

import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** The entities two registry snapshots differ in: added, removed, and changed attribute by attribute. */
final class EntityDiff {
    private EntityDiff() {
    }

    enum Change {
        ADDED("+"), REMOVED("-"), CHANGED("~");

        final String mark;

        Change(String mark) {
            this.mark = mark;
        }
    }

    /**
     * One entity that differs.
     *
     * @param attributes the entity's attributes when added, its changed attributes otherwise
     */
    record EntityChange(String kind, String id, Change change, List<AttributeChange> attributes) {
        EntityChange {
            attributes = List.copyOf(attributes);
        }
    }

    /** One attribute's value before and after; {@code null} when absent. */
    record AttributeChange(String name, Object before, Object after) {
    }

    /** The differences, sorted by kind, then id. */
    static List<EntityChange> between(Registry before, Registry after) {
        TreeSet<String> kinds = new TreeSet<>(before.kinds().keySet());
        kinds.addAll(after.kinds().keySet());
        List<EntityChange> out = new ArrayList<>();
        for (String kind : kinds) {
            EntityKind b = before.kinds().get(kind);
            EntityKind a = after.kinds().get(kind);
            TreeSet<String> ids = new TreeSet<>();
            if (b != null) {
                b.entities().forEach(e -> ids.add(e.id()));
            }
            if (a != null) {
                a.entities().forEach(e -> ids.add(e.id()));
            }
            for (String id : ids) {
                Entity was = b == null ? null : b.find(id);
                Entity is = a == null ? null : a.find(id);
                if (was == null) {
                    out.add(new EntityChange(kind, id, Change.ADDED, attributes(null, is.attributes())));
                } else if (is == null) {
                    out.add(new EntityChange(kind, id, Change.REMOVED, attributes(was.attributes(), null)));
                } else {
                    List<AttributeChange> changed = changed(was.attributes(), is.attributes());
                    if (!changed.isEmpty()) {
                        out.add(new EntityChange(kind, id, Change.CHANGED, changed));
                    }
                }
            }
        }
        return out;
    }

    private static List<AttributeChange> attributes(Map<String, Object> before, Map<String, Object> after) {
        List<AttributeChange> out = new ArrayList<>();
        Map<String, Object> m = before != null ? before : after;
        m.forEach((name, v) -> out.add(new AttributeChange(name, before == null ? null : v, after == null ? null : v)));
        return out;
    }

    private static List<AttributeChange> changed(Map<String, Object> before, Map<String, Object> after) {
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        List<AttributeChange> out = new ArrayList<>();
        for (String name : names) {
            Object b = before.get(name);
            Object a = after.get(name);
            if (!Objects.equals(b, a)) {
                out.add(new AttributeChange(name, b, a));
            }
        }
        return out;
    }
}
