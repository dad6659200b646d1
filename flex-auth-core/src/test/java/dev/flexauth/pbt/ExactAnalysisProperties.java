package dev.flexauth.pbt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flexauth.analysis.GrantDiff;
import dev.flexauth.analysis.KeyByKey;
import dev.flexauth.analysis.PropertyChecker;
import dev.flexauth.analysis.PropertyResult;
import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.policy.PolicyPackage;
import dev.flexauth.policy.markdown.PolicyReader;
import dev.flexauth.registry.Registry;
import dev.flexauth.registry.RegistryLoader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The analysis core is exact: over generated small packages (rules and properties comparing
 * integers, strings, lists, booleans, presence and known/unknown with constants and attributes)
 * and generated small registries, whatever a brute-force search over a superset of the values
 * involved finds (a request that breaks a property, a request two packages decide differently),
 * the exact checker finds too; and every counterexample it reports really breaks the property.
 */
class ExactAnalysisProperties {
    private static final List<String> STRINGS = List.of("a", "b", "c");
    private static final List<String> FORMS = List.of("never allow", "always allow", "always deny", "always deny nope");

    /** A generated package: its conditions (rules then properties) and registry entities. */
    record Case(List<String> rules, List<String> properties, List<Actor> actors) {
    }

    record Actor(String id, long lim, String name, List<String> subs) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<String> rule = Combinators.combine(Arbitraries.of("allow ok", "deny nope"), condition())
                .as((head, c) -> head + " when " + c);
        Arbitrary<String> property = Combinators.combine(Arbitraries.of(FORMS), condition().injectNull(0.2))
                .as((form, c) -> form + (c == null ? "" : " when " + c));
        return Combinators.combine(rule.list().ofMinSize(1).ofMaxSize(3), property.list().ofMinSize(1).ofMaxSize(3), actors())
                .as(Case::new);
    }

    /**
     * Like {@link #cases()}, with up to 8 actors that often share a class: names and subjects drawn
     * from the literals, a string no condition names ({@code p}) and the actor's own key
     * ({@code SELF}, also as {@code iam:SELF}), so that keys of one class differ by a renaming.
     */
    @Provide
    Arbitrary<Case> crowds() {
        Arbitrary<String> rule = Combinators.combine(Arbitraries.of("allow ok", "deny nope"), condition())
                .as((head, c) -> head + " when " + c);
        Arbitrary<String> property = Combinators.combine(Arbitraries.of(FORMS), condition().injectNull(0.2))
                .as((form, c) -> form + (c == null ? "" : " when " + c));
        Arbitrary<Actor> actor = Combinators.combine(Arbitraries.longs().between(-1, 1), Arbitraries.of("a", "p", "SELF"),
                Arbitraries.of("a", "p", "SELF", "iam:SELF").set().ofMaxSize(3).map(s -> s.stream().sorted().toList()))
                .as((lim, name, subs) -> new Actor("", lim, name, subs));
        Arbitrary<List<Actor>> crowd = actor.list().ofMinSize(1).ofMaxSize(8).map(list -> {
            List<Actor> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Actor a = list.get(i);
                String id = "x" + i;
                out.add(new Actor(id, a.lim(), a.name().replace("SELF", id), a.subs().stream().map(s -> s.replace("SELF", id)).toList()));
            }
            return out;
        });
        return Combinators.combine(rule.list().ofMinSize(1).ofMaxSize(3), property.list().ofMinSize(1).ofMaxSize(3), crowd)
                .as(Case::new);
    }

    /**
     * Deciding one key per class of keys the package cannot tell apart gives exactly what deciding
     * every key gives: the same verdicts, the same smallest counterexamples with the same
     * decisions, and the same number of distinct requests checked.
     */
    @Property(tries = 200)
    void classesOfKeysCheckWhatKeyByKeyChecks(@ForAll("crowds") Case c) throws Exception {
        Engine engine = engine(c.rules(), c.properties(), c.actors());
        List<PropertyResult> shared = PropertyChecker.check(engine);
        List<PropertyResult> alone = KeyByKey.check(engine);
        Statistics.label("decided").collect(shared.get(0).decided() < alone.get(0).decided() ? "fewer" : "as many");
        assertEquals(alone.size(), shared.size());
        for (int p = 0; p < alone.size(); p++) {
            PropertyResult a = alone.get(p);
            PropertyResult s = shared.get(p);
            String what = a.property().text();
            assertEquals(a.method(), s.method(), what);
            assertEquals(a.cases(), s.cases(), what + ": cases");
            assertEquals(a.domainSize(), s.domainSize(), what + ": domain size");
            assertEquals(a.notExact(), s.notExact(), what);
            assertEquals(a.holds(), s.holds(), what + ": key by key " + (a.holds() ? "holds" : "fails on " + a.counterexample()));
            if (!a.holds()) {
                assertEquals(a.counterexample().toMap(), s.counterexample().toMap(), what + ": counterexample");
                assertEquals(a.decision().effect() + " " + a.decision().reason(), s.decision().effect() + " " + s.decision().reason(),
                        what + ": decision");
            }
        }
    }

    static Arbitrary<List<Actor>> actors() {
        Arbitrary<Actor> actor = Combinators.combine(Arbitraries.longs().between(-3, 3), Arbitraries.of(STRINGS),
                Arbitraries.of(STRINGS).set().ofMaxSize(3).map(s -> s.stream().sorted().toList()))
                .as((lim, name, subs) -> new Actor("", lim, name, subs));
        return actor.list().ofMinSize(0).ofMaxSize(3).map(list -> {
            List<Actor> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Actor a = list.get(i);
                out.add(new Actor("x" + i, a.lim(), a.name(), a.subs()));
            }
            return out;
        });
    }

    static Arbitrary<String> condition() {
        return Arbitraries.lazyOf(ExactAnalysisProperties::predicate,
                () -> Combinators.combine(predicate(), predicate(), Arbitraries.of(" and ", " or "))
                        .as((l, r, op) -> "(" + l + op + r + ")"),
                () -> predicate().map(p -> "not (" + p + ")"));
    }

    private static Arbitrary<String> predicate() {
        Arbitrary<String> op = Arbitraries.of("==", "!=", "<", "<=", ">", ">=");
        Arbitrary<Long> integer = Arbitraries.longs().between(-3, 3);
        Arbitrary<String> string = Arbitraries.of(STRINGS);
        return Arbitraries.oneOf(
                Combinators.combine(op, integer).as((o, i) -> "n " + o + " " + i),
                op.map(o -> "n " + o + " actor.lim"),
                Combinators.combine(Arbitraries.of("==", "!="), string).as((o, v) -> "s " + o + " \"" + v + "\""),
                Arbitraries.of("==", "!=").map(o -> "s " + o + " actor.name"),
                Arbitraries.of("in", "not in").map(o -> "s " + o + " actor.subs"),
                string.map(v -> "\"" + v + "\" in tags"),
                Arbitraries.of("in", "not in").map(o -> "actor.name " + o + " tags"),
                Arbitraries.of("b == true", "b == false", "b != true"),
                Arbitraries.of("actor is known", "actor is unknown", "n is missing", "n is present", "s is missing",
                        "tags is present", "b is missing"),
                Combinators.combine(Arbitraries.of("==", "!="), Arbitraries.of("x0", "x1", "zz"))
                        .as((o, k) -> "actor " + o + " \"" + k + "\""));
    }

    @Property(tries = 150)
    void whateverBruteForceFindsTheExactCheckerFinds(@ForAll("cases") Case c) throws Exception {
        Engine engine = engine(c.rules(), c.properties(), c.actors());
        List<PropertyResult> results = PropertyChecker.check(engine);
        assertEquals(c.properties().size(), results.size());
        for (PropertyResult r : results) {
            assertTrue(r.proven(), "the generated language has only field-to-constant and field-to-attribute comparisons");
        }
        for (int p = 0; p < results.size(); p++) {
            PropertyResult r = results.get(p);
            dev.flexauth.policy.Property property = r.property();
            Predicate<Request> when = property.condition() == null ? q -> true : engine.condition(property.condition());
            Request found = bruteForce(engine, c.actors(), q -> when.test(q) && violates(property, engine.check(q)));
            Statistics.label("property").collect(found != null ? "broken" : "holds");
            if (found != null) {
                assertFalse(r.holds(), property.text() + ": brute force found " + found.toMap() + " but the exact check says it holds");
            }
            if (!r.holds()) {
                Decision d = engine.check(r.counterexample());
                assertTrue(when.test(r.counterexample()) && violates(property, d),
                        property.text() + ": the counterexample " + r.counterexample().toMap() + " does not break it");
                assertTrue(found != null, "the exact check found " + r.counterexample().toMap() + " outside the brute-force superset");
            }
        }
    }

    @Property(tries = 100)
    void whateverDecisionBruteForceFindsChangedGrantDiffReports(@ForAll("cases") Case before, @ForAll("cases") Case after)
            throws Exception {
        // One registry for both, so every difference comes from the rules.
        Engine old = engine(before.rules(), List.of(), before.actors());
        Engine now = engine(after.rules(), List.of(), before.actors());
        Request changed = bruteForce(old, before.actors(), q -> old.check(q).allowed() != now.check(rebuild(now, q)).allowed());
        List<GrantDiff.EntityGrants> grants = GrantDiff.between(old, now, 1_000_000);
        Statistics.label("decisions").collect(changed != null ? "changed" : "unchanged");
        if (changed != null) {
            assertFalse(grants.isEmpty(), "brute force found " + changed.toMap() + " decided differently, GrantDiff reports nothing");
        }
    }

    private static boolean violates(dev.flexauth.policy.Property p, Decision d) {
        switch (p.form()) {
            case NEVER_ALLOW:
                return d.allowed();
            case ALWAYS_ALLOW:
                return !d.allowed();
            default:
                return d.allowed() || (p.reason() != null && !p.reason().equals(d.reason()));
        }
    }

    /** The first request of the superset (every key named anywhere and one never named, -6..6, four strings, every tag set) that matches. */
    private static Request bruteForce(Engine engine, List<Actor> actors, Predicate<Request> test) throws RequestException {
        // Every key, the keys the generated conditions name (x0, x1, zz) whether or not they exist, and one never named.
        java.util.Set<Object> keys = new java.util.LinkedHashSet<>();
        actors.forEach(a -> keys.add(a.id()));
        keys.addAll(List.of("x0", "x1", "zz", "x9"));
        List<Object> ints = new ArrayList<>(Arrays.asList((Object) null));
        for (long i = -6; i <= 6; i++) {
            ints.add(i);
        }
        List<Object> strings = Arrays.asList(null, "a", "b", "c", "d");
        List<Object> bools = Arrays.asList(null, false, true);
        List<Object> tags = Arrays.asList(null, List.of(), List.of("a"), List.of("b"), List.of("c"), List.of("a", "b"),
                List.of("a", "c"), List.of("b", "c"), List.of("a", "b", "c"), List.of("d"));
        for (Object actor : keys) {
            for (Object n : ints) {
                for (Object s : strings) {
                    for (Object b : bools) {
                        for (Object t : tags) {
                            Request q = engine.request().put("actor", actor).put("n", n).put("s", s).put("b", b).put("tags", t).build();
                            if (test.test(q)) {
                                return q;
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static Request rebuild(Engine engine, Request q) {
        try {
            Request.Builder b = engine.request();
            for (var e : q.toMap().entrySet()) {
                b.put(e.getKey(), e.getValue());
            }
            return b.build();
        } catch (RequestException e) {
            throw new AssertionError(e);
        }
    }

    static Engine engine(List<String> rules, List<String> properties, List<Actor> actors) throws Exception {
        StringBuilder doc = new StringBuilder("""
                ---
                package: generated
                version: 1
                default_reason: no_match
                ---

                ## Request

                | field | type | required | authzen | meaning |
                |---|---|---|---|---|
                | actor | actor | yes | resource.id | |
                | n | integer | no | | |
                | s | string | no | | |
                | b | boolean | no | | |
                | tags | string[] | no | | |

                ## Registry

                | kind | attribute | type |
                |---|---|---|
                | actor | lim | integer |
                | actor | name | string |
                | actor | subs | string[] |

                ## Reasons

                | reason | effect | meaning |
                |---|---|---|
                | ok | allow | |
                | nope | deny | |
                | no_match | deny | |

                ## Examples

                | actor | effect | reason |
                |---|---|---|
                """);
        for (int i = 0; i < rules.size(); i++) {
            doc.append("\n## Rule ").append(i).append("\n\n```rule\n").append(rules.get(i)).append("\n```\n");
        }
        doc.append("\n## Properties\n");
        for (int i = 0; i < properties.size(); i++) {
            doc.append("\n### Property ").append(i).append("\n\n```property\n").append(properties.get(i)).append("\n```\n");
        }
        PolicyPackage pkg = PolicyReader.read(doc.toString(), "generated.md");
        StringBuilder json = new StringBuilder("{\"format\":\"flex-auth/registry\",\"format_version\":1,"
                + "\"source\":{\"system\":\"pbt\",\"generated_at\":\"2026-12-01T00:00:00Z\"},\"entities\":{\"actor\":[");
        for (int i = 0; i < actors.size(); i++) {
            Actor a = actors.get(i);
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(a.id()).append("\",\"lim\":").append(a.lim())
                    .append(",\"name\":\"").append(a.name()).append("\",\"subs\":[");
            for (int j = 0; j < a.subs().size(); j++) {
                json.append(j == 0 ? "" : ",").append('"').append(a.subs().get(j)).append('"');
            }
            json.append("]}");
        }
        json.append("]}}");
        Registry registry = RegistryLoader.builder().schema(pkg.registry()).build()
                .load(json.toString().getBytes(StandardCharsets.UTF_8), "generated.json");
        return Engine.of(pkg, registry);
    }
}
