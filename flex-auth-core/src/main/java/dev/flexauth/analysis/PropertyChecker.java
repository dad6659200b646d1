package dev.flexauth.analysis;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.Field;
import dev.flexauth.policy.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Checks a package's properties over its registry. Every request of the exact {@link Domain} (see
 * {@code docs/testing-policies.md} for why it covers every distinct decision) is decided once and
 * tested against every property, so a property that holds is proven, and a property that fails
 * gets the smallest request that breaks it: the fewest optional fields present, then the smallest
 * values (integers nearest zero, shortest strings) field by field in Request table order.
 *
 * <p>When the domain holds more than {@code maxCases} requests, the check falls back to that many
 * random requests of the domain (from a fixed seed, so runs repeat), shrinking any counterexample;
 * the results then say {@link PropertyResult.Method#RANDOM} and prove nothing. Stateless: the
 * static methods may be called from any number of threads.
 */
public final class PropertyChecker {
    /** The default bound on the requests decided: the ops-warden package over 100,000 actors fits well under it. */
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
    }

    /** Checks every property of {@code engine}'s package with {@link #DEFAULT_MAX_CASES}. */
    public static List<PropertyResult> check(Engine engine) {
        return check(engine, DEFAULT_MAX_CASES);
    }

    /**
     * Checks every property of {@code engine}'s package, exactly when the domain holds at most
     * {@code maxCases} requests, else over {@code maxCases} random requests of it.
     */
    public static List<PropertyResult> check(Engine engine, long maxCases) {
        return check(engine, maxCases, SEED);
    }

    static List<PropertyResult> check(Engine engine, long maxCases, long seed) {
        Objects.requireNonNull(engine, "engine");
        if (maxCases < 1) {
            throw new IllegalArgumentException("maxCases must be at least 1, got " + maxCases);
        }
        if (engine.policy().properties().isEmpty()) {
            return List.of();
        }
        // As the Examples: properties test the policy over the inventory, whatever the snapshot's age
        // (a stale snapshot denies everything, and is reported on its own).
        return new PropertyChecker(engine.withoutMaxRegistryAge()).run(maxCases, seed);
    }

    /**
     * Every request of the exact domain of {@code engine}'s package and the extra property
     * conditions, in enumeration order (for tests that compare it with brute force).
     */
    static void forEachRequest(Engine engine, Consumer<Request> action) {
        PropertyChecker c = new PropertyChecker(engine);
        for (String key : c.keys) {
            c.enumerate(c.domain.atoms(c.focus, key), action);
        }
    }

    private List<PropertyResult> run(long maxCases, long seed) {
        long size = 0;
        boolean lists = domain.fields().stream().anyMatch(f -> f.type().wireType() == dev.flexauth.registry.AttributeType.STRING_LIST);
        for (String key : keys) {
            size = Math.min(Long.MAX_VALUE - 1, size + product(domain.atoms(focus, key)));
            if (lists && domain.listsSampled(focus, key) && notExact.stream().noneMatch(s -> s.startsWith("a list field"))) {
                notExact.add("a list field has more than " + Domain.MAX_LIST_VALUES + " values to try, so its subsets are sampled");
            }
            if (size > maxCases) {
                size = Long.MAX_VALUE;
                break;
            }
        }
        long[] cases = {0};
        PropertyResult.Method method;
        if (size <= maxCases) {
            method = PropertyResult.Method.EXHAUSTIVE;
            for (String key : keys) {
                enumerate(domain.atoms(focus, key), r -> {
                    cases[0]++;
                    decide(r);
                });
            }
        } else {
            method = PropertyResult.Method.RANDOM;
            cases[0] = random(maxCases, seed);
        }
        List<PropertyResult> out = new ArrayList<>();
        for (int p = 0; p < properties.size(); p++) {
            out.add(new PropertyResult(properties.get(p), method, cases[0], size, best[p], bestDecision[p], notExact));
        }
        return out;
    }

    private static long product(List<List<Atom>> atoms) {
        long total = 1;
        for (List<Atom> a : atoms) {
            total = GrantDiff.saturatingMultiply(total, a.size());
        }
        return total;
    }

    /** Every combination of one atom per field, as a request; combinations a client could not send are skipped. */
    private void enumerate(List<List<Atom>> atoms, Consumer<Request> action) {
        int[] index = new int[atoms.size()];
        long total = product(atoms);
        for (long n = 0; n < total; n++) {
            Request r = request(atoms, index);
            if (r != null) {
                action.accept(r);
            }
            for (int i = index.length - 1; i >= 0; i--) {
                if (++index[i] < atoms.get(i).size()) {
                    break;
                }
                index[i] = 0;
            }
        }
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
        long[] cost = new long[fields.size() + 1];
        for (int i = 0; i < fields.size(); i++) {
            Object v = r.get(fields.get(i).name());
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
