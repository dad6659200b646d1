package dev.flexauth.analysis;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Property;
import dev.flexauth.registry.EntityKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checks a package's properties over its registry. Every request of the exact {@link Domain} (see
 * {@code docs/testing-policies.md} for why it covers every distinct decision) is tested against
 * every property, so a property that holds is proven, and a property that fails gets the smallest
 * request that breaks it: the fewest optional fields present, then the smallest values (integers
 * nearest zero, shortest strings) field by field in Request table order.
 *
 * <p>Keys of the first entity field whose groups have the same {@link Domain.Shape} (the same
 * entity up to renaming the strings the package does not name: 100,000 synthetic actors fall into
 * 48 classes, one per maximum TTL) are decided once per class, through its first key; a
 * counterexample is then renamed into every key of the class to find the smallest. The result is
 * the one deciding every key would give ({@code ExactAnalysisProperties} compares the two).
 *
 * <p>When that takes deciding more than {@code maxCases} requests, the check falls back to that many
 * random requests of the domain (from a fixed seed, so runs repeat), shrinking any counterexample;
 * the results then say {@link PropertyResult.Method#RANDOM} and prove nothing. Stateless: the
 * static methods may be called from any number of threads.
 */
public final class PropertyChecker {
    /** The default bound on the requests decided: the ops-warden package over 100,000 actors decides about 5,000. */
    public static final long DEFAULT_MAX_CASES = 50_000_000L;

    private static final long SEED = 0x5eed_f1e8_a075L;

    private final Engine engine;
    private final List<Property> properties;
    private final List<Predicate<Request>> conditions = new ArrayList<>();
    private final Domain domain;
    private final int focus;
    private final List<String> keys;
    private final List<String> notExact = new ArrayList<>();
    private final Request[] best;
    private final Decision[] bestDecision;
    private final long[][] bestCost;
    /** For the exhaustive check: the position in {@link #keys} and the atom indexes of {@link #best}, to break ties. */
    private final int[] bestKey;
    private final int[][] bestIndex;

    private PropertyChecker(Engine engine) {
        this.engine = engine;
        this.properties = engine.policy().properties();
        List<dev.flexauth.policy.Expr> exprs = new ArrayList<>();
        for (Property p : properties) {
            conditions.add(p.condition() == null ? r -> true : engine.condition(p.condition()));
            if (p.condition() != null) {
                exprs.add(p.condition());
            }
        }
        try {
            this.domain = new Domain(List.of(engine), exprs, true);
        } catch (AnalysisException e) {
            throw new IllegalStateException("one engine has one Request table", e);
        }
        this.focus = domain.firstEntityField();
        this.keys = focus < 0 ? java.util.Collections.singletonList(null) : domain.focusKeys(focus, true);
        this.notExact.addAll(domain.inexact(focus));
        this.best = new Request[properties.size()];
        this.bestDecision = new Decision[properties.size()];
        this.bestCost = new long[properties.size()][];
        this.bestKey = new int[properties.size()];
        this.bestIndex = new int[properties.size()][];
    }

    /** Checks every property of {@code engine}'s package with {@link #DEFAULT_MAX_CASES}. */
    public static List<PropertyResult> check(Engine engine) {
        return check(engine, DEFAULT_MAX_CASES);
    }

    /**
     * Checks every property of {@code engine}'s package, exactly when that takes deciding at most
     * {@code maxCases} requests, else over {@code maxCases} random requests of the domain.
     */
    public static List<PropertyResult> check(Engine engine, long maxCases) {
        return check(engine, maxCases, SEED);
    }

    static List<PropertyResult> check(Engine engine, long maxCases, long seed) {
        return check(engine, maxCases, seed, true);
    }

    /** With {@code share} false, every key is decided on its own: what the equivalence property compares classes with. */
    static List<PropertyResult> check(Engine engine, long maxCases, long seed, boolean share) {
        Objects.requireNonNull(engine, "engine");
        if (maxCases < 1) {
            throw new IllegalArgumentException("maxCases must be at least 1, got " + maxCases);
        }
        if (engine.policy().properties().isEmpty()) {
            return List.of();
        }
        // As the Examples: properties test the policy over the inventory, whatever the snapshot's age
        // (a stale snapshot denies everything, and is reported on its own).
        return new PropertyChecker(engine.withoutMaxRegistryAge()).run(maxCases, seed, share);
    }

    /**
     * Every request of the exact domain of {@code engine}'s package and the extra property
     * conditions, in enumeration order (for tests that compare it with brute force).
     */
    static void forEachRequest(Engine engine, Consumer<Request> action) {
        PropertyChecker c = new PropertyChecker(engine);
        for (String key : c.keys) {
            c.enumerate(c.domain.atoms(c.focus, key), (r, index) -> action.accept(r));
        }
    }

    /**
     * The keys of the focus field, as classes of keys whose groups have the same {@link Domain.Shape}
     * (one class per key when {@link Domain#classesApply} does not hold), each in key order and
     * the classes in the order of their first key.
     */
    private List<KeyClass> classes(boolean share) {
        Map<Object, KeyClass> byShape = new HashMap<>();
        List<KeyClass> out = new ArrayList<>();
        boolean apply = share && domain.classesApply(focus);
        EntityKind kind = apply ? domain.focusKind(focus) : null;
        String focusField = focus < 0 ? null : domain.fields().get(focus).name();
        for (int k = 0; k < keys.size(); k++) {
            String key = keys.get(k);
            Object signature = apply ? domain.shape(kind, focusField, key).signature() : Integer.valueOf(k);
            KeyClass c = byShape.get(signature);
            if (c == null) {
                c = new KeyClass(new Members());
                byShape.put(signature, c);
                out.add(c);
            }
            c.members().add(k);
        }
        return out;
    }

    /** Positions in {@link #keys} of keys whose groups decide alike; the first is the one decided. */
    private record KeyClass(Members members) {
    }

    /** A growable list of key positions: a million keys in one class are 4 MB of ints, not a million boxes. */
    private static final class Members {
        private int[] items = new int[4];
        private int size;

        void add(int k) {
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = k;
        }

        int get(int i) {
            return items[i];
        }

        int size() {
            return size;
        }
    }

    private List<PropertyResult> run(long maxCases, long seed, boolean share) {
        List<KeyClass> classes = classes(share);
        List<List<List<Atom>>> atoms = new ArrayList<>(classes.size());
        long size = 0;
        long work = 0;
        boolean lists = domain.fields().stream().anyMatch(f -> f.type().wireType() == dev.flexauth.registry.AttributeType.STRING_LIST);
        for (KeyClass c : classes) {
            String key = keys.get(c.members().get(0));
            List<List<Atom>> a = domain.atoms(focus, key);
            atoms.add(a);
            long n = product(a);
            size = saturatingAdd(size, GrantDiff.saturatingMultiply(n, c.members().size()));
            work = saturatingAdd(work, n);
            if (lists && domain.listsSampled(focus, key) && notExact.stream().noneMatch(s -> s.startsWith("a list field"))) {
                notExact.add("a list field has more than " + Domain.MAX_LIST_VALUES + " values to try, so its subsets are sampled");
            }
        }
        long cases = 0;
        long decided = 0;
        PropertyResult.Method method;
        if (work <= maxCases) {
            method = PropertyResult.Method.EXHAUSTIVE;
            for (int i = 0; i < classes.size(); i++) {
                KeyClass c = classes.get(i);
                List<List<int[]>> broken = new ArrayList<>();
                properties.forEach(p -> broken.add(new ArrayList<>()));
                long built = enumerate(atoms.get(i), (r, index) -> {
                    boolean[] violated = violated(r);
                    for (int p = 0; p < violated.length; p++) {
                        if (violated[p]) {
                            broken.get(p).add(index.clone());
                        }
                    }
                });
                decided += built;
                cases = saturatingAdd(cases, GrantDiff.saturatingMultiply(built, c.members().size()));
                if (broken.stream().anyMatch(b -> !b.isEmpty())) {
                    smallest(c, atoms.get(i), broken);
                }
            }
            for (int p = 0; p < properties.size(); p++) {
                if (best[p] != null) {
                    bestDecision[p] = engine.check(best[p]);
                }
            }
        } else {
            method = PropertyResult.Method.RANDOM;
            cases = random(maxCases, seed);
            decided = cases;
        }
        List<PropertyResult> out = new ArrayList<>();
        for (int p = 0; p < properties.size(); p++) {
            out.add(new PropertyResult(properties.get(p), method, cases, decided, size, best[p], bestDecision[p], notExact));
        }
        return out;
    }

    /** Which properties {@code r} breaks. */
    private boolean[] violated(Request r) {
        boolean[] out = new boolean[properties.size()];
        Decision d = null;
        for (int p = 0; p < properties.size(); p++) {
            if (conditions.get(p).test(r)) {
                if (d == null) {
                    d = engine.check(r);
                }
                out[p] = violates(properties.get(p), d);
            }
        }
        return out;
    }

    /**
     * Finds, for each property the class's first key breaks, the smallest breaking request over
     * every key of the class: each breaking combination of the first key's group, renamed into the
     * other key's group. Of two requests of the same size, the one the key-by-key enumeration
     * would meet first is kept, so the result is the one deciding every key would give.
     */
    private void smallest(KeyClass c, List<List<Atom>> first, List<List<int[]>> broken) {
        // A class of more than one key exists only with a focus field (classes() shares nothing without one).
        boolean shared = c.members().size() > 1;
        String focusField = shared ? domain.fields().get(focus).name() : null;
        EntityKind kind = shared ? domain.focusKind(focus) : null;
        Map<String, Integer> firstPrivates = shared ? domain.shape(kind, focusField, keys.get(c.members().get(0))).privates() : null;
        List<List<Object>> firstCanon = shared ? canon(first, firstPrivates) : null;
        int fieldCount = first.size();
        for (int at = 0; at < c.members().size(); at++) {
            int m = c.members().get(at);
            String key = keys.get(m);
            // This key's strings by number, for the cheap lower bound below; its atoms only when needed.
            Map<String, Integer> privates = m == c.members().get(0) ? firstPrivates : domain.shape(kind, focusField, key).privates();
            String[] names = privates == null ? null : privates.keySet().toArray(new String[0]);
            List<List<Atom>> atoms = null;
            int[][] to = null;
            Object[] values = new Object[fieldCount];
            for (int p = 0; p < broken.size(); p++) {
                for (int[] index : broken.get(p)) {
                    if (best[p] != null) {
                        // No request of this key can beat the best so far: skip it without building this key's group.
                        int order = compare(lowerBound(first, index, firstPrivates, names), bestCost[p]);
                        if (order > 0 || order == 0 && m > bestKey[p]) {
                            continue;
                        }
                    }
                    if (atoms == null) {
                        atoms = m == c.members().get(0) ? first : domain.atoms(focus, key);
                        to = renaming(first, firstCanon, atoms, privates);
                    }
                    int[] mapped = new int[fieldCount];
                    for (int i = 0; i < fieldCount; i++) {
                        mapped[i] = to[i][index[i]];
                        values[i] = atoms.get(i).get(mapped[i]).value();
                    }
                    long[] cost = cost(values);
                    int order = best[p] == null ? -1 : compare(cost, bestCost[p]);
                    if (order == 0) {
                        order = m != bestKey[p] ? Integer.compare(m, bestKey[p]) : Arrays.compare(mapped, bestIndex[p]);
                    }
                    if (order < 0) {
                        Request r = request(atoms, mapped);
                        if (r == null) {
                            throw new IllegalStateException("a request of the same shape as one that was built could not be built: " + Arrays.toString(values));
                        }
                        best[p] = r;
                        bestCost[p] = cost;
                        bestKey[p] = m;
                        bestIndex[p] = mapped;
                    }
                }
            }
        }
    }

    /** Where each atom of the first key's group went in the group {@code atoms} of another key of its class. */
    private int[][] renaming(List<List<Atom>> first, List<List<Object>> firstCanon, List<List<Atom>> atoms,
            Map<String, Integer> privates) {
        int[][] to = new int[first.size()][];
        if (atoms == first) {
            for (int i = 0; i < to.length; i++) {
                to[i] = java.util.stream.IntStream.range(0, first.get(i).size()).toArray();
            }
            return to;
        }
        List<List<Object>> canon = canon(atoms, privates);
        for (int i = 0; i < to.length; i++) {
            Map<Object, Integer> at = new HashMap<>();
            for (int j = 0; j < canon.get(i).size(); j++) {
                at.put(canon.get(i).get(j), j);
            }
            to[i] = new int[first.get(i).size()];
            for (int j = 0; j < to[i].length; j++) {
                to[i][j] = at.get(firstCanon.get(i).get(j));
            }
        }
        return to;
    }

    /** The shortest a fresh value can be: {@code <other>}, {@code <unknown>} or one of their numbered forms. */
    private static final int SHORTEST_FRESH = "<other>".length();

    /**
     * A lower bound of the {@link #cost} of the renaming of request {@code index} of the first
     * key's group into the group of the key whose private strings are {@code names} (by number;
     * {@code null}: the first key itself): a renamed string has the length of its counterpart, a
     * renamed list its size; only a fresh value's spelling depends on the group, and none is
     * shorter than {@link #SHORTEST_FRESH}.
     */
    private static long[] lowerBound(List<List<Atom>> first, int[] index, Map<String, Integer> firstPrivates, String[] names) {
        Object[] values = new Object[index.length];
        long[] cost = null;
        for (int i = 0; i < index.length; i++) {
            values[i] = first.get(i).get(index[i]).value();
        }
        cost = cost(values);
        for (int i = 0; i < index.length; i++) {
            Atom a = first.get(i).get(index[i]);
            if (a.kind() == Atom.Kind.OTHER) {
                cost[i + 1] = Math.min(cost[i + 1], SHORTEST_FRESH);
            } else if (names != null && a.value() instanceof String) {
                Integer n = firstPrivates.get(a.value());
                if (n != null) {
                    cost[i + 1] = names[n].length();
                }
            }
        }
        return cost;
    }

    /** The atoms of a group with their private strings numbered: the same list for the same atom in two groups of one class. */
    private List<List<Object>> canon(List<List<Atom>> atoms, Map<String, Integer> privates) {
        List<List<Object>> out = new ArrayList<>(atoms.size());
        for (List<Atom> field : atoms) {
            List<Object> c = new ArrayList<>(field.size());
            for (Atom a : field) {
                // A fresh value stands for every value the group does not name, whatever its spelling;
                // a list value is a set (a subset of the values tried), whose sorted order a renaming changes.
                Object v = domain.canon(a.value(), privates, false);
                c.add(a.kind() == Atom.Kind.OTHER ? Atom.Kind.OTHER
                        : a.kind() == Atom.Kind.RANGE ? a : Arrays.asList(a.kind(), v instanceof List ? new HashSet<>((List<?>) v) : v));
            }
            out.add(c);
        }
        return out;
    }

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    private static long product(List<List<Atom>> atoms) {
        long total = 1;
        for (List<Atom> a : atoms) {
            total = GrantDiff.saturatingMultiply(total, a.size());
        }
        return total;
    }

    /**
     * Every combination of one atom per field, in order of their indexes, as a request with those
     * indexes; combinations a client could not send are skipped. Returns how many were built.
     */
    private long enumerate(List<List<Atom>> atoms, BiConsumer<Request, int[]> action) {
        int[] index = new int[atoms.size()];
        long total = product(atoms);
        long built = 0;
        for (long n = 0; n < total; n++) {
            Request r = request(atoms, index);
            if (r != null) {
                built++;
                action.accept(r, index);
            }
            for (int i = index.length - 1; i >= 0; i--) {
                if (++index[i] < atoms.get(i).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
        return built;
    }

    private Request request(List<List<Atom>> atoms, int[] index) {
        List<Field> fields = domain.fields();
        Request.Builder b = engine.request();
        try {
            for (int i = 0; i < index.length; i++) {
                b.put(fields.get(i).name(), atoms.get(i).get(index[i]).value());
            }
            return b.build();
        } catch (RequestException e) {
            return null; // e.g. a package constant that looks like a secret: no client can send it
        }
    }

    /** Decides {@code r} and records it against every property it breaks; whether it broke any. */
    private boolean decide(Request r) {
        Decision d = null;
        boolean broke = false;
        long[] cost = null;
        for (int p = 0; p < properties.size(); p++) {
            if (!conditions.get(p).test(r)) {
                continue;
            }
            if (d == null) {
                d = engine.check(r);
            }
            if (!violates(properties.get(p), d)) {
                continue;
            }
            broke = true;
            if (cost == null) {
                cost = cost(r);
            }
            if (best[p] == null || compare(cost, bestCost[p]) < 0) {
                best[p] = r;
                bestDecision[p] = d;
                bestCost[p] = cost;
            }
        }
        return broke;
    }

    static boolean violates(Property p, Decision d) {
        switch (p.form()) {
            case NEVER_ALLOW:
                return d.allowed();
            case ALWAYS_ALLOW:
                return !d.allowed();
            default:
                return d.allowed() || (p.reason() != null && !p.reason().equals(d.reason()));
        }
    }

    /** Bounded random search over the domain, each counterexample shrunk; returns the requests tried. */
    private long random(long samples, long seed) {
        Random rnd = new Random(seed);
        long tried = 0;
        for (long n = 0; n < samples; n++) {
            String key = keys.get(rnd.nextInt(keys.size()));
            List<List<Atom>> atoms = domain.atoms(focus, key);
            int[] index = new int[atoms.size()];
            for (int i = 0; i < index.length; i++) {
                index[i] = rnd.nextInt(atoms.get(i).size());
            }
            Request r = request(atoms, index);
            if (r == null) {
                continue;
            }
            tried++;
            if (decide(r)) {
                shrink(atoms, index);
            }
        }
        return tried;
    }

    /** Moves field by field to a smaller atom while the request still breaks a property; decide() keeps the best. */
    private void shrink(List<List<Atom>> atoms, int[] index) {
        long[] current = cost(request(atoms, index));
        boolean improved = true;
        while (improved) {
            improved = false;
            for (int i = 0; i < index.length && !improved; i++) {
                int was = index[i];
                for (int j = 0; j < atoms.get(i).size(); j++) {
                    if (j == was) {
                        continue;
                    }
                    index[i] = j;
                    Request r = request(atoms, index);
                    if (r != null) {
                        long[] c = cost(r);
                        if (compare(c, current) < 0 && decide(r)) {
                            current = c;
                            improved = true;
                            break;
                        }
                    }
                    index[i] = was;
                }
            }
        }
    }

    /** Smaller is simpler: fewer optional fields present, then each field's value, in Request table order. */
    private long[] cost(Request r) {
        List<Field> fields = domain.fields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = r.get(fields.get(i).name());
        }
        return cost(values);
    }

    /** {@link #cost(Request)} of the request with these values, one per field in Request table order. */
    private static long[] cost(Object[] values) {
        long[] cost = new long[values.length + 1];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v != null) {
                cost[0]++;
            }
            cost[i + 1] = size(v);
        }
        return cost;
    }

    private static long size(Object v) {
        if (v == null) {
            return -1;
        }
        if (v instanceof Long) {
            long l = (Long) v;
            // Nearest zero first, and of two at the same distance the positive one.
            return l == Long.MIN_VALUE ? Long.MAX_VALUE : l >= 0 ? 2 * Math.min(l, Long.MAX_VALUE / 2) : 2 * Math.min(-l, Long.MAX_VALUE / 2) + 1;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof List) {
            return ((List<?>) v).size();
        }
        return v.toString().length();
    }

    private static int compare(long[] a, long[] b) {
        for (int i = 0; i < a.length; i++) {
            int c = Long.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
