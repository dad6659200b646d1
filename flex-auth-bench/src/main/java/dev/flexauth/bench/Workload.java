package dev.flexauth.bench;

import dev.flexauth.engine.Decision;
import dev.flexauth.engine.Engine;
import dev.flexauth.engine.EngineLoader;
import dev.flexauth.engine.LoadException;
import dev.flexauth.engine.Request;
import dev.flexauth.engine.RequestException;
import dev.flexauth.registry.EntityKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one benchmark trial needs: the ops-warden engine loaded from real files, the same
 * snapshot in the baseline and in jCasbin, the request mix (as {@link Ask}s and as flex-auth
 * {@link Request}s built ahead, so building them is not measured), and the proof that all three
 * give the same answer to every request. Immutable after {@link #load}.
 */
final class Workload {
    /** The system property naming the repository root; the working directory by default. */
    static final String ROOT_PROPERTY = "flexauth.root";
    /** The actor count that means the 4-actor production example rather than a synthetic snapshot. */
    static final int EXAMPLE_ACTORS = 4;

    final Engine engine;
    final Baseline baseline;
    final CasbinChecker casbin;
    final Ask[] asks;
    final Request[] requests;

    private Workload(Engine engine, Ask[] asks) {
        this.engine = engine;
        EntityKind actors = engine.registry().kind("actor").orElseThrow();
        this.baseline = new Baseline(actors);
        this.casbin = new CasbinChecker(actors);
        this.asks = asks;
        this.requests = new Request[asks.length];
        for (int i = 0; i < asks.length; i++) {
            requests[i] = request(engine, asks[i]);
        }
    }

    /**
     * Loads the workload for {@code actors} actors: the production example for {@value #EXAMPLE_ACTORS},
     * otherwise the synthetic snapshot of that size (generated under {@code flex-auth-bench/target}
     * if missing). Fails if any implementation disagrees with the baseline on any request.
     */
    static Workload load(int actors) {
        Path registry = actors == EXAMPLE_ACTORS ? exampleRegistry() : SyntheticSnapshot.ensure(snapshotDir(), actors);
        return load(registry);
    }

    static Workload load(Path registry) {
        Engine engine;
        try {
            engine = EngineLoader.defaults().load(registry, policyFile());
        } catch (LoadException e) {
            throw new IllegalStateException("cannot load the benchmark workload:\n" + String.join("\n", e.lines()), e);
        }
        Workload w = new Workload(engine, RequestMix.generate(engine.registry().kind("actor").orElseThrow()));
        w.verify();
        return w;
    }

    static Path root() {
        Path root = Path.of(System.getProperty(ROOT_PROPERTY, "."));
        if (!Files.isRegularFile(root.resolve("examples/ops-warden/policy_package.md"))) {
            throw new IllegalStateException("examples/ops-warden/policy_package.md not found under "
                    + root.toAbsolutePath().normalize() + "; run from the repository root or pass -D" + ROOT_PROPERTY + "=<repo>");
        }
        return root;
    }

    static Path policyFile() {
        return root().resolve("examples/ops-warden/policy_package.md");
    }

    static Path exampleRegistry() {
        return root().resolve("examples/ops-warden/production_registry_snapshot.json");
    }

    static Path snapshotDir() {
        return root().resolve("flex-auth-bench/target/snapshots");
    }

    private static Request request(Engine engine, Ask ask) {
        try {
            Request.Builder b = engine.request()
                    .put("actor", ask.actor())
                    .put("subject", ask.subject())
                    .put("action", ask.action());
            if (ask.principal() != null) {
                b.put("principal", ask.principal());
            }
            if (ask.ttlHours() != null) {
                b.put("ttl_hours", ask.ttlHours());
            }
            return b.build();
        } catch (RequestException e) {
            throw new IllegalStateException("the request mix produced a request flex-auth refuses: " + ask + ": " + e.getMessage(), e);
        }
    }

    /** How many requests of the mix have each outcome, by the baseline. */
    Map<Outcome, Integer> outcomeCounts() {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Ask a : asks) {
            counts.merge(baseline.check(a), 1, Integer::sum);
        }
        return counts;
    }

    /**
     * Checks every request on every implementation against the baseline, and the baseline
     * against the outcome the generator aimed for; throws with every disagreement found.
     */
    void verify() {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < asks.length; i++) {
            Ask ask = asks[i];
            Outcome expected = baseline.check(ask);
            if (expected != ask.intended()) {
                problems.add("request " + i + " " + ask + ": the generator aimed for " + ask.intended()
                        + ", the baseline says " + expected);
            }
            Decision d = engine.check(requests[i]);
            Outcome flex = Outcome.of(d.allowed(), d.reason());
            if (flex != expected) {
                problems.add("request " + i + " " + ask + ": flex-auth says " + d.effect().label() + " " + d.reason()
                        + ", the baseline " + expected);
            } else if (flex.allowed() && !d.outputs().equals(expectedOutputs(ask))) {
                problems.add("request " + i + " " + ask + ": flex-auth outputs " + d.outputs() + ", expected "
                        + expectedOutputs(ask));
            }
            Outcome casbin = this.casbin.check(ask);
            if (casbin != expected) {
                problems.add("request " + i + " " + ask + ": jCasbin says " + casbin + ", the baseline " + expected);
            }
        }
        Map<Outcome, Integer> counts = outcomeCounts();
        if (counts.size() != Outcome.values().length) {
            problems.add("the mix does not cover all six outcomes: " + counts);
        }
        int allows = counts.getOrDefault(Outcome.SIGNING_POLICY_MATCHED, 0);
        if (allows < asks.length * 2 / 5 || allows > asks.length * 3 / 5) {
            problems.add("the mix should be about half allows, has " + allows + " of " + asks.length);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.size() + " disagreement(s) between the implementations; nothing is measured:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(20, problems.size()))));
        }
    }

    private Map<String, Object> expectedOutputs(Ask ask) {
        var actor = engine.registry().kind("actor").orElseThrow().find(ask.actor());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("principal", actor.get("principal"));
        m.put("max_ttl_hours", actor.get("max_ttl_hours"));
        return m;
    }
}
