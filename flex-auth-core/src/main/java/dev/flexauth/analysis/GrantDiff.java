package dev.flexauth.analysis;

import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Expr;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Printer;
import dev.flexauth.policy.Rule;
import dev.flexauth.registry.AttributeType;
import dev.flexauth.registry.Entity;
import dev.flexauth.registry.EntityKind;
import dev.flexauth.registry.Registry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Exact for comparisons of a field with constants and attributes; comparisons between two
 * request fields are sampled at the values of both. Stateless apart from one call's work:
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

    /** Where a field's interesting values come from. */
    private sealed interface Source {
    }

    private record Constant(Object value) implements Source {
    }

    private record Attribute(String field, String attribute) implements Source {
    }

    private record FieldValue(String field) implements Source {
    }

    /** One representative value of a field; ranges stand for every integer from {@code lo} to {@code hi}. */
    private record Atom(AtomKind kind, Object value, long lo, long hi) {
        static Atom of(AtomKind kind, Object value) {
            return new Atom(kind, value, 0, 0);
        }
    }

    private enum AtomKind {
        ABSENT, VALUE, RANGE, OTHER, ANY
    }

    private final Engine before;
    private final Engine after;
    private final List<Field> fields = new ArrayList<>();
    private final Map<String, Set<Source>> sources = new LinkedHashMap<>();
    private final Set<String> referenced = new LinkedHashSet<>();
    private final long maxCombinations;

    private GrantDiff(Engine before, Engine after, long maxCombinations) throws AnalysisException {
        this.before = before;
        this.after = after;
        this.maxCombinations = maxCombinations;
        unionOfFields();
        for (Engine e : List.of(before, after)) {
            for (Rule r : e.policy().rules()) {
                if (r.condition() != null) {
                    collect(r.condition());
                }
            }
        }
    }

    /**
     * The entities whose grants differ, in field order, then id order.
     *
     * @throws AnalysisException {@code incompatible_policies} when a request field changes type,
     *         {@code too_many_combinations} when one entity has more than {@code maxCombinations} requests to try
     */
    public static List<EntityGrants> between(Engine before, Engine after, long maxCombinations) throws AnalysisException {
        return new GrantDiff(before, after, maxCombinations).run();
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
            for (String key : keys(f.type().entityKind())) {
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
        return was != null && is != null && was.attributes().equals(is.attributes());
    }

    private EntityGrants grants(int focus, String key) throws AnalysisException {
        List<List<Atom>> atoms = new ArrayList<>();
        long total = 1;
        for (int i = 0; i < fields.size(); i++) {
            List<Atom> a = i == focus ? List.of(Atom.of(AtomKind.VALUE, key)) : atoms(fields.get(i), focus, key);
            atoms.add(a);
            total = saturatingMultiply(total, a.size());
        }
        String focusName = focus < 0 ? "request" : fields.get(focus).type().entityKind() + " " + key;
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
                values[i] = value(atoms.get(i).get(index[i]));
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

    private static long saturatingMultiply(long a, long b) {
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

    // --- The fields and what the rules compare them with.

    private void unionOfFields() throws AnalysisException {
        Map<String, Field> byName = new LinkedHashMap<>();
        for (Engine e : List.of(before, after)) {
            for (Field f : e.policy().request().fields()) {
                Field seen = byName.get(f.name());
                if (seen == null) {
                    byName.put(f.name(), f);
                } else if (!seen.type().equals(f.type())) {
                    throw new AnalysisException("incompatible_policies", "request field \"" + f.name() + "\" is "
                            + seen.type() + " in the old package and " + f.type()
                            + " in the new one; grants cannot be compared across a change of type");
                } else if (seen.required() && !f.required()) {
                    byName.put(f.name(), f); // optional in either: absent is a request to try
                }
            }
        }
        fields.addAll(byName.values());
        fields.forEach(f -> sources.put(f.name(), new LinkedHashSet<>()));
    }

    private void collect(Expr e) {
        if (e instanceof Expr.Compare) {
            Expr.Compare c = (Expr.Compare) e;
            relate(c.left(), c.right());
            relate(c.right(), c.left());
        } else if (e instanceof Expr.In) {
            Expr.In in = (Expr.In) e;
            mark(in.item());
            mark(in.list());
            if (plainField(in.item()) != null) {
                String f = plainField(in.item());
                if (in.list() instanceof Expr.ListLiteral) {
                    ((Expr.ListLiteral) in.list()).items().forEach(l -> sources.get(f).add(new Constant(l.value())));
                } else {
                    sources.get(f).add(source(in.list()));
                }
            }
            if (plainField(in.list()) != null && !(in.item() instanceof Expr.ListLiteral)) {
                sources.get(plainField(in.list())).add(source(in.item()));
            }
        } else if (e instanceof Expr.Test) {
            mark(((Expr.Test) e).operand());
        } else if (e instanceof Expr.And) {
            ((Expr.And) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Or) {
            ((Expr.Or) e).operands().forEach(this::collect);
        } else if (e instanceof Expr.Not) {
            collect(((Expr.Not) e).operand());
        } else {
            mark(e);
        }
    }

    private void relate(Expr target, Expr other) {
        mark(target);
        String f = plainField(target);
        if (f != null && !(other instanceof Expr.ListLiteral)) {
            sources.get(f).add(source(other));
        }
    }

    private void mark(Expr e) {
        if (e instanceof Expr.Ref) {
            referenced.add(((Expr.Ref) e).field());
        }
    }

    private String plainField(Expr e) {
        if (e instanceof Expr.Ref && !((Expr.Ref) e).isAttribute() && sources.containsKey(((Expr.Ref) e).field())) {
            return ((Expr.Ref) e).field();
        }
        return null;
    }

    private static Source source(Expr e) {
        if (e instanceof Expr.Literal) {
            return new Constant(((Expr.Literal) e).value());
        }
        Expr.Ref r = (Expr.Ref) e;
        return r.isAttribute() ? new Attribute(r.field(), r.attribute()) : new FieldValue(r.field());
    }

    // --- Representative values.

    private List<Atom> atoms(Field f, int focus, String key) {
        boolean optional = !f.required();
        AttributeType type = f.type().wireType();
        if (!referenced.contains(f.name())) {
            Object any = optional ? null : type == AttributeType.INTEGER ? (Object) 0L
                    : type == AttributeType.BOOLEAN ? (Object) Boolean.FALSE
                    : type == AttributeType.STRING_LIST ? (Object) List.of() : "<any>";
            return List.of(Atom.of(AtomKind.ANY, any));
        }
        List<Atom> out = new ArrayList<>();
        if (optional) {
            out.add(Atom.of(AtomKind.ABSENT, null));
        }
        if (f.type().isEntity()) {
            TreeSet<String> keys = keys(f.type().entityKind());
            keys.forEach(k -> out.add(Atom.of(AtomKind.VALUE, k)));
            out.add(Atom.of(AtomKind.OTHER, unused("<unknown>", keys)));
            return out;
        }
        Set<Object> values = resolve(f.name(), focus, key);
        switch (type) {
            case INTEGER:
                out.addAll(ranges(values));
                break;
            case BOOLEAN:
                out.add(Atom.of(AtomKind.VALUE, false));
                out.add(Atom.of(AtomKind.VALUE, true));
                break;
            case STRING: {
                TreeSet<String> strings = strings(values);
                strings.forEach(s -> out.add(Atom.of(AtomKind.VALUE, s)));
                out.add(Atom.of(AtomKind.OTHER, unused("<other>", strings)));
                break;
            }
            default: {
                // Lists are sampled: empty, each value alone, and all values together.
                TreeSet<String> strings = strings(values);
                out.add(Atom.of(AtomKind.VALUE, List.of()));
                strings.forEach(s -> out.add(Atom.of(AtomKind.VALUE, List.of(s))));
                if (strings.size() > 1) {
                    out.add(Atom.of(AtomKind.VALUE, List.copyOf(strings)));
                }
            }
        }
        return out;
    }

    private Set<Object> resolve(String field, int focus, String key) {
        String focusField = focus < 0 ? null : fields.get(focus).name();
        Set<Object> out = new LinkedHashSet<>();
        for (Source s : sources.get(field)) {
            if (s instanceof Constant) {
                out.add(((Constant) s).value());
            } else if (s instanceof Attribute) {
                Attribute a = (Attribute) s;
                String kind = kindOf(a.field());
                for (Registry r : List.of(before.registry(), after.registry())) {
                    EntityKind k = r.kinds().get(kind);
                    if (k == null) {
                        continue;
                    }
                    if (a.field().equals(focusField)) {
                        addValue(out, k.find(key), a.attribute());
                    } else {
                        k.entities().forEach(e -> addValue(out, e, a.attribute()));
                    }
                }
            } else {
                String other = ((FieldValue) s).field();
                if (other.equals(focusField)) {
                    out.add(key);
                } else if (kindOf(other) != null) {
                    out.addAll(keys(kindOf(other)));
                } else {
                    sources.get(other).stream().filter(o -> o instanceof Constant).forEach(o -> out.add(((Constant) o).value()));
                }
            }
        }
        return out;
    }

    private static void addValue(Set<Object> out, Entity e, String attribute) {
        Object v = e == null ? null : e.get(attribute);
        if (v instanceof List) {
            out.addAll((List<?>) v);
        } else if (v != null) {
            out.add(v);
        }
    }

    private String kindOf(String field) {
        for (Field f : fields) {
            if (f.name().equals(field)) {
                return f.type().entityKind();
            }
        }
        return null;
    }

    private TreeSet<String> keys(String kind) {
        TreeSet<String> keys = new TreeSet<>();
        for (Registry r : List.of(before.registry(), after.registry())) {
            EntityKind k = r.kinds().get(kind);
            if (k != null) {
                k.entities().forEach(e -> keys.add(e.id()));
            }
        }
        return keys;
    }

    private static TreeSet<String> strings(Set<Object> values) {
        TreeSet<String> out = new TreeSet<>();
        values.stream().filter(v -> v instanceof String).forEach(v -> out.add((String) v));
        return out;
    }

    private static String unused(String base, Set<String> taken) {
        String s = base;
        for (int i = 2; taken.contains(s); i++) {
            s = base.substring(0, base.length() - 1) + "-" + i + ">";
        }
        return s;
    }

    /** The integers cut at every bound: below the least, each bound, between bounds, above the greatest. */
    private static List<Atom> ranges(Set<Object> values) {
        TreeSet<Long> bounds = new TreeSet<>();
        values.stream().filter(v -> v instanceof Long).forEach(v -> bounds.add((Long) v));
        List<Atom> out = new ArrayList<>();
        long next = Long.MIN_VALUE; // the least integer not yet in a range
        for (long b : bounds) {
            if (b > next) {
                out.add(new Atom(AtomKind.RANGE, null, next, b - 1));
            }
            out.add(new Atom(AtomKind.RANGE, null, b, b));
            if (b == Long.MAX_VALUE) {
                return out;
            }
            next = b + 1;
        }
        out.add(new Atom(AtomKind.RANGE, null, next, Long.MAX_VALUE));
        return out;
    }

    private static Object value(Atom a) {
        if (a.kind() == AtomKind.RANGE) {
            return a.lo() == Long.MIN_VALUE ? a.hi() : a.lo();
        }
        return a.value();
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
                if (i == focus || a.get(0).kind() == AtomKind.ANY) {
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
            if (a.kind() == AtomKind.RANGE) {
                if (open != null && open.hi() != Long.MAX_VALUE && open.hi() + 1 == a.lo()) {
                    open = new Atom(AtomKind.RANGE, null, open.lo(), a.hi());
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
            parts.add(a.kind() == AtomKind.ABSENT ? "absent" : a.kind() == AtomKind.OTHER ? (String) a.value()
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
