package dev.flexauth.analysis;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.internal.IntList;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Property;
import dev.flexauth.registry.EntityKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checks a package's properties over its registry. Every request of the exact {@link Domain} (see
 * {@code docs/testing-policies.md} for why it covers every distinct decision) is tested against
 * every property, so a property that holds is proven, and a property that fails gets the smallest
 * request that breaks it: the fewest optional fields present, then the smallest values (integers
 * nearest zero, shortest strings) field by field in Request table order.
 *
 * <p>Keys of the first entity field whose groups have the same {@link KeyShapes.Shape} (the same
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
    private final AtomRequests requests;
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
        this.requests = new AtomRequests(engine, domain.fields());
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
            c.requests.enumerate(c.domain.atoms(c.focus, key), (r, index) -> action.accept(r));
        }
    }

    /**
     * The keys of the focus field, as classes of keys whose groups have the same {@link KeyShapes.Shape}
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
            Object signature = apply ? domain.shapes().shape(kind, focusField, key).signature() : Integer.valueOf(k);
            KeyClass c = byShape.get(signature);
            if (c == null) {
                c = new KeyClass(new IntList());
                byShape.put(signature, c);
                out.add(c);
            }
            c.members().add(k);
        }
        return out;
    }

    /** Positions in {@link #keys} of keys whose groups decide alike; the first is the one decided. */
    private record KeyClass(IntList members) {
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
            long n = AtomRequests.product(a);
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
                long built = requests.enumerate(atoms.get(i), (r, index) -> {
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
        Map<String, Integer> firstPrivates = shared ? domain.shapes().shape(kind, focusField, keys.get(c.members().get(0))).privates() : null;
        List<List<Object>> firstCanon = shared ? domain.shapes().canonAtoms(first, firstPrivates) : null;
        int fieldCount = first.size();
        for (int at = 0; at < c.members().size(); at++) {
            int m = c.members().get(at);
            String key = keys.get(m);
            // This key's strings by number, for the cheap lower bound below; its atoms only when needed.
            Map<String, Integer> privates = m == c.members().get(0) ? firstPrivates : domain.shapes().shape(kind, focusField, key).privates();
            String[] names = privates == null ? null : privates.keySet().toArray(new String[0]);
            List<List<Atom>> atoms = null;
            int[][] to = null;
            Object[] values = new Object[fieldCount];
            for (int p = 0; p < broken.size(); p++) {
                for (int[] index : broken.get(p)) {
                    if (best[p] != null) {
                        // No request of this key can beat the best so far: skip it without building this key's group.
                        int order = RequestCost.compare(RequestCost.lowerBound(first, index, firstPrivates, names), bestCost[p]);
                        if (order > 0 || order == 0 && m > bestKey[p]) {
                            continue;
                        }
                    }
                    if (atoms == null) {
                        atoms = m == c.members().get(0) ? first : domain.atoms(focus, key);
                        to = domain.shapes().renaming(first, firstCanon, atoms, privates);
                    }
                    int[] mapped = new int[fieldCount];
                    for (int i = 0; i < fieldCount; i++) {
                        mapped[i] = to[i][index[i]];
                        values[i] = atoms.get(i).get(mapped[i]).value();
                    }
                    long[] cost = RequestCost.of(values);
                    int order = best[p] == null ? -1 : RequestCost.compare(cost, bestCost[p]);
                    if (order == 0) {
                        order = m != bestKey[p] ? Integer.compare(m, bestKey[p]) : Arrays.compare(mapped, bestIndex[p]);
                    }
                    if (order < 0) {
                        Request r = requests.request(atoms, mapped);
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

    private static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
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
            if (best[p] == null || RequestCost.compare(cost, bestCost[p]) < 0) {
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
            Request r = requests.request(atoms, index);
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
        long[] current = cost(requests.request(atoms, index));
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
                    Request r = requests.request(atoms, index);
                    if (r != null) {
                        long[] c = cost(r);
                        if (RequestCost.compare(c, current) < 0 && decide(r)) {
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
        return RequestCost.of(values);
    }
}
