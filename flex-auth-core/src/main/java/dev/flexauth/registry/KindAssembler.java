package dev.flexauth.registry;

import dev.flexauth.reason.RegistryCode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns the kinds a {@link SnapshotParser} collected into a {@link Registry}: the id index, duplicate ids, sorted entities. */
final class KindAssembler {
    private KindAssembler() {
    }

    /**
     * Builds the kinds, reporting duplicate ids on the way; returns null if the snapshot has
     * problems. The id index is built here, once, in document order, so the first occurrence of
     * a duplicate is the one named; the same index then serves lookups.
     */
    static Registry assemble(Collection<KindInProgress> kinds, ProblemList problems, Source source, Integer formatVersion) {
        boolean valid = problems.total() == 0;
        List<EntityKind> out = new ArrayList<>();
        for (KindInProgress k : kinds) {
            AttributeLayout layout = valid ? new AttributeLayout(k.names, k.types) : null;
            int n = k.ids.size();
            Map<String, Object> byId = new HashMap<>(Math.max(16, (int) (n / 0.75f) + 1));
            Entity[] entities = new Entity[n];
            for (int i = 0; i < n; i++) {
                String id = k.ids.get(i);
                Object[] v = k.values.get(i);
                Object e = layout == null ? Boolean.TRUE
                        : new Entity(id, layout, v.length == layout.size() ? v : Arrays.copyOf(v, layout.size()));
                if (byId.putIfAbsent(id, e) != null) {
                    duplicate(k, i, problems);
                } else if (layout != null) {
                    entities[i] = (Entity) e;
                }
            }
            if (problems.total() == 0) {
                Arrays.parallelSort(entities, Comparator.comparing(Entity::id));
                @SuppressWarnings("unchecked")
                Map<String, Entity> index = (Map<String, Entity>) (Map<String, ?>) byId;
                out.add(new EntityKind(k.name, layout, Arrays.asList(entities), index));
            }
        }
        return problems.total() > 0 ? null : new Registry(source, formatVersion, out);
    }

    private static void duplicate(KindInProgress k, int i, ProblemList problems) {
        if (!problems.keepsMore()) {
            // Counted only: naming the first occurrence is a scan of the kind, too slow to repeat for
            // every repeat of a snapshot listed twice.
            problems.count();
            return;
        }
        String id = k.ids.get(i);
        String kindPath = Paths.member("entities", k.name);
        problems.add(kindPath + "[" + k.indexes.get(i) + "].id", RegistryCode.DUPLICATE_ENTITY, "duplicate id "
                + Describe.quote(id) + " (first at " + kindPath + "[" + k.indexes.get(k.ids.indexOf(id))
                + "]); ids are unique within a kind");
    }
}
