package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Printer;
import dev.flexauth.registry.Entity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The grants two engines (old and new snapshot, old and new package) differ in. A registry is
 * finite and a package compares request fields only with its own constants and with entity
 * attributes, so for each entity every request the package can tell apart is enumerable: for each
 * other field, the values the rules compare it with (constants, the entity's attribute values,
 * other entities' keys), one value that matches none of them, and "absent" when the field is
 * optional; integers are cut into ranges at every bound the rules compare them with. Every
 * combination is decided by both engines; the ones whose decision differs are the grants gained
 * and lost, merged back into ranges and alternatives for display.
 *
 * <p>The requests come from {@link Domain}, the one enumeration that property checking uses too.
 * Every entity key of either registry is a focus, and so is one key neither holds (and any
 * other key a rule names), so a change in how unknown entities are decided shows too. Exact for
 * comparisons of a field with constants, keys and attributes, and for list fields of up to
 * {@value Domain#MAX_LIST_VALUES} interesting values; comparisons between two request fields are
 * sampled at the values of both. Stateless apart from one call's work:
 * {@link #between} may be called from any number of threads.
 */
public final class GrantDiff {
    /**
     * A merged set of grants for one entity, each line {@code field=value|value ...}.
     *
     * @param field  the entity field of the request, empty when the package has none
     * @param kind   its entity kind, empty when the package has none
     * @param id     the entity key, {@code null} when the package has no entity field
     * @param gained the requests allowed after and denied before, merged into lines
     * @param lost   the requests allowed before and denied after, merged into lines
     */
    public record EntityGrants(String field, String kind, String id, List<String> gained, List<String> lost) {
        public EntityGrants {
            gained = List.copyOf(gained);
            lost = List.copyOf(lost);
        }
    }

    /**
     * The grants gained and lost as counts and the first few lines, for a record of a change (a
     * server's reload), or why they were not enumerated.
     *
     * @param gained      how many grant lines were gained, over every entity
     * @param lost        how many were lost
     * @param firstGained the first gained lines, each prefixed with its entity ({@code actor agt-x: subject=...})
     * @param firstLost   the first lost lines
     * @param skipped     empty when the counts are complete; else why nothing was enumerated (the counts are then 0)
     */
    public record Summary(long gained, long lost, List<String> firstGained, List<String> firstLost, String skipped) {
        public Summary {
            firstGained = List.copyOf(firstGained);
            firstLost = List.copyOf(firstLost);
        }
    }

    private final Engine before;
    private final Engine after;
    private final Domain domain;
    private final List<Field> fields;
    private final long maxCombinations;
    private final long maxTotal;
    private long spent;

    private GrantDiff(Engine before, Engine after, long maxCombinations, long maxTotal) throws AnalysisException {
        this.before = before;
        this.after = after;
        this.maxCombinations = maxCombinations;
        this.maxTotal = maxTotal;
        this.domain = new Domain(List.of(before, after), List.of(), true);
        this.fields = domain.fields();
    }

    /**
     * The entities whose grants differ, in field order, then id order.
     *
     * @throws AnalysisException {@code incompatible_policies} when a request field changes type,
     *         {@code too_many_combinations} when one entity has more than {@code maxCombinations} requests to try
     */
    public static List<EntityGrants> between(Engine before, Engine after, long maxCombinations) throws AnalysisException {
        return new GrantDiff(before, after, maxCombinations, Long.MAX_VALUE).run();
    }

    /**
     * The grants {@code after} gained and lost against {@code before}, summarised: counts and the
     * first {@code first} lines of each. Bounded: when more than {@code maxTotal} requests would
     * have to be decided (each by both engines) over all entities, or the packages cannot be
     * compared, nothing is counted and {@link Summary#skipped()} says why. With one package, only
     * the entities whose attributes changed are enumerated, so a promotion that touches a few of
     * 100,000 actors costs a pass over the keys plus those few entities.
     */
    public static Summary summary(Engine before, Engine after, long maxTotal, int first) {
        List<EntityGrants> grants;
        try {
            grants = new GrantDiff(before, after, maxTotal, maxTotal).run();
        } catch (AnalysisException e) {
            return new Summary(0, 0, List.of(), List.of(), e.getMessage());
        }
        long gained = 0;
        long lost = 0;
        List<String> firstGained = new ArrayList<>();
        List<String> firstLost = new ArrayList<>();
        for (EntityGrants g : grants) {
            String who = g.id() == null ? "" : g.kind() + " " + g.id() + ": ";
            gained += g.gained().size();
            lost += g.lost().size();
            g.gained().stream().limit(Math.max(0, first - firstGained.size())).forEach(l -> firstGained.add(who + l));
            g.lost().stream().limit(Math.max(0, first - firstLost.size())).forEach(l -> firstLost.add(who + l));
        }
        return new Summary(gained, lost, firstGained, firstLost, "");
    }

    private List<EntityGrants> run() throws AnalysisException {
        List<EntityGrants> out = new ArrayList<>();
        boolean anyEntityField = false;
        long entityFields = fields.stream().filter(f -> f.type().isEntity()).count();
        // With one package and one entity field, every value a rule can see for a request about an
        // entity comes from that entity or the package: an entity unchanged between the snapshots
        // keeps all its decisions, so a promotion that touches a few of many entities is quick.
        boolean skipUnchanged = entityFields == 1 && before.policy().digest().equals(after.policy().digest());
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            if (!f.type().isEntity()) {
                continue;
            }
            anyEntityField = true;
            for (String key : domain.focusKeys(i, true)) {
                if (skipUnchanged && unchanged(f.type().entityKind(), key)) {
                    continue;
                }
                EntityGrants g = grants(i, key);
                if (!g.gained().isEmpty() || !g.lost().isEmpty()) {
                    out.add(g);
                }
            }
        }
        if (!anyEntityField) {
            EntityGrants g = grants(-1, null);
            if (!g.gained().isEmpty() || !g.lost().isEmpty()) {
                out.add(g);
            }
        }
        return out;
    }

    private boolean unchanged(String kind, String key) {
        Entity was = before.registry().kind(kind).map(k -> k.find(key)).orElse(null);
        Entity is = after.registry().kind(kind).map(k -> k.find(key)).orElse(null);
        // A key in neither registry gets the same decisions from the same package: nothing to enumerate.
        return was == null && is == null || was != null && is != null && was.attributes().equals(is.attributes());
    }

    private EntityGrants grants(int focus, String key) throws AnalysisException {
        List<List<Atom>> atoms = domain.atoms(focus, key);
        long total = 1;
        for (List<Atom> a : atoms) {
            total = saturatingMultiply(total, a.size());
        }
        String focusName = focus < 0 ? "request" : fields.get(focus).type().entityKind() + " " + key;
        spent = Math.min(Long.MAX_VALUE - total, spent) + total;
        if (spent > maxTotal) {
            throw new AnalysisException("too_many_combinations", "the change needs more than " + maxTotal
                    + " requests decided to enumerate (reached at " + focusName + "); run flex-auth diff on the two pairs");
        }
        if (total > maxCombinations) {
            throw new AnalysisException("too_many_combinations", "the packages tell apart more than " + maxCombinations
                    + " requests for " + focusName + "; raise --max-combinations to enumerate them anyway");
        }
        List<int[]> gained = new ArrayList<>();
        List<int[]> lost = new ArrayList<>();
        int[] index = new int[fields.size()];
        Object[] values = new Object[fields.size()];
        for (long n = 0; n < total; n++) {
            for (int i = 0; i < index.length; i++) {
                values[i] = atoms.get(i).get(index[i]).value();
            }
            boolean was = allowed(before, values);
            boolean is = allowed(after, values);
            if (is && !was) {
                gained.add(index.clone());
            } else if (was && !is) {
                lost.add(index.clone());
            }
            for (int i = index.length - 1; i >= 0; i--) {
                if (++index[i] < atoms.get(i).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
        String field = focus < 0 ? "" : fields.get(focus).name();
        String kind = focus < 0 ? "" : fields.get(focus).type().entityKind();
        return new EntityGrants(field, kind, key, merge(gained, atoms, focus), merge(lost, atoms, focus));
    }

    static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    private boolean allowed(Engine engine, Object[] values) {
        Request.Builder b = engine.request();
        try {
            for (int i = 0; i < values.length; i++) {
                String name = fields.get(i).name();
                if (engine.policy().request().field(name).isEmpty()) {
                    if (values[i] != null) {
                        return false; // the package refuses a request with a field it does not know
                    }
                    continue;
                }
                b.put(name, values[i]);
            }
            return engine.check(b.build()).allowed();
        } catch (RequestException refused) {
            return false; // a request the package refuses as invalid is never allowed
        }
    }

    // --- Merging combinations back into readable lines.

    private List<String> merge(List<int[]> combinations, List<List<Atom>> atoms, int focus) {
        List<List<TreeSet<Integer>>> tuples = new ArrayList<>();
        for (int[] c : combinations) {
            List<TreeSet<Integer>> t = new ArrayList<>();
            for (int i : c) {
                t.add(new TreeSet<>(List.of(i)));
            }
            tuples.add(t);
        }
        boolean changed = !tuples.isEmpty();
        while (changed) {
            changed = false;
            for (int i = 0; i < fields.size(); i++) {
                Map<List<TreeSet<Integer>>, TreeSet<Integer>> groups = new LinkedHashMap<>();
                for (List<TreeSet<Integer>> t : tuples) {
                    List<TreeSet<Integer>> rest = new ArrayList<>(t);
                    rest.set(i, null);
                    groups.computeIfAbsent(rest, r -> new TreeSet<>()).addAll(t.get(i));
                }
                if (groups.size() < tuples.size()) {
                    changed = true;
                    List<List<TreeSet<Integer>>> merged = new ArrayList<>();
                    for (Map.Entry<List<TreeSet<Integer>>, TreeSet<Integer>> g : groups.entrySet()) {
                        List<TreeSet<Integer>> t = new ArrayList<>(g.getKey());
                        t.set(i, g.getValue());
                        merged.add(t);
                    }
                    tuples = merged;
                }
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<TreeSet<Integer>> t : tuples) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < fields.size(); i++) {
                List<Atom> a = atoms.get(i);
                if (i == focus || a.get(0).kind() == Atom.Kind.ANY) {
                    continue;
                }
                parts.add(fields.get(i).name() + "=" + show(t.get(i), a));
            }
            lines.add(String.join(" ", parts));
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }

    private static String show(TreeSet<Integer> chosen, List<Atom> atoms) {
        if (chosen.size() == atoms.size() && atoms.size() > 1) {
            return "any";
        }
        List<String> parts = new ArrayList<>();
        Atom open = null; // a range being extended over adjacent ranges
        for (int i : chosen) {
            Atom a = atoms.get(i);
            if (a.kind() == Atom.Kind.RANGE) {
                if (open != null && open.hi() != Long.MAX_VALUE && open.hi() + 1 == a.lo()) {
                    open = Atom.range(open.lo(), a.hi());
                    continue;
                }
                if (open != null) {
                    parts.add(range(open));
                }
                open = a;
                continue;
            }
            if (open != null) {
                parts.add(range(open));
                open = null;
            }
            parts.add(a.kind() == Atom.Kind.ABSENT ? "absent" : a.kind() == Atom.Kind.OTHER ? (String) a.value()
                    : value(a.value()));
        }
        if (open != null) {
            parts.add(range(open));
        }
        return String.join("|", parts);
    }

    private static String value(Object v) {
        if (v instanceof List) {
            return ((List<?>) v).stream().map(GrantDiff::value).collect(Collectors.joining(", ", "[", "]"));
        }
        return Printer.literal(v);
    }

    private static String range(Atom a) {
        if (a.lo() == a.hi()) {
            return String.valueOf(a.lo());
        }
        if (a.lo() == Long.MIN_VALUE && a.hi() == Long.MAX_VALUE) {
            return "(any integer)";
        }
        return (a.lo() == Long.MIN_VALUE ? "" : String.valueOf(a.lo())) + ".."
                + (a.hi() == Long.MAX_VALUE ? "" : String.valueOf(a.hi()));
    }
}
