package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flexauth.analysis.Search;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.RequestException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Search is exact: over generated packages and registries (those of {@link ExactAnalysisProperties}),
 * with the other fields fixed at generated values, the values it returns are exactly the
 * candidates the engine allows when each is decided on its own, in ascending order; any value of a
 * brute-force superset (every string the generator can produce, and one it never does) is allowed
 * exactly when it is returned, or when it is not a candidate and the search says unnamed values
 * are allowed; and walking the pages of any size gives the same list.
 */
class SearchProperties {
    private static final List<String> SUPERSET = List.of("a", "b", "c", "d", "x0", "x1", "x2", "zz", "x9", "<other>", "<unknown>");

    /** A generated package and registry, and the values of the fields that stay fixed. */
    record Case(List<String> rules, List<ExactAnalysisProperties.Actor> actors, Map<String, Object> fixed) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> rule = Combinators.combine(
                // Mostly allows: with as many denies as allows, most generated packages allow nothing.
                Arbitraries.frequency(Tuple.of(3, "allow ok"), Tuple.of(1, "deny nope")), ExactAnalysisProperties.condition())
                .as((head, c) -> head + " when " + c);
        Arbitrary<Object> n = Arbitraries.longs().between(-4, 4).map(l -> (Object) l).injectNull(0.3);
        Arbitrary<Object> s = Arbitraries.of("a", "b", "c", "d").map(v -> (Object) v).injectNull(0.3);
        Arbitrary<Object> b = Arbitraries.of(true, false).map(v -> (Object) v).injectNull(0.3);
        Arbitrary<Object> tags = Arbitraries.of("a", "b", "c", "d").set().ofMaxSize(3)
                .map(t -> (Object) new ArrayList<>(new TreeSet<>(t))).injectNull(0.3);
        Arbitrary<Object> actor = Arbitraries.of("x0", "x1", "x2", "zz");
        Arbitrary<Map<String, Object>> fixed = Combinators.combine(actor, n, s, b, tags).as((a, nv, sv, bv, tv) -> {
            Map<String, Object> m = new HashMap<>();
            m.put("actor", a);
            m.put("n", nv);
            m.put("s", sv);
            m.put("b", bv);
            m.put("tags", tv);
            return m;
        });
        return Combinators.combine(rule.list().ofMinSize(1).ofMaxSize(4), ExactAnalysisProperties.actors(), fixed).as(Case::new);
    }

    @Property(tries = 200)
    void searchingAStringFieldEqualsDecidingEveryValue(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 4) int page)
            throws Exception {
        exact(c, "s", page);
    }

    @Property(tries = 200)
    void searchingAnEntityFieldEqualsDecidingEveryValue(@ForAll("cases") Case c, @ForAll @IntRange(min = 1, max = 4) int page)
            throws Exception {
        exact(c, "actor", page);
    }

    private static void exact(Case c, String field, int page) throws Exception {
        Engine engine = ExactAnalysisProperties.engine(c.rules(), List.of(), c.actors());
        Search search = Search.of(engine);
        List<String> candidates = search.candidates(field);
        Search.Result all = search.allowed(c.fixed(), field, null, Integer.MAX_VALUE);

        List<String> bruteForce = new ArrayList<>();
        for (String v : candidates) {
            if (allowed(engine, c.fixed(), field, v)) {
                bruteForce.add(v);
            }
        }
        assertEquals(bruteForce, all.values(), "the allowed candidates, each decided on its own");
        assertEquals(new ArrayList<>(new TreeSet<>(all.values())), all.values(), "ascending, no repeats");
        for (String v : SUPERSET) {
            boolean expected = all.values().contains(v) || (!candidates.contains(v) && all.othersAllowed());
            assertEquals(expected, allowed(engine, c.fixed(), field, v), field + "=" + v + " with " + c.fixed()
                    + ": candidates " + candidates + ", allowed " + all.values() + ", others allowed " + all.othersAllowed());
        }
        Statistics.label("allowed").collect(all.values().isEmpty() ? "none" : all.othersAllowed() ? "some, and others" : "some");

        List<String> walked = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages <= candidates.size() + 1; pages++) {
            Search.Result r = search.allowed(c.fixed(), field, after, page);
            walked.addAll(r.values());
            if (!r.more()) {
                break;
            }
            after = r.values().get(r.values().size() - 1);
        }
        assertEquals(all.values(), walked, "pages of " + page);
    }

    private static boolean allowed(Engine engine, Map<String, Object> fixed, String field, String value) throws RequestException {
        Map<String, Object> m = new HashMap<>(fixed);
        m.put(field, value);
        var b = engine.request();
        for (var e : m.entrySet()) {
            b.put(e.getKey(), e.getValue());
        }
        return engine.check(b.build()).allowed();
    }

}
